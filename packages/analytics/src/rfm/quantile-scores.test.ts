import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import { quantileScores } from './quantile-scores.js'

const valuesArb = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 80 })
const binsArb = fc.integer({ min: 1, max: 9 })
const ruleArb = fc.constantFrom('rank' as const, 'value' as const, 'ntile' as const)

function counts(scores: readonly number[], bins: number): number[] {
  const out = new Array<number>(bins).fill(0)
  for (const s of scores) out[s - 1]! += 1
  return out
}

/** Type-7 quantile computed the textbook way, independently of the implementation's integer split. */
function type7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h + 1e-9)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

describe('quantileScores', () => {
  it('gives scores in 1..bins for every rule; descending inverts rank and value, and orders ntile DESC', () => {
    fc.assert(
      fc.property(valuesArb, binsArb, ruleArb, (values, bins, tieRule) => {
        const up = quantileScores(values, { bins, tieRule })
        const down = quantileScores(values, { bins, tieRule, descending: true })
        for (const s of [...up, ...down]) {
          expect(Number.isInteger(s)).toBe(true)
          expect(s).toBeGreaterThanOrEqual(1)
          expect(s).toBeLessThanOrEqual(bins)
        }
        if (tieRule === 'ntile') {
          // NTILE(n) OVER (ORDER BY v DESC, position) is the ascending NTILE of −v, not the ascending one reversed
          expect(down).toEqual(
            quantileScores(
              values.map((v) => -v),
              { bins, tieRule },
            ),
          )
        } else {
          expect(down).toEqual(up.map((s) => bins + 1 - s))
        }
      }),
    )
  })

  it('is monotone: a larger value never gets a smaller score', () => {
    fc.assert(
      fc.property(valuesArb, binsArb, ruleArb, (values, bins, tieRule) => {
        const s = quantileScores(values, { bins, tieRule })
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            if (values[i]! < values[j]!) expect(s[i]!).toBeLessThanOrEqual(s[j]!)
          }
        }
      }),
    )
  })

  it('rank: equal-count bins (sizes differ by at most one, all used) however many ties there are', () => {
    fc.assert(
      fc.property(valuesArb, binsArb, (values, bins) => {
        fc.pre(values.length >= bins)
        const c = counts(quantileScores(values, { bins }), bins)
        expect(Math.min(...c)).toBeGreaterThanOrEqual(1)
        expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('rank and ntile: the result per id does not depend on input order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ id: fc.string({ maxLength: 4 }), v: fc.integer({ min: 0, max: 5 }) }), {
          selector: (r) => r.id,
          minLength: 1,
          maxLength: 60,
        }),
        binsArb,
        fc.constantFrom('rank' as const, 'ntile' as const),
        (rows, bins, tieRule) => {
          const score = (rs: typeof rows) => {
            const s = quantileScores(
              rs.map((r) => r.v),
              { bins, tieRule, ids: rs.map((r) => r.id) },
            )
            return new Map(rs.map((r, i) => [r.id, s[i]]))
          }
          const shuffled = [...rows].sort(
            (a, b) => ((a.v * 31 + a.id.length) % 7) - ((b.v * 31 + b.id.length) % 7),
          )
          expect(score(shuffled)).toEqual(score(rows))
        },
      ),
    )
  })

  it('ntile: matches a direct simulation of SQL NTILE (first N mod n buckets one larger)', () => {
    fc.assert(
      fc.property(valuesArb, binsArb, (values, bins) => {
        const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i)
        const expected = new Array<number>(values.length)
        let position = 0
        for (let bucket = 1; bucket <= bins; bucket++) {
          const size = Math.floor(values.length / bins) + (bucket <= values.length % bins ? 1 : 0)
          for (let k = 0; k < size; k++) expected[order[position++]!.i] = bucket
        }
        expect(quantileScores(values, { bins, tieRule: 'ntile' })).toEqual(expected)
      }),
    )
  })

  it('value: keeps ties together and matches right-closed bins on type-7 quantile edges', () => {
    fc.assert(
      fc.property(valuesArb, binsArb, (values, bins) => {
        const s = quantileScores(values, { bins, tieRule: 'value' })
        const sorted = [...values].sort((a, b) => a - b)
        const edges = Array.from({ length: bins - 1 }, (_, k) => type7(sorted, (k + 1) / bins))
        values.forEach((v, i) => {
          // pandas qcut: bin k is (edge_{k-1}, edge_k], the lowest bin includes the minimum
          expect(s[i]).toBe(1 + edges.filter((e) => v > e).length)
          values.forEach((w, j) => {
            if (v === w) expect(s[j]).toBe(s[i])
          })
        })
      }),
    )
  })

  it('breaks ties by id under rank, and by input position without ids', () => {
    expect(quantileScores([7, 7, 7, 7], { bins: 2, ids: ['d', 'c', 'b', 'a'] })).toEqual([2, 2, 1, 1])
    expect(quantileScores([7, 7, 7, 7], { bins: 2 })).toEqual([1, 1, 2, 2])
    expect(quantileScores([7, 7, 7, 7], { bins: 2, tieRule: 'value' })).toEqual([1, 1, 1, 1])
    expect(quantileScores([], { bins: 5 })).toEqual([])
    expect(quantileScores([3], { bins: 5 })).toEqual([1])
  })

  it('rejects non-finite values, bad bins and mismatched ids with INVALID_INPUT', () => {
    for (const call of [
      () => quantileScores([1, Number.NaN]),
      () => quantileScores([1, 2], { bins: 0 }),
      () => quantileScores([1, 2], { bins: 2.5 }),
      () => quantileScores([1, 2], { ids: ['a'] }),
      () => quantileScores([1, 2], { tieRule: 'dense' as never }),
    ]) {
      let caught: unknown
      try {
        call()
      } catch (err) {
        caught = err
      }
      expect(isAnalyticsError(caught, 'INVALID_INPUT')).toBe(true)
    }
  })
})
