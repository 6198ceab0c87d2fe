import type { CrmOperation } from '@rapport/core/plugin'
import { defineOperation } from '@rapport/core/plugin'
import * as z from 'zod'
import type { InstallmentTerm } from './installment-plan.js'
import { receivablesService } from './receivables-service.js'

const id = z.string().min(1).max(100)
const day = z.iso.date().describe('A calendar day, YYYY-MM-DD')
const minor = z.int().min(0).max(Number.MAX_SAFE_INTEGER)
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 code, e.g. EUR')
const asOf = {
  asOf: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .describe('The day (YYYY-MM-DD) or instant statuses are read on'),
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The time zone an instant is read in (default UTC)'),
}

const term = z.union([
  z.strictObject({
    percent: z.number().gt(0).max(100).describe('Share of the contract amount'),
    dueDate: day,
  }),
  z.strictObject({ amountMinor: minor.describe('A fixed amount in minor units'), dueDate: day }),
  z.strictObject({
    balance: z.literal(true).describe('This line takes what the others leave (one per plan)'),
    dueDate: day,
  }),
])

const allocation = z.strictObject({
  installmentId: id,
  amountMinor: minor.min(1).describe('Minor units of the payment put on this installment'),
})

const installmentView = z.object({
  id: z.string(),
  contractId: z.string(),
  seq: z.int(),
  dueDate: z.string(),
  currency: z.string(),
  amountMinor: z.int(),
  paidMinor: z.int(),
  outstandingMinor: z.int(),
  status: z.string().describe('pending, partial, paid, overdue, void or notEffective, derived on asOf'),
  daysPastDue: z.int(),
})

/**
 * The receivables API as operations for the outside faces (REST routes under `/contracts` and `/deals`, MCP tools
 * `receivables_*`). Each runs `crm.plugins.receivables`' own method on the caller's scoped services, so access
 * policies, hooks and the all-or-nothing transactions are the same as in-process. Reads: installments, balance,
 * aging; writes (opt-in on MCP): contract from a deal, plans, payments.
 */
export const receivableOperations: Readonly<Record<string, CrmOperation>> = {
  contractFromDeal: defineOperation({
    description:
      'Creates a draft contract from a won deal, keeping the deal (and quote) links and taking its name, amount and company unless given',
    effect: 'write',
    entity: 'deal',
    record: true,
    input: z.strictObject({
      id: id.describe('The won deal'),
      startDate: day,
      endDate: day,
      name: z.string().min(1).max(300).optional(),
      amountMinor: minor.optional().describe('Default: the deal amount'),
      currency: currency.optional(),
      quoteId: id.optional().describe('The accepted quote the contract also comes from'),
      contactId: id.optional(),
      number: z.string().min(1).max(100).optional(),
    }),
    run: ({ id: dealId, ...input }, { crm }) => receivablesService(crm).contractFromDeal(dealId, input),
  }),
  planInstallments: defineOperation({
    description:
      'Replaces the contract’s installment plan with lines by percentage, fixed amount or one balance line; refused once payments were allocated',
    effect: 'write',
    entity: 'contract',
    record: true,
    input: z.strictObject({ id, terms: z.array(term).min(1).max(120) }),
    run: ({ id: contractId, terms }, { crm }) =>
      receivablesService(crm).planInstallments(contractId, terms as InstallmentTerm[]),
  }),
  setInstallments: defineOperation({
    description:
      'Replaces the contract’s installment plan with amounts that must add up to the contract amount',
    effect: 'write',
    entity: 'contract',
    record: true,
    input: z.strictObject({
      id,
      installments: z
        .array(z.strictObject({ dueDate: day, amountMinor: minor }))
        .min(1)
        .max(120),
    }),
    run: ({ id: contractId, installments }, { crm }) =>
      receivablesService(crm).setInstallments(contractId, installments),
  }),
  recordPayment: defineOperation({
    description:
      'Records a payment on an effective contract, spread oldest due first unless allocations are given; over-payments stay unallocated',
    effect: 'write',
    entity: 'contract',
    record: true,
    input: z.strictObject({
      id,
      amountMinor: minor.min(1),
      currency,
      receivedOn: day,
      method: z.string().min(1).max(50).optional(),
      reference: z.string().min(1).max(200).optional(),
      allocations: z.array(allocation).max(500).optional(),
    }),
    run: ({ id: contractId, ...payment }, { crm }) =>
      receivablesService(crm).recordPayment(contractId, payment),
  }),
  installments: defineOperation({
    description: 'The contract’s installments in plan order, with status and days past due on asOf',
    effect: 'read',
    entity: 'contract',
    record: true,
    input: z.strictObject({ id, ...asOf }),
    output: z.array(installmentView),
    run: ({ id: contractId, ...options }, { crm }) =>
      receivablesService(crm).installments(contractId, options),
  }),
  balance: defineOperation({
    description: 'What the contract is worth, what was received and what is still to come',
    effect: 'read',
    entity: 'contract',
    record: true,
    input: z.strictObject({ id }),
    output: z.object({
      contractId: z.string(),
      currency: z.string(),
      amountMinor: z.int(),
      receivedMinor: z.int(),
      unreceivedMinor: z.int(),
      unallocatedMinor: z.int(),
    }),
    run: ({ id: contractId }, { crm }) => receivablesService(crm).balance(contractId),
  }),
  aging: defineOperation({
    description:
      'What effective contracts still owe in one currency on asOf, by bucket: current, 1-30, 31-60, 61-90 and 90+ days past due',
    effect: 'read',
    entity: 'contract',
    input: z.strictObject({ currency, ...asOf }),
    run: (options, { crm }) => receivablesService(crm).aging(options),
  }),
}
