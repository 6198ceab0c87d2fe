import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import type { ContractStatus } from '../contracts/contract-lifecycle.js'
import { EDITABLE_CONTRACT_STATUSES } from '../contracts/contract-lifecycle.js'
import { receivableError } from './receivable-errors.js'

/** Contract fields that are the agreement itself: editable only while the contract is a draft. */
const CONTRACT_TERMS = ['amountMinor', 'currency', 'startDate', 'endDate', 'companyId', 'contactId'] as const
/** Installment fields that are the plan itself: frozen once anything was paid on it. */
const INSTALLMENT_TERMS = ['contractId', 'seq', 'dueDate', 'currency', 'amountMinor'] as const
const PAYMENT_TERMS = ['contractId', 'currency', 'amountMinor'] as const

const locked = (entity: string, id: unknown, reason: string, fields: readonly string[] = []) =>
  receivableError('SALES_RECORD_LOCKED', `The ${entity} ${String(id)} cannot be changed: ${reason}`, {
    entity,
    id,
    reason,
    ...(fields.length > 0 ? { fields } : {}),
  })

const touched = (
  patch: Record<string, unknown>,
  current: Record<string, unknown>,
  fields: readonly string[],
) => fields.filter((f) => f in patch && patch[f] !== current[f])

/** Refuses computed fields in a writer's input: they follow from the allocations. */
function refuseComputed(entity: string, input: Record<string, unknown>, fields: readonly string[]): void {
  const given = fields.filter((f) => input[f] !== undefined)
  if (given.length > 0) {
    throw receivableError(
      'SALES_READ_ONLY_FIELD',
      `${given.join(', ')} of a ${entity} ${given.length === 1 ? 'is' : 'are'} computed from its allocations`,
      { entity, fields: given },
    )
  }
}

/** Σ allocations of an installment or a payment, read in the write's transaction. */
async function allocatedTo(ctx: HookContext, field: 'installmentId' | 'paymentId', id: unknown) {
  const { groups } = await ctx.crm.entity('paymentAllocation').aggregate({
    where: { field, op: 'eq', value: String(id) },
    measures: { allocated: { sum: 'amountMinor' } },
  })
  return groups[0]?.values['allocated'] ?? 0
}

const INSTALLMENT_COMPUTED = ['paidMinor', 'outstandingMinor'] as const
const PAYMENT_COMPUTED = ['unallocatedMinor'] as const

/**
 * The hooks that keep contracts and receivables consistent whoever writes them (the receivables API, the REST
 * server, a host's own code): a contract's terms change only in draft and a void contract not at all (its moves
 * are checked by core's pipeline machine); an
 * installment with payments keeps its amount and date and cannot be deleted; allocations are append-only; a payment's
 * amount, currency and contract are fixed; `paidMinor`, `outstandingMinor` and `unallocatedMinor` are computed from
 * the allocations on every write (`update(id, {})` recomputes them) and refused as input. Each refusal is a typed error thrown inside the write's transaction, so
 * nothing is written.
 */
export const receivableHooks: Readonly<Record<string, EntityHooks>> = {
  contract: {
    update: {
      before(patch, ctx) {
        const from = ctx.current['status'] as ContractStatus
        if (from === 'void') throw locked('contract', ctx.current['id'], 'it is void')
        // Status moves are core's pipeline machine's (INVALID_TRANSITION); the terms are this hook's.
        const terms = touched(patch, ctx.current, CONTRACT_TERMS)
        if (terms.length > 0 && !EDITABLE_CONTRACT_STATUSES.includes(from)) {
          throw locked(
            'contract',
            ctx.current['id'],
            `its terms are fixed once it left draft (${from})`,
            terms,
          )
        }
        return undefined
      },
    },
  },
  installment: {
    create: {
      before(data) {
        refuseComputed('installment', data, INSTALLMENT_COMPUTED)
        return { data: { ...data, paidMinor: 0, outstandingMinor: data['amountMinor'] } }
      },
    },
    update: {
      async before(patch, ctx) {
        refuseComputed('installment', patch, INSTALLMENT_COMPUTED)
        const terms = touched(patch, ctx.current, INSTALLMENT_TERMS)
        if (terms.length > 0 && Number(ctx.current['paidMinor']) > 0) {
          throw locked('installment', ctx.current['id'], 'payments were allocated to it', terms)
        }
        const paid = await allocatedTo(ctx, 'installmentId', ctx.current['id'])
        const amount = Number(patch['amountMinor'] ?? ctx.current['amountMinor'])
        return { data: { ...patch, paidMinor: paid, outstandingMinor: amount - paid } }
      },
    },
    delete: {
      before(record) {
        if (Number(record['paidMinor']) > 0) {
          throw locked('installment', record['id'], 'payments were allocated to it')
        }
        return undefined
      },
    },
  },
  payment: {
    create: {
      before(data) {
        refuseComputed('payment', data, PAYMENT_COMPUTED)
        return { data: { ...data, unallocatedMinor: data['amountMinor'] } }
      },
    },
    update: {
      async before(patch, ctx) {
        refuseComputed('payment', patch, PAYMENT_COMPUTED)
        const terms = touched(patch, ctx.current, PAYMENT_TERMS)
        if (terms.length > 0) throw locked('payment', ctx.current['id'], 'a received payment is fixed', terms)
        const allocated = await allocatedTo(ctx, 'paymentId', ctx.current['id'])
        return { data: { ...patch, unallocatedMinor: Number(ctx.current['amountMinor']) - allocated } }
      },
    },
  },
  paymentAllocation: {
    create: {
      // Whoever allocates (the receivables API or a host's own code), the installment and the payment it touches
      // are recomputed in the same transaction; an allocation above what is owed fails their validation.
      async after(record, ctx) {
        await ctx.crm.entity('installment').update(String(record['installmentId']), {})
        await ctx.crm.entity('payment').update(String(record['paymentId']), {})
      },
    },
    update: {
      before(_patch, ctx) {
        throw locked('paymentAllocation', ctx.current['id'], 'allocations are append-only')
      },
    },
    delete: {
      before(record) {
        throw locked('paymentAllocation', record['id'], 'allocations are append-only')
      },
    },
  },
}
