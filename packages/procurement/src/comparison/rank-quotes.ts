/** A quote as the comparison sees it. */
export interface QuoteCandidate {
  readonly quoteId: string
  readonly supplierId: string
  /** The quote's total in minor units (every quote of an RFQ is in the RFQ's currency). */
  readonly totalMinor: number
  /** The supplier's rating, 0–5. */
  readonly rating: number
  readonly submittedAt: Date
  /** Whether the quote prices every line of the RFQ. */
  readonly complete: boolean
  readonly status: 'submitted' | 'withdrawn' | 'awarded' | 'lost'
  readonly validUntil: Date | null
}

/** How quotes are compared. */
export interface CompareOptions {
  /** The weight of the supplier rating against the price, 0 (price only, the default) to 1 (rating only). */
  readonly ratingWeight?: number
  /** Quotes from suppliers rated below this are not qualified (default 0). */
  readonly minRating?: number
  /** Quotes whose `validUntil` is before this instant are not qualified. */
  readonly asOf: Date
}

/** Why a quote is not qualified. */
export type DisqualifiedBecause = 'incomplete' | 'expired' | 'withdrawn' | 'belowMinRating'

/** One quote in the comparison, best first. */
export interface RankedQuote {
  readonly quoteId: string
  readonly supplierId: string
  readonly totalMinor: number
  readonly rating: number
  readonly qualified: boolean
  /** Empty for qualified quotes. */
  readonly reasons: readonly DisqualifiedBecause[]
  /** `(1 − w) · priceScore + w · rating / 5`; `null` for quotes that are not qualified. */
  readonly score: number | null
}

/**
 * Ranks the quotes of one RFQ, best first. A quote is **qualified** when it is `submitted` (or already `awarded`),
 * prices every line, is still valid at `asOf`, and its supplier is rated at least `minRating`. Each qualified quote
 * scores
 *
 *   score = (1 − w) · (cheapestTotal / total) + w · (rating / 5)
 *
 * with `w = ratingWeight` (a total of 0 scores 1). With `w = 0` the winner is the cheapest qualified quote. Ties go to
 * the lower total, then the higher rating, then the earlier submission, then the quote id, so the ranking does not
 * depend on the order quotes are given in. Quotes that are not qualified follow, with their reasons.
 *
 * @example
 * ```ts
 * rankQuotes(candidates, { ratingWeight: 0.3, minRating: 3, asOf: new Date() })[0]?.quoteId
 * ```
 */
export function rankQuotes(candidates: readonly QuoteCandidate[], options: CompareOptions): RankedQuote[] {
  const w = options.ratingWeight ?? 0
  const minRating = options.minRating ?? 0
  const judged = candidates.map((c) => {
    const reasons: DisqualifiedBecause[] = []
    if (c.status === 'withdrawn' || c.status === 'lost') reasons.push('withdrawn')
    if (!c.complete) reasons.push('incomplete')
    if (c.validUntil !== null && c.validUntil.getTime() < options.asOf.getTime()) reasons.push('expired')
    if (c.rating < minRating) reasons.push('belowMinRating')
    return { c, reasons }
  })
  const qualified = judged.filter((j) => j.reasons.length === 0)
  const cheapest = Math.min(...qualified.map((j) => j.c.totalMinor))
  const priceScore = (total: number) => (total === 0 ? 1 : cheapest / total)
  const ranked = judged.map(({ c, reasons }) => ({
    quoteId: c.quoteId,
    supplierId: c.supplierId,
    totalMinor: c.totalMinor,
    rating: c.rating,
    qualified: reasons.length === 0,
    reasons,
    score: reasons.length === 0 ? (1 - w) * priceScore(c.totalMinor) + w * (c.rating / 5) : null,
    submittedAt: c.submittedAt.getTime(),
  }))
  ranked.sort(
    (a, b) =>
      Number(b.qualified) - Number(a.qualified) ||
      (b.score ?? 0) - (a.score ?? 0) ||
      a.totalMinor - b.totalMinor ||
      b.rating - a.rating ||
      a.submittedAt - b.submittedAt ||
      (a.quoteId < b.quoteId ? -1 : a.quoteId > b.quoteId ? 1 : 0),
  )
  return ranked.map(({ submittedAt: _, ...rest }) => rest)
}
