import type { CrmServices } from '@rapport/core'
import type { ContractStatus } from '../contracts/contract-lifecycle.js'
import { contractStanding, EFFECTIVE_CONTRACT_STATUSES } from '../contracts/contract-lifecycle.js'
import type { AgingReport } from './aging.js'
import { AGING_BUCKETS, agingBucketStarts, agingReport } from './aging.js'
import type { Allocation } from './allocate-payment.js'
import { checkAllocations, spreadPayment } from './allocate-payment.js'
import { asOfDate, requireDay } from './calendar-days.js'
import type { InstallmentTerm } from './installment-plan.js'
import { assertPlanTotal, planInstallments } from './installment-plan.js'
import type { InstallmentStatus } from './installment-status.js'
import { daysPastDue, installmentStatus } from './installment-status.js'
import { receivableError } from './receivable-errors.js'

/** A stored record as the entity services return it (contract, installment, payment, allocation). */
export type ReceivableRecord = Record<string, unknown>

/** An installment as read through the receivables API: the stored row plus its status on the as-of date. */
export interface InstallmentView {
  readonly id: string
  readonly contractId: string
  readonly seq: number
  readonly dueDate: string
  readonly currency: string
  readonly amountMinor: number
  readonly paidMinor: number
  readonly outstandingMinor: number
  /** Derived on every read from the contract status, the allocations and `asOf`. */
  readonly status: InstallmentStatus
  /** Whole days from the due date to `asOf` (negative before it). */
  readonly daysPastDue: number
}

/** A contract's money: what it is worth, what was received (the sum of its payments) and what is still to come. */
export interface ContractBalance {
  readonly contractId: string
  readonly currency: string
  readonly amountMinor: number
  readonly receivedMinor: number
  readonly unreceivedMinor: number
  /** Received but allocated to no installment (over-payments). */
  readonly unallocatedMinor: number
}

/** A payment to record. Without `allocations` it is spread oldest due first; with them, each is checked. */
export interface PaymentInput {
  readonly amountMinor: number
  readonly currency: string
  /** `YYYY-MM-DD`. */
  readonly receivedOn: string
  readonly method?: string
  readonly reference?: string
  readonly allocations?: readonly Allocation[]
}

/** What `contractFromDeal` of the receivables API needs besides the deal: the term, and what differs from the deal. */
export interface ContractFromDealInput {
  readonly startDate: string
  readonly endDate: string
  /** Default: the deal's name. */
  readonly name?: string
  /** Default: the deal's amount (required when the deal has none). */
  readonly amountMinor?: number
  readonly currency?: string
  /** The accepted quote the contract also comes from (the link is kept). */
  readonly quoteId?: string
  readonly contactId?: string
  readonly number?: string
}

/** When to read statuses: an as-of date or instant, and the time zone an instant is read in (default UTC). */
export interface AsOfOptions {
  readonly asOf: Date | string
  readonly timeZone?: string
}

const num = (value: unknown) => Number(value ?? 0)

async function contractOf(crm: CrmServices, id: string): Promise<ReceivableRecord> {
  return crm.entity('contract').get(id)
}

async function installmentsOf(crm: CrmServices, contractId: string): Promise<ReceivableRecord[]> {
  const rows: ReceivableRecord[] = []
  for await (const row of crm.entity('installment').iterate({
    where: { field: 'contractId', op: 'eq', value: contractId },
    orderBy: [{ field: 'seq' }],
  }))
    rows.push(row)
  return rows
}

async function replacePlan(
  tx: CrmServices,
  contract: ReceivableRecord,
  planned: readonly { seq: number; dueDate: string; amountMinor: number }[],
) {
  const service = tx.entity('installment')
  const current = await installmentsOf(tx, String(contract['id']))
  const paid = current.filter((row) => num(row['paidMinor']) > 0)
  if (paid.length > 0) {
    throw receivableError(
      'SALES_RECORD_LOCKED',
      `The plan of contract ${String(contract['id'])} has installments with payments; it cannot be replaced`,
      { entity: 'installment', ids: paid.map((row) => row['id']), reason: 'payments were allocated to it' },
    )
  }
  for (const row of current) await service.delete(String(row['id']))
  return service.createMany(
    planned.map((p) => ({
      contractId: contract['id'],
      seq: p.seq,
      dueDate: p.dueDate,
      currency: contract['currency'],
      amountMinor: p.amountMinor,
    })),
  )
}

