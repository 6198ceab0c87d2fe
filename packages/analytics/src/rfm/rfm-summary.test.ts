import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import type { RfmTransaction } from './rfm-summary.js'
import { rfmSummary } from './rfm-summary.js'

const orders: RfmTransaction[] = [
  { customerId: 'b', at: '2026-02-10T18:00:00Z', amount: 60 },
  { customerId: 'a', at: '2026-01-20', amount: 15 },
  { customerId: 'b', at: new Date('2026-01-03T09:00:00Z'), amount: 40 },
  { customerId: 'b', at: Date.parse('2026-02-10T08:00:00Z'), amount: 20 },
  { customerId: 'c', at: '2026-03-05', amount: 999 },
]

describe('rfmSummary', () => {
  it('computes recency, frequency, monetary and tenure by hand-checkable rules', () => {
    const rows = rfmSummary(orders, { asOf: '2026-03-01' })
    expect(rows.map((r) => r.customerId)).toEqual(['a', 'b']) // c only bought after the as-of date
    const [a, b] = rows
    expect(a).toMatchObject({ recency: 40, frequency: 1, monetarySum: 15, monetaryMean: 15, tenure: 40 })
    expect(b).toMatchObject({ recency: 19, frequency: 3, monetarySum: 120, monetaryMean: 40, tenure: 57 })
    expect(b!.firstAt).toBe(Date.parse('2026-01-03T09:00:00Z'))
    expect(b!.lastAt).toBe(Date.parse('2026-02-10T18:00:00Z'))
  })

  it('offers exact-day recency and distinct-day frequency', () => {
    const [, b] = rfmSummary(orders, { asOf: '2026-03-01', recency: 'exact-days', frequency: 'days' })
    expect(b!.recency).toBeCloseTo(18 + 6 / 24, 12)
    expect(b!.frequency).toBe(2) // two orders on 2026-02-10 count once
    expect(b!.monetaryMean).toBe(40) // the mean is still per order
  })

  it('does not depend on input order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customerId: fc.integer({ min: 1, max: 8 }),
            at: fc.integer({ min: 0, max: 400 * 86_400_000 }),
            amount: fc.double({ min: -50, max: 500, noNaN: true }),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 420 }),
        (txs, asOfDay) => {
          const asOf = asOfDay * 86_400_000
          const forward = rfmSummary(txs, { asOf })
          const backward = rfmSummary([...txs].reverse(), { asOf })
          expect(backward.map((r) => [r.customerId, r.recency, r.frequency, r.firstAt, r.lastAt])).toEqual(
            forward.map((r) => [r.customerId, r.recency, r.frequency, r.firstAt, r.lastAt]),
          )
          for (const row of forward) {
            const own = txs.filter((t) => t.customerId === row.customerId && t.at <= asOf)
            expect(row.frequency).toBe(own.length)
            expect(row.monetarySum).toBeCloseTo(
              own.reduce((s, t) => s + t.amount, 0),
              6,
            )
            expect(row.recency).toBeGreaterThanOrEqual(0)
            expect(row.tenure).toBeGreaterThanOrEqual(row.recency)
          }
          expect(forward.reduce((s, r) => s + r.frequency, 0)).toBe(txs.filter((t) => t.at <= asOf).length)
        },
      ),
    )
  })

  it('rejects bad input with INVALID_INPUT naming the row, and leaves the input untouched', () => {
    const bad: RfmTransaction[] = [
      { customerId: 'a', at: '2026-01-01', amount: 10 },
      { customerId: 'a', at: 'not a date', amount: 10 },
    ]
    const snapshot = structuredClone(bad)
    let caught: unknown
    try {
      rfmSummary(bad, { asOf: '2026-03-01' })
    } catch (err) {
      caught = err
    }
    expect(isAnalyticsError(caught, 'INVALID_INPUT')).toBe(true)
    expect((caught as { details: Record<string, unknown> }).details).toMatchObject({ index: 1, field: 'at' })
    expect(bad).toEqual(snapshot)
    expect(() => rfmSummary([{ customerId: 'a', at: 0, amount: Number.NaN }], { asOf: 1 })).toThrow(/amount/)
    expect(() => rfmSummary([{ customerId: null as never, at: 0, amount: 1 }], { asOf: 1 })).toThrow(
      /customerId/,
    )
    expect(() => rfmSummary([], { asOf: 'yesterday' })).toThrow(/asOf/)
  })
})
