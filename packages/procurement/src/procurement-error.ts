import { RapportError } from '@rapport/core'

/**
 * The error codes of `@rapport/procurement` (plugin codes `PROCUREMENT_*`, also listed in `crm.errorCodes`). Each is
 * thrown before anything is written.
 */
export const ProcurementErrorCodes = {
  /** An RFQ or a quote is malformed: no lines, a non-positive quantity, a negative price, a line priced twice. */
  PROCUREMENT_INVALID_INPUT: 'PROCUREMENT_INVALID_INPUT',
  /** A supplier named by an RFQ does not exist, is inactive, or is named twice. */
  PROCUREMENT_INVALID_SUPPLIER: 'PROCUREMENT_INVALID_SUPPLIER',
  /** The quoting supplier was not invited to the RFQ. */
  PROCUREMENT_NOT_INVITED: 'PROCUREMENT_NOT_INVITED',
  /** A quote's currency differs from its RFQ's. */
  PROCUREMENT_CURRENCY_MISMATCH: 'PROCUREMENT_CURRENCY_MISMATCH',
  /** The RFQ no longer takes quotes or awards (awarded or cancelled). */
  PROCUREMENT_RFQ_CLOSED: 'PROCUREMENT_RFQ_CLOSED',
  /** The quote to award is not qualified (incomplete, expired, withdrawn, or below the minimum rating). */
  PROCUREMENT_NOT_QUALIFIED: 'PROCUREMENT_NOT_QUALIFIED',
  /** No quote of the RFQ is qualified, so there is nothing to award. */
  PROCUREMENT_NO_QUALIFIED_QUOTE: 'PROCUREMENT_NO_QUALIFIED_QUOTE',
  /**
   * An RFQ's status or award, or a supplier quote's status, was written by someone other than the procurement service
   * (`withdrawQuote`, `award`, `cancel`): `details.fields`.
   */
  PROCUREMENT_STATUS_READ_ONLY: 'PROCUREMENT_STATUS_READ_ONLY',
} as const

/** One of the procurement error codes. */
export type ProcurementErrorCode = keyof typeof ProcurementErrorCodes

/** @internal */
export function procurementError(
  code: ProcurementErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
