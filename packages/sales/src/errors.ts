import { RapportError } from '@rapport/core'

/**
 * The stable error codes of `@rapport/sales`. Every code is prefixed `SALES_`; codes never change meaning once
 * published. Sub-modules (products, quotes, contracts, receivables, procurement) add their codes here so a host has
 * one table to branch on.
 *
 * @example
 * ```ts
 * import { isRapportError } from '@rapport/core'
 * import { SalesErrorCodes } from '@rapport/sales'
 *
 * try {
 *   calculateDocument({ currency: 'EUR', lines: [{ quantity: '-1', unitPriceMinor: 100 }] })
 * } catch (error) {
 *   if (isRapportError(error) && error.code === SalesErrorCodes.NEGATIVE_QUANTITY) console.log(error.details)
 * }
 * ```
 */
export const SalesErrorCodes = {
  /** A currency code is not an ISO 4217 code (`details.currency`). */
  INVALID_CURRENCY: 'SALES_INVALID_CURRENCY',
  /** A line's currency differs from its document's (`details.path`, `details.expected`, `details.actual`). */
  CURRENCY_MISMATCH: 'SALES_CURRENCY_MISMATCH',
  /** A quantity is below zero (`details.path`). */
  NEGATIVE_QUANTITY: 'SALES_NEGATIVE_QUANTITY',
  /** A decimal (quantity, percentage, rate) is malformed or too long (`details.path`, `details.value`). */
  INVALID_DECIMAL: 'SALES_INVALID_DECIMAL',
  /** A minor-unit amount is not a non-negative safe integer (`details.path`). */
  INVALID_AMOUNT: 'SALES_INVALID_AMOUNT',
  /** A discount is negative or a percentage is above 100 (`details.path`). */
  INVALID_DISCOUNT: 'SALES_INVALID_DISCOUNT',
  /** A tax rate is negative (`details.path`). */
  INVALID_TAX_RATE: 'SALES_INVALID_TAX_RATE',
  /** An exchange rate is missing, not positive, or given without its company currency. */
  INVALID_FX_RATE: 'SALES_INVALID_FX_RATE',
  /** A computed amount does not fit a safe integer of minor units. */
  AMOUNT_OUT_OF_RANGE: 'SALES_AMOUNT_OUT_OF_RANGE',
  /** A document or line is not the expected shape: not an object, an unknown field, an unknown kind or mode, too
   * many lines (`details.path`). */
  INVALID_DOCUMENT: 'SALES_INVALID_DOCUMENT',
  /** An allocation has no positive weight for a non-zero total, or a weight is not a non-negative safe integer. */
  INVALID_ALLOCATION: 'SALES_INVALID_ALLOCATION',
  /** An installment plan is malformed (no lines, two balance lines, a bad percentage, amount or date). */
  INVALID_PLAN: 'SALES_INVALID_PLAN',
  /** An installment plan does not add up to the contract amount (`details.expectedMinor`, `details.actualMinor`). */
  PLAN_TOTAL_MISMATCH: 'SALES_PLAN_TOTAL_MISMATCH',
  /** An allocation asks for more than an installment still owes (`details.outstandingMinor`). */
  ALLOCATION_EXCEEDS_OUTSTANDING: 'SALES_ALLOCATION_EXCEEDS_OUTSTANDING',
  /** Allocations of one payment add up to more than the payment (`details.unallocatedMinor`). */
  ALLOCATION_EXCEEDS_PAYMENT: 'SALES_ALLOCATION_EXCEEDS_PAYMENT',
  /** A record that payments, an approval or a final state lock was edited (`details.reason`). */
  RECORD_LOCKED: 'SALES_RECORD_LOCKED',
  /**
   * A computed field was written (`details.fields`): installments' `paidMinor` and `outstandingMinor`, payments'
   * `unallocatedMinor`, quotes' totals, `revision` and `calculation`.
   */
  READ_ONLY_FIELD: 'SALES_READ_ONLY_FIELD',
  /** A contract was to be created from a deal that is not in a won stage (`details.dealId`). */
  DEAL_NOT_WON: 'SALES_DEAL_NOT_WON',
  /** A contract status change the lifecycle does not allow (`details.from`, `details.to`). */
  INVALID_TRANSITION: 'SALES_INVALID_TRANSITION',
  /** A price book's target does not fit its kind (customer / segment / default) (`details.kind`). */
  INVALID_PRICE_BOOK: 'SALES_INVALID_PRICE_BOOK',
  /** A validity period ends before it starts (`details.validFrom`, `details.validTo`). */
  INVALID_PERIOD: 'SALES_INVALID_PERIOD',
  /** Two price books or two entries whose validity periods must not overlap do (`details.conflictId`). */
  OVERLAPPING_VALIDITY: 'SALES_OVERLAPPING_VALIDITY',
  /** A derived price book's rule cannot work: self or cyclic base, other currency, margins crossed (`details.reason`). */
  INVALID_PRICE_RULE: 'SALES_INVALID_PRICE_RULE',
  /** A price was asked for an inactive product (`details.productId`). */
  PRODUCT_INACTIVE: 'SALES_PRODUCT_INACTIVE',
  /** No price book entry applies to the product, quantity, date and currency asked (`details`). */
  NO_PRICE: 'SALES_NO_PRICE',
  /** A quote line's unit is not its product's unit (`details.path`, `details.expected`). */
  UNIT_MISMATCH: 'SALES_UNIT_MISMATCH',
  /**
   * A quote line naming a product sets a unit price other than the catalogue's while the host forbids overrides
   * (`quotesPlugin({ priceOverrides: 'forbid' })`; `details.catalogueMinor`).
   */
  PRICE_OVERRIDE_FORBIDDEN: 'SALES_PRICE_OVERRIDE_FORBIDDEN',
  /** A price lookup is malformed (`details.path`). */
  INVALID_PRICE_QUERY: 'SALES_INVALID_PRICE_QUERY',
} as const

/** One of the codes in {@link SalesErrorCodes}. */
export type SalesErrorCode = (typeof SalesErrorCodes)[keyof typeof SalesErrorCodes]

/** Builds the `RapportError` for a sales code; `details` should name the failing `path`. */
export function salesError(
  code: SalesErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
