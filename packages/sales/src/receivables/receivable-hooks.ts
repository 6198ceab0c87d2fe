import type { EntityHooks } from '@rapport/core/plugin'
import type { ContractStatus } from '../contracts/contract-lifecycle.js'
import { assertContractTransition, EDITABLE_CONTRACT_STATUSES } from '../contracts/contract-lifecycle.js'
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

/**
 * The hooks that keep contracts and receivables consistent whoever writes them (the receivables API, the REST
 * server, a host's own code): a contract moves only along its lifecycle and its terms change only in draft; an
 * installment with payments keeps its amount and date and cannot be deleted; allocations are append-only; a payment's
 * amount, currency and contract are fixed. Each refusal is a typed error thrown inside the write's transaction, so
 * nothing is written.
 */
export const receivableHooks: Readonly<Record<string, EntityHooks>> = {
  contract: {
    update: {
      before(patch, ctx) {
        const from = ctx.current['status'] as ContractStatus
        if (from === 'void') throw locked('contract', ctx.current['id'], 'it is void')
        const to = patch['status'] as ContractStatus | undefined
        if (to !== undefined && to !== from) assertContractTransition(from, to)
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
    update: {
      before(patch, ctx) {
        const terms = touched(patch, ctx.current, INSTALLMENT_TERMS)
        if (terms.length > 0 && Number(ctx.current['paidMinor']) > 0) {
          throw locked('installment', ctx.current['id'], 'payments were allocated to it', terms)
        }
        return undefined
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
    update: {
      before(patch, ctx) {
        const terms = touched(patch, ctx.current, PAYMENT_TERMS)
        if (terms.length > 0) throw locked('payment', ctx.current['id'], 'a received payment is fixed', terms)
        return undefined
      },
    },
  },
  paymentAllocation: {
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