function view(row: ReceivableRecord, status: ContractStatus, asOf: string): InstallmentView {
  const facts = {
    amountMinor: num(row['amountMinor']),
    paidMinor: num(row['paidMinor']),
    dueDate: String(row['dueDate']),
    standing: contractStanding(status),
  }
  return {
    id: String(row['id']),
    contractId: String(row['contractId']),
    seq: num(row['seq']),
    dueDate: facts.dueDate,
    currency: String(row['currency']),
    amountMinor: facts.amountMinor,
    paidMinor: facts.paidMinor,
    outstandingMinor: num(row['outstandingMinor']),
    status: installmentStatus(facts, asOf),
    daysPastDue: daysPastDue(facts.dueDate, asOf),
  }
}

/**
 * The receivables API (`crm.plugins.receivables`): installment plans, payments with their allocations, statuses on
 * an as-of date, contract balances and aging. Every write runs in one transaction and either writes everything or
 * nothing.
 */
export function receivablesService(crm: CrmServices) {
  return {
    /**
     * Creates a draft contract from a won deal (and optionally the accepted quote behind it), keeping both links and
     * taking the deal's name, amount, currency and company unless given.
     *
     * @throws `SALES_DEAL_NOT_WON` when the deal is not in a won stage; `NOT_FOUND` for an unknown deal.
     */
    contractFromDeal(dealId: string, input: ContractFromDealInput): Promise<ReceivableRecord> {
      return crm.transaction(async (tx) => {
        const deal = (await tx.deals.get(dealId)) as unknown as ReceivableRecord
        const pipeline = await tx.pipelines.get(String(deal['pipelineId']))
        const stage = pipeline.stages.find((s) => s.id === deal['stageId'])
        if (stage?.kind !== 'won') {
          throw receivableError(
            'SALES_DEAL_NOT_WON',
            `Deal ${dealId} is not won (stage ${stage?.name ?? '?'})`,
            {
              dealId,
              stageId: deal['stageId'],
            },
          )
        }
        const amount = deal['amount'] as { amountMinor: number; currency: string } | null | undefined
        return tx.entity('contract').create({
          name: input.name ?? deal['name'],
          currency: input.currency ?? amount?.currency,
          amountMinor: input.amountMinor ?? amount?.amountMinor,
          startDate: input.startDate,
          endDate: input.endDate,
          dealId,
          quoteId: input.quoteId ?? null,
          companyId: deal['companyId'] ?? null,
          contactId: input.contactId ?? null,
          number: input.number ?? null,
        })
      })
    },

    /**
     * Replaces a contract's plan with installments computed from `terms` (percentages, fixed amounts, one balance
     * line). Refused while any installment of the plan has payments (`SALES_RECORD_LOCKED`).
     */
    planInstallments(contractId: string, terms: readonly InstallmentTerm[]): Promise<ReceivableRecord[]> {
      return crm.transaction(async (tx) => {
        const contract = await contractOf(tx, contractId)
        return replacePlan(tx, contract, planInstallments(num(contract['amountMinor']), terms))
      })
    },

    /**
     * Replaces a contract's plan with installments given by amount. They must add up to the contract amount
     * (`SALES_PLAN_TOTAL_MISMATCH`).
     */
    setInstallments(
      contractId: string,
      installments: readonly { readonly dueDate: string; readonly amountMinor: number }[],
    ): Promise<ReceivableRecord[]> {
      return crm.transaction(async (tx) => {
        const contract = await contractOf(tx, contractId)
        assertPlanTotal(num(contract['amountMinor']), installments)
        for (const [i, row] of installments.entries()) requireDay(row.dueDate, `installments[${i}].dueDate`)
        return replacePlan(
          tx,
          contract,
          installments.map((row, i) => ({ seq: i + 1, dueDate: row.dueDate, amountMinor: row.amountMinor })),
        )
      })
    },

    /**
     * Records a payment on an effective contract and allocates it: to the installments given, each checked against
     * what it still owes, or oldest due first. What no installment needs stays on the payment as `unallocatedMinor`.
     */
    recordPayment(
      contractId: string,
      input: PaymentInput,
    ): Promise<{ payment: ReceivableRecord; allocations: ReceivableRecord[] }> {
      return crm.transaction(async (tx) => {
        const contract = await contractOf(tx, contractId)
        const status = contract['status'] as ContractStatus
        if (contractStanding(status) !== 'effective') {
          throw receivableError(
            'SALES_RECORD_LOCKED',
            `Contract ${contractId} takes no payments while it is ${status}`,
            { entity: 'contract', id: contractId, reason: `status ${status}` },
          )
        }
        if (input.currency !== contract['currency']) {
          throw receivableError(
            'SALES_CURRENCY_MISMATCH',
            `The payment is in ${input.currency}, the contract in ${String(contract['currency'])}`,
            { expected: contract['currency'], actual: input.currency },
          )
        }
        const open = (await installmentsOf(tx, contractId)).map((row) => ({
          id: String(row['id']),
          seq: num(row['seq']),
          dueDate: String(row['dueDate']),
          outstandingMinor: num(row['outstandingMinor']),
        }))
        let allocations: readonly Allocation[]
        if (input.allocations) {
          checkAllocations(
            input.allocations,
            new Map(open.map((i) => [i.id, i.outstandingMinor])),
            input.amountMinor,
          )
          allocations = input.allocations
        } else allocations = spreadPayment(input.amountMinor, open).allocations
        const created = await tx.entity('payment').create({
          contractId,
          currency: input.currency,
          amountMinor: input.amountMinor,
          receivedOn: input.receivedOn,
          method: input.method ?? null,
          reference: input.reference ?? null,
        })
        const rows: ReceivableRecord[] = []
        for (const allocation of allocations) {
          rows.push(
            await tx.entity('paymentAllocation').create({
              paymentId: created['id'],
              installmentId: allocation.installmentId,
              contractId,
              amountMinor: allocation.amountMinor,
            }),
          )
        }
        // The allocation hooks recomputed the installments' paidMinor / outstandingMinor and the payment's rest.
        const payment = await tx.entity('payment').get(String(created['id']))
        return { payment, allocations: rows }
      })
    },

    /** The contract's installments with their status on `asOf`, in plan order. */
    async installments(contractId: string, options: AsOfOptions): Promise<InstallmentView[]> {
      const asOf = asOfDate(options.asOf, options.timeZone)
      const contract = await contractOf(crm, contractId)
      const rows = await installmentsOf(crm, contractId)
      return rows.map((row) => view(row, contract['status'] as ContractStatus, asOf))
    },

    /** What the contract is worth, what was received and what is still to come, rolled up from its payments. */
    async balance(contractId: string): Promise<ContractBalance> {
      const contract = await contractOf(crm, contractId)
      const { groups } = await crm.entity('payment').aggregate({
        where: { field: 'contractId', op: 'eq', value: contractId },
        measures: { received: { sum: 'amountMinor' }, unallocated: { sum: 'unallocatedMinor' } },
      })
      const received = groups[0]?.values['received'] ?? 0
      return {
        contractId,
        currency: String(contract['currency']),
        amountMinor: num(contract['amountMinor']),
        receivedMinor: received,
        unreceivedMinor: Math.max(0, num(contract['amountMinor']) - received),
        unallocatedMinor: groups[0]?.values['unallocated'] ?? 0,
      }
    },

    /**
     * The aging of what effective contracts still owe in `currency` on `asOf`, by bucket (current, 1–30, 31–60, 61–90,
     * 90+ days past due), computed by the storage adapter (`GROUP BY` in SQL on SQLite and Postgres) through
     * `aggregate()`, within the caller's read scope. `where` further restricts the installments.
     */
    async aging(
      options: AsOfOptions & { readonly currency: string; readonly where?: unknown },
    ): Promise<AgingReport> {
      const asOf = asOfDate(options.asOf, options.timeZone)
      const starts = agingBucketStarts(asOf)
      const filters: unknown[] = [
        { field: 'currency', op: 'eq', value: options.currency },
        { field: 'outstandingMinor', op: 'gt', value: 0 },
        { exists: 'contract', where: { field: 'status', op: 'in', value: [...EFFECTIVE_CONTRACT_STATUSES] } },
      ]
      if (options.where !== undefined) filters.push(options.where)
      const { groups } = await crm.entity('installment').aggregate({
        where: { and: filters } as never,
        groupBy: [
          { name: 'bucket', cases: starts.map((start) => ({ field: 'dueDate', op: 'gte', value: start })) },
        ],
        measures: { installments: { count: true }, outstanding: { sum: 'outstandingMinor' } },
      })
      const counts = AGING_BUCKETS.map(() => 0)
      const sums = AGING_BUCKETS.map(() => 0)
      for (const group of groups) {
        const bucket = Number(group.key['bucket'])
        counts[bucket] = group.values['installments'] ?? 0
        sums[bucket] = group.values['outstanding'] ?? 0
      }
      return agingReport(asOf, options.currency, counts, sums)
    },
  }
}

/** The API of the receivables plugin. */
export type ReceivablesApi = ReturnType<typeof receivablesService>
