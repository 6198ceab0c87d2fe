/**
 * Exact money for sales documents: integer minor units with ISO 4217 exponents, named rounding modes, largest-remainder
 * allocation and the document calculation (line discounts, header discount, tax per line or global, tax-inclusive
 * prices, shipping and fees, a frozen exchange rate).
 *
 * @example
 * ```ts
 * import { allocateLargestRemainder, calculateDocument } from '@rapport/sales/money'
 *
 * allocateLargestRemainder(100, [1, 1, 1]) // [34, 33, 33]
 * calculateDocument({ currency: 'USD', lines: [{ quantity: '3', unitPriceMinor: 100, taxRate: '7.5' }] }).totals.totalMinor // 323
 * ```
 *
 * @module
 */
export { allocateLargestRemainder } from './allocate.js'
export { calculateDocument } from './calculate-document.js'
export { currencyExponent, isCurrency } from './currency.js'
export { type DecimalInput, formatDecimal, parseDecimal, type Ratio } from './decimal.js'
export { MAX_DOCUMENT_LINES } from './document-input.js'
export type {
  CalculatedDocument,
  CalculatedLine,
  CompanyAmounts,
  CompanyTotals,
  DocumentInput,
  DocumentTotals,
  FxRate,
  HeaderDiscount,
  LineDiscount,
  LineInput,
  LineKind,
  TaxRounding,
  TaxSummary,
} from './document-types.js'
export { multiplyMinor } from './multiply.js'
export { divRound, type RoundingMode, roundingModes } from './rounding.js'
