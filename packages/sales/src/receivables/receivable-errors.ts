import { RapportError } from '@rapport/core'

/**
 * The error codes of contracts and receivables, all `SALES_*` and all also in `SalesErrorCodes` (the one table of
 * `@rapport/sales` a host branches on). Every one of them is thrown before anything is written.
 */
export const ReceivableErrorCodes = {
  /** An installment plan is malformed (no lines, two balance lines, a bad percentage, amount or date). */
  SALES_INVALID_PLAN: 'SALES_INVALID_PLAN',
  /** An installment plan does not add up to the contract amount (`details.expectedMinor`, `details.actualMinor`). */
  SALES_PLAN_TOTAL_MISMATCH: 'SALES_PLAN_TOTAL_MISMATCH',
  /** An allocation asks for more than an installment still owes (`details.outstandingMinor`). */
  SALES_ALLOCATION_EXCEEDS_OUTSTANDING: 'SALES_ALLOCATION_EXCEEDS_OUTSTANDING',
  /** Allocations of one payment add up to more than the payment (`details.unallocatedMinor`). */
  SALES_ALLOCATION_EXCEEDS_PAYMENT: 'SALES_ALLOCATION_EXCEEDS_PAYMENT',
  /** A record that payments, an approval or a final state lock was edited (`details.reason`). */
  SALES_RECORD_LOCKED: 'SALES_RECORD_LOCKED',
  /**
   * A computed field was written (`details.fields`): an installment's `paidMinor` / `outstandingMinor` and a payment's
   * `unallocatedMinor` follow from the allocations and are set by the receivables hooks only.
   */
  SALES_READ_ONLY_FIELD: 'SALES_READ_ONLY_FIELD',
  /** A payment or plan in a currency other than its contract's. */
  SALES_CURRENCY_MISMATCH: 'SALES_CURRENCY_MISMATCH',
  /** A contract was to be created from a deal that is not in a won stage (`details.dealId`). */
  SALES_DEAL_NOT_WON: 'SALES_DEAL_NOT_WON',
  /** A contract status change the lifecycle does not allow (`details.from`, `details.to`). */
  SALES_INVALID_TRANSITION: 'SALES_INVALID_TRANSITION',
} as const

/** One of the contract and receivable error codes. */
export type ReceivableErrorCode = keyof typeof ReceivableErrorCodes

/** Builds a `RapportError` (from `@rapport/core`) with one of the {@link ReceivableErrorCodes}. */
export function receivableError(
  code: ReceivableErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
