import { describe, expect, it } from 'vitest'
import {
  assignRfmSegments,
  quantileScores,
  RF_SEGMENTS_10,
  RFM_SEGMENTS_11,
  rfmAnalysis,
  rfmScores,
  rfmSegmentSizes,
  rfmSummary,
} from '../../src/rfm/index.js'
import { loadCdnowSample } from './load-cdnow.js'

const transactions = loadCdnowSample()
const summary = rfmSummary(transactions, { asOf: '1998-07-01' })

function histogram(scores: readonly number[]): Record<number, number> {
  const out: Record<number, number> = {}
  for (const s of scores) out[s] = (out[s] ?? 0) + 1
  return out
}

describe('RFM on CDNOW (analytics reference §6)', () => {
  it('summarises 2,357 customers and 6,919 orders, 1,205 of them one-order customers', () => {
    expect(summary).toHaveLength(2357)
    expect(summary.reduce((s, r) => s + r.frequency, 0)).toBe(6919)
    expect(summary.filter((r) => r.frequency === 1)).toHaveLength(1205)
    const total = transactions.reduce((s, t) => s + t.amount, 0)
    expect(summary.reduce((s, r) => s + r.monetarySum, 0)).toBeCloseTo(total, 6)
    // the last order in the data is 1998-06-30, one day before the as-of date; the first is 1997-01-01
    expect(Math.min(...summary.map((r) => r.recency))).toBe(1)
    expect(Math.max(...summary.map((r) => r.tenure))).toBe(546)
  })

  it('reproduces the published F-score distributions of the three tie conventions', () => {
    const f = summary.map((r) => r.frequency)
    const ids = summary.map((r) => r.customerId)
    expect(histogram(quantileScores(f, { ids }))).toEqual({ 1: 472, 2: 471, 3: 471, 4: 471, 5: 472 })
    expect(histogram(quantileScores(f, { ids, tieRule: 'value' }))).toEqual({
      1: 1205,
      3: 406,
      4: 358,
      5: 388,
    })
    expect(histogram(quantileScores(f, { ids, tieRule: 'ntile' }))).toEqual({
      1: 472,
      2: 472,
      3: 471,
      4: 471,
      5: 471,
    })
  })

  it('reproduces the published 10-segment R/F counts of the pandas recipe (R by value, F by rank)', () => {
    // the recipe: R = qcut(recency, 5, labels=[5..1]) (value bins), F = qcut(frequency.rank(method="first"), 5)
    const ids = summary.map((r) => r.customerId)
    const r = quantileScores(
      summary.map((row) => row.recency),
      { ids, tieRule: 'value', descending: true },
    )
    const f = quantileScores(
      summary.map((row) => row.frequency),
      { ids },
    )
    const scored = summary.map((row, i) => ({
      ...row,
      r: r[i]!,
      f: f[i]!,
      m: 1,
      code: '',
      rfCode: `${r[i]}${f[i]}`,
      bins: 5,
    }))
    const sizes = Object.fromEntries(
      rfmSegmentSizes(assignRfmSegments(scored, RF_SEGMENTS_10), RF_SEGMENTS_10).map((s) => [
        s.segment,
        s.count,
      ]),
    )
    expect(sizes).toEqual({
      Hibernating: 846,
      'Loyal Customers': 470,
      Champions: 449,
      'Need Attention': 297,
      'Potential Loyalist': 107,
      'About To Sleep': 97,
      'At Risk': 88,
      "Can't Lose Them": 3,
      Promising: 0,
      'New Customers': 0,
    })
  })

  it('puts every customer in exactly one of the 11 segments, consistently with the scores', () => {
    const { customers, segments } = rfmAnalysis(transactions, { asOf: '1998-07-01' })
    expect(segments.reduce((s, x) => s + x.count, 0)).toBe(2357)
    expect(segments.map((s) => s.segment)).toEqual(RFM_SEGMENTS_11.segments.map((s) => s.name))
    for (const c of customers) {
      const def = RFM_SEGMENTS_11.segments.find((s) => s.name === c.segment)!
      expect(def.codes).toContain(c.code)
    }
    // rank-based scores are balanced on every dimension even though F and R are tie-heavy
    for (const key of ['r', 'f', 'm'] as const) {
      const counts = Object.values(histogram(customers.map((c) => c[key])))
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    }
    // the champions really are recent, frequent, big spenders compared with the lost
    const mean = (seg: string, f: (c: (typeof customers)[number]) => number) => {
      const rows = customers.filter((c) => c.segment === seg)
      return rows.reduce((s, c) => s + f(c), 0) / rows.length
    }
    expect(mean('Champions', (c) => c.recency)).toBeLessThan(mean('Lost', (c) => c.recency))
    expect(mean('Champions', (c) => c.frequency)).toBeGreaterThan(mean('Lost', (c) => c.frequency))
    expect(mean('Champions', (c) => c.monetarySum)).toBeGreaterThan(mean('Lost', (c) => c.monetarySum))
  })

  it('scores on the mean order value when asked', () => {
    const bySum = rfmScores(summary)
    const byMean = rfmScores(summary, { monetary: 'mean' })
    const top = byMean.filter((c) => c.m === 5)
    const rest = byMean.filter((c) => c.m < 5)
    expect(Math.min(...top.map((c) => c.monetaryMean))).toBeGreaterThanOrEqual(
      Math.max(...rest.map((c) => c.monetaryMean)),
    )
    expect(byMean.map((c) => c.m)).not.toEqual(bySum.map((c) => c.m))
  })
})
