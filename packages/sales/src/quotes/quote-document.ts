import type { CalculatedLine, CompanyTotals, DocumentTotals, TaxSummary } from '../money/document-types.js'
import { computeQuoteTotals } from './quote-calculation.js'
import type { LinePriceSource } from './quote-line-pricing.js'

type Row = Readonly<Record<string, unknown>>

/** One line of a {@link QuoteDocument}: what was written (labels, quantity, price, discount, tax) and its amounts. */
export interface QuoteDocumentLine extends CalculatedLine {
  readonly productId: string | null
  readonly sku: string | null
  readonly description: string | null
  /** The unit of measure (a product line's is its product's). */
  readonly unit: string | null
  /** Where the server priced the line from, when it did (a price book answer); `null` for a price as written. */
  readonly priceSource: LinePriceSource | null
  /** The line's discounts as written (one or a waterfall). */
  readonly discounts: readonly Readonly<Record<string, unknown>>[]
}

/**
 * The structured view of a quote a host renders (HTML, PDF, e-mail): header, parties, lines with their amounts, tax
 * summary, totals and the company-currency view, every amount in integer minor units with the currency's exponent.
 */
export interface QuoteDocument {
  readonly id: string
  readonly number: string | null
  readonly title: string
  readonly revision: number
  readonly previousQuoteId: string | null
  readonly status: string | null
  readonly stage: { readonly id: string; readonly name: string; readonly kind: string } | null
  readonly issuedAt: string
  /** The day the quote is drawn up and its catalogue prices were looked up on (`YYYY-MM-DD`). */
  readonly quoteDate: string | null
  readonly validUntil: string | null
  readonly parties: {
    readonly companyId: string | null
    readonly contactId: string | null
    readonly dealId: string | null
  }
  readonly currency: string
  /** Minor units per major unit as a power of ten (ISO 4217: EUR 2, JPY 0, KWD 3). */
  readonly exponent: number
  readonly pricesIncludeTax: boolean
  readonly taxRounding: string
  readonly headerDiscount: Readonly<Record<string, unknown>> | null
  readonly lines: readonly QuoteDocumentLine[]
  readonly taxes: readonly TaxSummary[]
  readonly totals: DocumentTotals
  readonly company: CompanyTotals | null
  readonly term: { readonly startDate: string | null; readonly endDate: string | null }
  readonly notes: string | null
  /** The contract accepting the quote created, if any. */
  readonly contractId: string | null
}

/**
 * Builds the document view of a stored quote. The amounts are recomputed from the lines, so the view never shows a
 * total the lines do not give.
 *
 * @internal
 */
export function buildQuoteDocument(
  quote: Row,
  stage: QuoteDocument['stage'],
  exponent: number,
  contractId: string | null,
): QuoteDocument {
  const { calculation } = computeQuoteTotals(quote)
  const written = (quote['lines'] as Row[] | null) ?? []
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  return {
    id: quote['id'] as string,
    number: str(quote['number']),
    title: quote['title'] as string,
    revision: Number(quote['revision'] ?? 1),
    previousQuoteId: str(quote['previousQuoteId']),
    status: str(quote['status']),
    stage,
    issuedAt: (quote['createdAt'] as Date).toISOString(),
    quoteDate: str(quote['quoteDate']),
    validUntil: str(quote['validUntil']),
    parties: {
      companyId: str(quote['companyId']),
      contactId: str(quote['contactId']),
      dealId: str(quote['dealId']),
    },
    currency: calculation.currency,
    exponent,
    pricesIncludeTax: calculation.pricesIncludeTax,
    taxRounding: calculation.taxRounding,
    headerDiscount: (quote['headerDiscount'] as Row | null | undefined) ?? null,
    lines: calculation.lines.map((line, i) => {
      const source = written[i] ?? {}
      const discount = source['discount'] as Row | Row[] | undefined
      return {
        ...line,
        productId: str(source['productId']),
        sku: str(source['sku']),
        description: str(source['description']),
        unit: str(source['unit']),
        priceSource: (source['priceSource'] as LinePriceSource | null | undefined) ?? null,
        discounts: discount === undefined ? [] : Array.isArray(discount) ? discount : [discount],
      }
    }),
    taxes: calculation.taxes,
    totals: calculation.totals,
    company: calculation.company ?? null,
    term: { startDate: str(quote['termStartDate']), endDate: str(quote['termEndDate']) },
    notes: str(quote['notes']),
    contractId,
  }
}
