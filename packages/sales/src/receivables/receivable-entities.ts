import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

const id = z.string().min(1).max(100)
const minor = z.int().min(0).max(Number.MAX_SAFE_INTEGER)
const currency = z.string().regex(/^[A-Z]{3}$/)

/**
 * One installment of a contract's receivable plan. `paidMinor` and `outstandingMinor` are computed, never input: the
 * receivables hooks set them from the installment's allocations on every write (in the allocation's transaction,
 * never by a job), so aging can be summed in SQL, and refuse them from any writer (`SALES_READ_ONLY_FIELD`). The
 * status is never stored: it is derived from the contract, the allocations and an as-of date on every read.
 */
export const installmentEntity = defineEntity({
  name: 'installment',
  idPrefix: 'ins',
  shape: {
    contractId: id,
    seq: z.int().min(1).max(10_000),
    dueDate: z.iso.date(),
    currency,
    amountMinor: minor,
    /** Computed: the sum of the installment's allocations. */
    paidMinor: minor.optional(),
    /** Computed: `amountMinor − paidMinor`. */
    outstandingMinor: minor.optional(),
  },
  references: { contractId: { model: 'contract', onDelete: 'cascade' } },
  indexes: [
    { name: 'by_contract_seq', fields: ['contractId', 'seq'], unique: true },
    // Covers aging, led by the contract: the adapters read the effective contracts once and seek each one's
    // installments here (archivedAt, currency, dueDate and outstandingMinor all come from the index, no row is read).
    // Led by currency and dueDate instead, every installment probed the contract table: 15 s at 1M on SQLite.
    {
      name: 'aging_by_contract',
      fields: ['contractId', 'currency', 'archivedAt', 'dueDate', 'outstandingMinor'],
    },
  ],
  relations: { contract: { kind: 'belongsTo', model: 'contract', localKey: 'contractId' } },
  // The computed fields are absent from input and filled by the hooks: checked once both are there.
  validate: (r) =>
    r['paidMinor'] !== undefined &&
    r['outstandingMinor'] !== undefined &&
    Number(r['paidMinor']) + Number(r['outstandingMinor']) !== Number(r['amountMinor'])
      ? [
          {
            path: ['outstandingMinor'],
            message: 'paid + outstanding must equal the amount',
            code: 'invalid_value',
          },
        ]
      : [],
})

/**
 * A payment received against a contract; `unallocatedMinor` is computed (never input, `SALES_READ_ONLY_FIELD`): what
 * no allocation took (an over-payment).
 */
export const paymentEntity = defineEntity({
  name: 'payment',
  idPrefix: 'pay',
  shape: {
    contractId: id,
    currency,
    amountMinor: minor.min(1),
    /** Computed: `amountMinor` minus the payment's allocations. */
    unallocatedMinor: minor.optional(),
    receivedOn: z.iso.date(),
    method: z.string().max(50).nullable().optional(),
    reference: z.string().max(200).nullable().optional(),
  },
  references: { contractId: { model: 'contract', onDelete: 'restrict' } },
  indexes: [{ name: 'by_contract', fields: ['contractId'] }],
  // The timeline finds a customer's payments through their contract.
  relations: { contract: { kind: 'belongsTo', model: 'contract', localKey: 'contractId' } },
})

/** The part of a payment applied to one installment (append-only). */
export const paymentAllocationEntity = defineEntity({
  name: 'paymentAllocation',
  idPrefix: 'pal',
  shape: {
    paymentId: id,
    installmentId: id,
    contractId: id,
    amountMinor: minor.min(1),
  },
  references: {
    paymentId: { model: 'payment', onDelete: 'cascade' },
    installmentId: { model: 'installment', onDelete: 'restrict' },
  },
  indexes: [
    { name: 'by_installment', fields: ['installmentId'] },
    { name: 'by_payment', fields: ['paymentId'] },
  ],
})
