import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QuoteCandidate } from './rank-quotes.js'
import { rankQuotes } from './rank-quotes.js'

const asOf = new Date('2026-03-10T00:00:00.000Z')
const candidate = fc.record({
  supplierId: fc.constantFrom('sup_a', 'sup_b', 'sup_c', 'sup_d'),
  totalMinor: fc.integer({ min: 0, max: 10_000_000 }),
  rating: fc.integer({ min: 0, max: 10 }).map((r) => r / 2),
  submittedAt: fc.integer({ min: 0, max: 1000 }).map((m) => new Date(asOf.getTime() - m * 60_000)),
  complete: fc.boolean(),
  status: fc.constantFrom<QuoteCandidate['status']>('submitted', 'submitted', 'withdrawn'),
  validUntil: fc.option(
    fc.integer({ min: -5, max: 5 }).map((d) => new Date(asOf.getTime() + d * 86_400_000)),
  ),
})
const candidates = fc
  .array(candidate, { maxLength: 12 })
  .map((list) => list.map((c, i) => ({ ...c, quoteId: `sq_${String(i).padStart(2, '0')}` })))

describe('rankQuotes (property)', () => {
  it('with price only, the winner is a cheapest qualified quote', () => {
    fc.assert(
      fc.property(candidates, fc.integer({ min: 0, max: 5 }), (list, minRating) => {
        const ranked = rankQuotes(list, { asOf, minRating })
        const qualified = ranked.filter((r) => r.qualified)
        if (qualified.length === 0) return
        expect(ranked[0]?.totalMinor).toBe(Math.min(...qualified.map((q) => q.totalMinor)))
      }),
    )
  })

  it('with rating only, the winner is a best-rated qualified quote', () => {
    fc.assert(
      fc.property(candidates, (list) => {
        const ranked = rankQuotes(list, { asOf, ratingWeight: 1 })
        const qualified = ranked.filter((r) => r.qualified)
        if (qualified.length === 0) return
        expect(ranked[0]?.rating).toBe(Math.max(...qualified.map((q) => q.rating)))
      }),
    )
  })

  it('does not depend on the order quotes come in, and never ranks an unqualified quote first', () => {
    fc.assert(
      fc.property(candidates, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (list, w, seed) => {
        const shuffled = [...list].sort(
          (a, b) => ((a.quoteId.charCodeAt(4) * seed) % 7) - ((b.quoteId.charCodeAt(4) * seed) % 7),
        )
        const a = rankQuotes(list, { asOf, ratingWeight: w })
        expect(rankQuotes(shuffled, { asOf, ratingWeight: w })).toEqual(a)
        const firstUnqualified = a.findIndex((r) => !r.qualified)
        if (firstUnqualified >= 0) expect(a.slice(firstUnqualified).every((r) => !r.qualified)).toBe(true)
      }),
    )
  })

  it('scores the documented formula', () => {
    const base = { submittedAt: asOf, complete: true, status: 'submitted' as const, validUntil: null }
    const ranked = rankQuotes(
      [
        { ...base, quoteId: 'sq_cheap', supplierId: 'sup_a', totalMinor: 80_000, rating: 2 },
        { ...base, quoteId: 'sq_good', supplierId: 'sup_b', totalMinor: 100_000, rating: 5 },
      ],
      { asOf, ratingWeight: 0.5 },
    )
    // cheap: 0.5·1 + 0.5·0.4 = 0.7; good: 0.5·0.8 + 0.5·1 = 0.9
    expect(ranked.map((r) => [r.quoteId, r.score])).toEqual([
      ['sq_good', 0.9],
      ['sq_cheap', 0.7],
    ])
  })
})
