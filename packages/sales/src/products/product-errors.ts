import { RapportError } from '@rapport/core'

/**
 * The error codes of products and price books, all `SALES_*` and all also in `SalesErrorCodes` (the one table of
 * `@rapport/sales` a host branches on). Every one of them is thrown before anything is written.
 */
export const ProductErrorCodes = {
  /**
   * A price book's target does not fit its kind: a `customer` book needs `customerId`, a `segment` book `segmentId`,
   * a `default` book neither (`details.kind`).
   */
  SALES_INVALID_PRICE_BOOK: 'SALES_INVALID_PRICE_BOOK',
  /** A validity period ends before it starts (`details.validFrom`, `details.validTo`). */
  SALES_INVALID_PERIOD: 'SALES_INVALID_PERIOD',
  /**
   * A validity period overlaps another that must not overlap it (`details.conflictId`): two default books (or two
   * books of one customer or segment) in the same currency, or two entries of one book for the same product and
   * minimum quantity.
   */
  SALES_OVERLAPPING_VALIDITY: 'SALES_OVERLAPPING_VALIDITY',
  /**
   * A derived book's `priceRule` cannot work (`details.reason`): its base book is itself, in another currency, part
   * of a cycle or of a chain longer than `MAX_PRICE_RULE_DEPTH`, or its minimum margin is above its maximum. A base
   * book the writer cannot read is `NOT_FOUND`.
   */
  SALES_INVALID_PRICE_RULE: 'SALES_INVALID_PRICE_RULE',
  /** A price was asked for a product that is not active (`details.productId`). */
  SALES_PRODUCT_INACTIVE: 'SALES_PRODUCT_INACTIVE',
  /**
   * No active book in the currency has a valid entry for the product at that quantity and date (`details.productId`,
   * `details.currency`, `details.date`, `details.quantity`).
   */
  SALES_NO_PRICE: 'SALES_NO_PRICE',
  /** A price lookup is malformed: an unknown field, a bad date or segment list (`details.path`). */
  SALES_INVALID_PRICE_QUERY: 'SALES_INVALID_PRICE_QUERY',
  /** A price book's currency was changed; its entries are priced in it (`details.reason`). */
  SALES_RECORD_LOCKED: 'SALES_RECORD_LOCKED',
} as const

/** One of the codes in {@link ProductErrorCodes}. */
export type ProductErrorCode = (typeof ProductErrorCodes)[keyof typeof ProductErrorCodes]

/** Builds the `RapportError` of a products code. */
export function productError(
  code: ProductErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
