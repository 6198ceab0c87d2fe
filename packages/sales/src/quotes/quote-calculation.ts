import { calculateDocument } from '../money/calculate-document.js'
import type { CalculatedDocument, DocumentInput, LineInput } from '../money/document-types.js'

type Row = Readonly<Record<string, unknown>>

// Keys of a quote line that calculateDocument reads; the others (productId, sku, description) are the line's labels.
const MONEY_LINE_KEYS = ['kind', 'quantity', 'unitPriceMinor', 'currency', 'discount', 'taxRate'] as const

/**
 * The `calculateDocument` input of a quote record: its currency, pricing options and lines (labels left out).
 *
 * @example
 * ```ts
 * const doc = calculateDocument(quoteDocumentInput(quote))
 * ```
 */
export function quoteDocumentInput(quote: Readonly<Record<string, unknown>>): DocumentInput {
  const lines = ((quote['lines'] as Row[] | null | undefined) ?? []).map((line) => {
    const input: Record<string, unknown> = {}
    for (const key of MONEY_LINE_KEYS)
      if (line[key] !== undefined && line[key] !== null) input[key] = line[key]
    return input as unknown as LineInput
  })
  return {
    currency: quote['currency'] as string,
    lines,
    pricesIncludeTax: quote['pricesIncludeTax'] === true,
    taxRounding: (quote['taxRounding'] as DocumentInput['taxRounding']) ?? 'perLine',
    ...(quote['roundingMode']
      ? { roundingMode: quote['roundingMode'] as DocumentInput['roundingMode'] }
      : {}),
    ...(quote['headerDiscount']
      ? { headerDiscount: quote['headerDiscount'] as DocumentInput['headerDiscount'] }
      : {}),
    ...(quote['fx'] ? { fx: quote['fx'] as DocumentInput['fx'] } : {}),
  }
}

/** The totals a quote stores, all derived from one calculation of its lines. */
export interface QuoteTotals {
  readonly grossMinor: number
  readonly discountMinor: number
  readonly subtotalMinor: number
  readonly taxMinor: number
  readonly totalMinor: number
  readonly companyCurrency: string | null
  readonly companyTotalMinor: number | null
  readonly calculation: CalculatedDocument
}

/**
 * Recomputes a quote's totals from its lines with `calculateDocument` (exact minor units, rounding per the quote's
 * options, frozen FX rate). Throws its typed `SALES_*` errors for a negative quantity, a line in another currency, …
 *
 * @example
 * ```ts
 * computeQuoteTotals({ currency: 'EUR', lines: [{ quantity: '3', unitPriceMinor: 10_000, taxRate: '20', discount: { percent: '10' } }] })
 * // { grossMinor: 30000, discountMinor: 3000, subtotalMinor: 27000, taxMinor: 5400, totalMinor: 32400, … }
 * ```
 */
export function computeQuoteTotals(quote: Readonly<Record<string, unknown>>): QuoteTotals {
  const calculation = calculateDocument(quoteDocumentInput(quote))
  const { totals, company } = calculation
  return {
    grossMinor: totals.grossMinor,
    discountMinor: totals.lineDiscountMinor + totals.headerDiscountMinor,
    subtotalMinor: totals.subtotalMinor,
    taxMinor: totals.taxMinor,
    totalMinor: totals.totalMinor,
    companyCurrency: company?.currency ?? null,
    companyTotalMinor: company?.totalMinor ?? null,
    calculation,
  }
}
