import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import { linearScale, percentileScale, thresholdScale } from './health-normalizers.js'
import type { HealthSignal } from './health-score.js'
import { createHealthScorer } from './health-score.js'

interface Account {
  logins?: number | null
  tickets?: number
  nps?: number
}

const signals: HealthSignal<Account>[] = [
  { key: 'usage', weight: 3, value: (a) => a.logins, normalize: linearScale([0, 20]) },
  { key: 'support', weight: 2, value: (a) => a.tickets, normalize: linearScale([5, 0]) },
  { key: 'nps', weight: 1, value: (a) => a.nps, normalize: linearScale([-100, 100]) },
]

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

describe('health score', () => {
  const score = createHealthScorer({ signals })

  it('is the weighted mean of normalised signals, with a per-signal breakdown that sums to it', () => {
    const r = score({ logins: 12, tickets: 1, nps: 20 })
    // usage 60, support 80, nps 60 → (3·60 + 2·80 + 1·60) / 6
    expect(r.score).toBeCloseTo((3 * 60 + 2 * 80 + 60) / 6, 12)
    expect(r.band).toBe('amber')
    expect(r.coverage).toBe(1)
    expect(r.missing).toEqual([])
    expect(r.signals.map((s) => s.normalized)).toEqual([60, 80, 60])
    expect(r.signals.reduce((s, x) => s + x.contribution, 0)).toBeCloseTo(r.score!, 12)
  })

  it('drops missing signals and renormalises the remaining weights', () => {
    const r = score({ logins: 12, tickets: 1, nps: Number.NaN })
    expect(r.score).toBeCloseTo((3 * 60 + 2 * 80) / 5, 12)
    expect(r.missing).toEqual(['nps'])
    expect(r.coverage).toBeCloseTo(5 / 6, 12)
    expect(r.signals.map((s) => s.effectiveWeight)).toEqual([3 / 5, 2 / 5, 0])
    expect(score({ logins: null })).toMatchObject({ score: null, band: null, coverage: 0, trend: null })
  })

  it('equals the direct renormalised weighted mean for any present subset (property)', () => {
    const maybe = fc.option(fc.double({ min: -200, max: 200, noNaN: true }), { nil: undefined })
    fc.assert(
      fc.property(maybe, maybe, maybe, (logins, tickets, nps) => {
        const r = score({ logins, tickets, nps })
        const parts: [number, number][] = []
        if (logins !== undefined) parts.push([3, Math.min(100, Math.max(0, (logins / 20) * 100))])
        if (tickets !== undefined) parts.push([2, Math.min(100, Math.max(0, ((tickets - 5) / -5) * 100))])
        if (nps !== undefined) parts.push([1, Math.min(100, Math.max(0, ((nps + 100) / 200) * 100))])
        if (parts.length === 0) {
          expect(r.score).toBeNull()
          return
        }
        const expected = parts.reduce((s, [w, x]) => s + w * x, 0) / parts.reduce((s, [w]) => s + w, 0)
        expect(r.score).toBeCloseTo(expected, 9)
        expect(r.score!).toBeGreaterThanOrEqual(0)
        expect(r.score!).toBeLessThanOrEqual(100)
        expect(r.band).toBe(r.score! <= 50 ? 'red' : r.score! <= 75 ? 'amber' : 'green')
      }),
    )
  })

  it('bands with configurable thresholds and reports the trend against the previous score', () => {
    const strict = createHealthScorer({ signals, bands: { redMax: 60, amberMax: 90 }, trendTolerance: 0 })
    expect(strict({ logins: 12, tickets: 1, nps: 20 }).band).toBe('amber')
    expect(strict({ logins: 12 }).band).toBe('red') // exactly 60 is still red
    const now = score({ logins: 12, tickets: 1, nps: 20 }) // 66.67
    expect(score({ logins: 12, tickets: 1, nps: 20 }, 60).trend).toMatchObject({
      previous: 60,
      direction: 'up',
    })
    expect(score({ logins: 12, tickets: 1, nps: 20 }, now).trend).toMatchObject({
      delta: 0,
      direction: 'flat',
    })
    expect(score({ logins: 12, tickets: 1, nps: 20 }, 67).trend?.direction).toBe('flat') // within 1 point
    expect(score({ logins: 0, tickets: 5 }, now).trend?.direction).toBe('down')
    expect(score({ logins: 0 }, null).trend).toBeNull()
  })

  it('validates the configuration', () => {
    for (const bad of [
      { signals: [] },
      { signals: [signals[0]!, signals[0]!] },
      { signals: [{ ...signals[0]!, weight: 0 }] },
      { signals, bands: { redMax: 80, amberMax: 70 } },
    ]) {
      expect(
        isAnalyticsError(
          errorOf(() => createHealthScorer(bad)),
          'INVALID_INPUT',
        ),
      ).toBe(true)
    }
    const broken = createHealthScorer<Account>({
      signals: [{ key: 'x', weight: 1, value: () => 1, normalize: () => Number.NaN }],
    })
    expect(
      isAnalyticsError(
        errorOf(() => broken({})),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('normalisers', () => {
  it('scale linearly (also inverted), by thresholds and by percentile', () => {
    expect(linearScale([0, 10])(7.5)).toBe(75)
    expect(linearScale([30, 0])(0)).toBe(100)
    expect(linearScale([30, 0])(45)).toBe(0)
    const nps = thresholdScale([
      { atLeast: 30, score: 100 },
      { atLeast: -100, score: 0 },
      { atLeast: 0, score: 50 },
    ])
    expect([nps(-50), nps(0), nps(29), nps(30)]).toEqual([0, 50, 50, 100])
    expect(thresholdScale([{ atLeast: 0, score: 40 }], 10)(-1)).toBe(10)
    const pct = percentileScale([10, 20, 30, 40])
    expect([pct(5), pct(30), pct(45)]).toEqual([0, 62.5, 100])
    expect(
      isAnalyticsError(
        errorOf(() => linearScale([1, 1])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    expect(
      isAnalyticsError(
        errorOf(() => percentileScale([])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})
