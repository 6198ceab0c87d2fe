import type { DecimalInput } from './decimal.js'
import type { RoundingMode } from './rounding.js'

/** What a line is: a sold item, shipping, or a fee. Only `item` lines share the header discount. */
export type LineKind = 'item' | 'shipping' | 'fee'

/**
 * A discount on one line. Several discounts on a line apply in order, each to the price the previous one left (the
 * Salesforce CPQ waterfall: 10,000 less 20 % then 10 % is 7,200). A line's net never goes below zero.
 *
 * - `{ percent }`: a percentage (0–100) of the running line price (the same as of the unit price);
 * - `{ amountPerUnitMinor }`: minor units off each unit (SuiteCRM `Amount`), so `× quantity` off the line;
 * - `{ amountMinor }`: minor units off the whole line.
 */
export type LineDiscount =
  | { readonly percent: DecimalInput }
  | { readonly amountPerUnitMinor: number }
  | { readonly amountMinor: number }

/** A document-level discount, shared over the `item` lines pro rata to their net, by largest remainder, before tax. */
export type HeaderDiscount = { readonly percent: DecimalInput } | { readonly amountMinor: number }

/**
 * How tax is rounded (Odoo `tax_calculation_rounding_method`):
 * - `perLine`: each line's tax is rounded, then the rounded amounts are summed;
 * - `global`: per tax rate, the exact amounts are summed and rounded once; the lines then share that rounded total by
 *   largest remainder (ties to the earlier line), so lines still sum exactly to the header.
 */
export type TaxRounding = 'perLine' | 'global'

/** The exchange rate frozen on a document: one unit of the document currency is worth `rate` company-currency units. */
export interface FxRate {
  /** The company's (reporting) currency, ISO 4217. */
  readonly companyCurrency: string
  /** Company-currency units per document-currency unit, as a positive decimal (`"7.8123"`). */
  readonly rate: DecimalInput
}

/** One line of a document as the caller gives it. Amounts are integer minor units; quantities and rates decimals. */
export interface LineInput {
  /** `item` (default), `shipping` or `fee`. */
  readonly kind?: LineKind
  /** How many units; a decimal ≥ 0 (`"1.5"`). */
  readonly quantity: DecimalInput
  /** The unit list price in minor units of the document currency (tax included when the document says so). */
  readonly unitPriceMinor: number
  /** The line's currency, if the caller states one; it must equal the document's. */
  readonly currency?: string
  /** One discount or a waterfall of discounts applied in order. */
  readonly discount?: LineDiscount | readonly LineDiscount[]
  /** The tax rate as a percentage (`"21"`, `"7.5"`); none means untaxed. */
  readonly taxRate?: DecimalInput
}

/** A document (quote, order, invoice) to calculate. */
export interface DocumentInput {
  /** The document currency, ISO 4217; it fixes the minor-unit exponent. */
  readonly currency: string
  /** The lines, in display order. */
  readonly lines: readonly LineInput[]
  /** When true, unit prices include tax and the base is extracted: `base = round(total / (1 + rate))`. */
  readonly pricesIncludeTax?: boolean
  /** `perLine` (default) or `global`. */
  readonly taxRounding?: TaxRounding
  /** The rounding mode of every step; `halfUp` by default. */
  readonly roundingMode?: RoundingMode
  /** A discount on the whole document, shared over the item lines. */
  readonly headerDiscount?: HeaderDiscount
  /** The frozen exchange rate; when given, company-currency amounts are computed too. */
  readonly fx?: FxRate
}

/** A document's amounts in the company currency. Lines carry the same shape, and sum exactly to the header. */
export interface CompanyAmounts {
  /** Untaxed amount. */
  readonly subtotalMinor: number
  /** Tax. */
  readonly taxMinor: number
  /** `subtotalMinor + taxMinor`. */
  readonly totalMinor: number
}

/** One calculated line. For every line `grossMinor − lineDiscountMinor = netMinor` and `subtotalMinor + taxMinor =
 * totalMinor`; exclusive prices give `netMinor − headerDiscountMinor = subtotalMinor`, inclusive prices give
 * `netMinor − headerDiscountMinor = totalMinor`. */
export interface CalculatedLine {
  /** The line's position in the input. */
  readonly index: number
  /** The line's kind. */
  readonly kind: LineKind
  /** The quantity, normalised (`"1.5"`). */
  readonly quantity: string
  /** The unit list price. */
  readonly unitPriceMinor: number
  /** The tax rate as a normalised percentage (`"0"` when untaxed). */
  readonly taxRate: string
  /** `unitPriceMinor × quantity`, rounded. */
  readonly grossMinor: number
  /** What the line's own discounts took off. */
  readonly lineDiscountMinor: number
  /** The line after its own discounts, rounded once. */
  readonly netMinor: number
  /** This line's share of the header discount. */
  readonly headerDiscountMinor: number
  /** Untaxed amount. */
  readonly subtotalMinor: number
  /** Tax. */
  readonly taxMinor: number
  /** Untaxed amount plus tax. */
  readonly totalMinor: number
  /** The line in the company currency, when the document has an exchange rate. */
  readonly company?: CompanyAmounts
}

/** The base and tax of all lines sharing one tax rate. */
export interface TaxSummary {
  /** The rate as a normalised percentage. */
  readonly rate: string
  /** Σ untaxed amounts of the lines at this rate. */
  readonly baseMinor: number
  /** Σ tax of the lines at this rate. */
  readonly taxMinor: number
}

/** The header totals; each is the exact sum of the same field over the lines. */
export interface DocumentTotals {
  /** Σ gross. */
  readonly grossMinor: number
  /** Σ line discounts. */
  readonly lineDiscountMinor: number
  /** The header discount (Σ of its shares). */
  readonly headerDiscountMinor: number
  /** Σ untaxed amounts. */
  readonly subtotalMinor: number
  /** Σ tax. */
  readonly taxMinor: number
  /** The grand total, `subtotalMinor + taxMinor`. */
  readonly totalMinor: number
}

/** The company-currency view of a document: the frozen rate and the converted totals. */
export interface CompanyTotals extends CompanyAmounts {
  /** The company currency. */
  readonly currency: string
  /** The frozen rate, normalised. */
  readonly rate: string
}

/** The result of {@link calculateDocument}: every amount a document shows, all derived from its lines. */
export interface CalculatedDocument {
  /** The document currency. */
  readonly currency: string
  /** Whether unit prices included tax. */
  readonly pricesIncludeTax: boolean
  /** The tax rounding used. */
  readonly taxRounding: TaxRounding
  /** The rounding mode used. */
  readonly roundingMode: RoundingMode
  /** The lines, in input order. */
  readonly lines: readonly CalculatedLine[]
  /** Header totals. */
  readonly totals: DocumentTotals
  /** One entry per distinct tax rate, in order of first appearance. */
  readonly taxes: readonly TaxSummary[]
  /** Company-currency totals, when the document has an exchange rate. */
  readonly company?: CompanyTotals
}
