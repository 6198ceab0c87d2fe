import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { AnalyticsError } from './analytics-error.js'
import { bgNbd, fitBgNbd } from './bg-nbd.js'

const cdnow = cdnowSummary()
const published = bgNbd({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })
const customer1 = { frequency: 2, recency: 30.43, T: 38.86 }
const customer1516 = { frequency: 26, recency: 30.85714, T: 31 }

describe('BG/NBD likelihood', () => {
  it('reproduces the note-027 single-customer values', () => {
    const m = bgNbd({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 })
    expect(m.logLikelihoodOf([{ frequency: 200, recency: 38, T: 40 }])).toBeCloseTo(100.7957, 4)
    expect(m.logLikelihoodOf([{ frequency: 0, recency: 0, T: 40 }])).toBeCloseTo(-0.59947382, 8)
  })

  it('reproduces the CDNOW total LL at the published parameters', () => {
    expect(published.logLikelihoodOf(cdnow)).toBeCloseTo(-9582.4268, 3)
  })

  it('weights are multiplicities', () => {
    const once = published.logLikelihoodOf([customer1, customer1])
    expect(published.logLikelihoodOf([{ ...customer1, weight: 2 }])).toBeCloseTo(once, 10)
  })
})

describe('fitBgNbd on CDNOW (weekly, 2,357 customers)', () => {
  const m = fitBgNbd(cdnow)

  it('matches the published estimates and LL', () => {
    expect(m.converged).toBe(true)
    expect(m.report.gradientNorm).toBeLessThan(1e-5)
    expect(m.params.r).toBeCloseTo(0.2426, 3)
    expect(m.params.alpha).toBeCloseTo(4.4135, 3)
    expect(m.params.a).toBeCloseTo(0.7929, 3)
    expect(m.params.b).toBeCloseTo(2.4258, 3)
    expect(Math.abs(m.logLikelihood - -9582.4256)).toBeLessThan(1e-3)
  })

  it('reproduces the published predictions', () => {
    expect(m.expectedPurchases(39, customer1)).toBeCloseTo(1.226, 3)
    expect(m.expectedPurchases(52, customer1516)).toBeCloseTo(25.757, 2)
    expect(m.probabilityAlive(customer1516)).toBeCloseTo(0.9689, 4)
    expect(m.expectedPurchasesNewCustomer(52)).toBeCloseTo(1.444, 3)
    // Increasing-frequency paradox (BTYD walkthrough).
    const paradox = [10, 15, 20, 25].map((x) => m.expectedPurchases(52, { frequency: x, recency: 20, T: 39 }))
    expect(paradox[0]).toBeCloseTo(0.3474606, 3)
    expect(paradox[3]! / 0.0003583685).toBeCloseTo(1, 2)
  })

  it('matches the published E[X(t)] and pmf values at the published parameters', () => {
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    ;[0.1429, 1, 3, 31.8571, 32, 78].forEach((t, i) => {
      expect(published.expectedPurchasesNewCustomer(t)).toBeCloseTo(expected[i]!, 2)
    })
    expect(published.probabilityOfPurchases(10, 2) / 1.07869e-7).toBeCloseTo(1, 4)
    expect(published.probabilityOfPurchases(0, 39)).toBeCloseTo(0.5737864, 6)
    const p30 = [
      0.0019995214, 0.001517023, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913,
      0.0003467171, 0.0002769613, 0.000222226,
    ]
    p30.forEach((p, i) => {
      expect(published.probabilityOfPurchases(11 + i, 30)).toBeCloseTo(p, 8)
    })
  })

  it('is scale invariant: days instead of weeks gives alpha × 7 and the same r, a, b', () => {
    const days = fitBgNbd(cdnow.map((c) => ({ frequency: c.frequency, recency: c.recency * 7, T: c.T * 7 })))
    expect(days.params.alpha / m.params.alpha).toBeCloseTo(7, 4)
    expect(days.params.r).toBeCloseTo(m.params.r, 5)
    const shift = cdnow.reduce((s, c) => s + c.frequency, 0) * Math.log(7)
    expect(days.logLikelihood).toBeCloseTo(m.logLikelihood - shift, 4)
  })

  it('accepts initial params and converges to the same optimum', () => {
    const again = fitBgNbd(cdnow, { initialParams: [1, 3, 1, 3] })
    expect(again.logLikelihood).toBeCloseTo(m.logLikelihood, 4)
  })
})

describe('BG/NBD numerics (reference §5)', () => {
  it('large x: finite LL, P(alive) and expectations (no overflow)', () => {
    const m = bgNbd({ r: 0.242593, alpha: 4.413531, a: 0.792886, b: 2.425754 })
    const c = { frequency: 200, recency: 38, T: 40 }
    expect(Number.isFinite(m.logLikelihoodOf([c]))).toBe(true)
    const p = m.probabilityAlive({ frequency: 500, recency: 1, T: 40 })
    expect(p).toBeGreaterThanOrEqual(0)
    expect(p).toBeLessThan(1e-10)
    // mpmath: E[Y(360) | x=200, t_x=38, T=40] = 13.74439038985...; t_x = T = 1: 1349.71011663849...
    expect(m.expectedPurchases(360, c)).toBeCloseTo(13.744390389852985, 8)
    expect(m.expectedPurchases(360, { frequency: 200, recency: 1, T: 1 }) / 1349.7101166384923).toBeCloseTo(
      1,
      11,
    )
  })

  it('a + b < 1 with x = 0: the negative ₂F₁ case lifetimes returns NaN for', () => {
    const m = bgNbd({ r: 0.11, alpha: 2.24, a: 0.31, b: 0.5 })
    expect(m.expectedPurchases(30, { frequency: 0, recency: 0, T: 1 })).toBeCloseTo(0.5645886155327844, 10)
  })

  it('a → 1 is a removable singularity', () => {
    const near = bgNbd({ r: 0.24, alpha: 4.4, a: 1 + 1e-9, b: 2.4 })
    const exact = bgNbd({ r: 0.24, alpha: 4.4, a: 1, b: 2.4 })
    expect(near.expectedPurchasesNewCustomer(39)).toBeCloseTo(1.0708086674524366, 8)
    expect(exact.expectedPurchasesNewCustomer(39)).toBeCloseTo(1.0708086674524366, 8)
    const close = bgNbd({ r: 0.24, alpha: 4.4, a: 1.001, b: 2.4 })
    expect(close.expectedPurchasesNewCustomer(39)).toBeCloseTo(1.0703387492992213, 10)
  })

  it('very long horizons use the 1 − z connection formula: matches mpmath and is continuous at the switch', () => {
    const m = bgNbd({ r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 })
    // mpmath: E[X(1e12)] = 1149.97226627801546..., E[Y(1e9) | x=2, t_x=30, T=39] = 419.940630147350226...
    expect(m.expectedPurchasesNewCustomer(1e12) / 1149.9722662780155).toBeCloseTo(1, 10)
    expect(m.expectedPurchases(1e9, { frequency: 2, recency: 30, T: 39 }) / 419.9406301473502).toBeCloseTo(
      1,
      10,
    )
    fc.assert(
      fc.property(params, fc.integer({ min: 0, max: 50 }), (p, x) => {
        const model = bgNbd(p)
        const c = { frequency: x, recency: x === 0 ? 0 : 5, T: 10 }
        const tSwitch = 99 * (p.alpha + c.T)
        const below = model.expectedPurchases(tSwitch * (1 - 1e-9), c)
        const above = model.expectedPurchases(tSwitch * (1 + 1e-9), c)
        expect(Math.abs(above - below)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(below)))
      }),
      { numRuns: 200 },
    )
  })

  it('long horizons stay finite and match mpmath', () => {
    const m = bgNbd({ r: 0.242593, alpha: 4.413531, a: 0.792886, b: 2.425754 })
    expect(m.expectedPurchasesNewCustomer(10_000)).toBeCloseTo(15.05508199666447, 8)
    expect(Number.isFinite(m.expectedPurchases(1e6, customer1))).toBe(true)
  })
})

const params = fc.record({
  r: fc.double({ min: 0.01, max: 20, noNaN: true }),
  alpha: fc.double({ min: 0.01, max: 100, noNaN: true }),
  a: fc.double({ min: 0.05, max: 20, noNaN: true }),
  b: fc.double({ min: 0.05, max: 20, noNaN: true }),
})
const customer = fc
  .record({
    frequency: fc.integer({ min: 0, max: 1000 }),
    T: fc.double({ min: 0.01, max: 1000, noNaN: true }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ frequency, T, share }) => ({ frequency, T, recency: frequency === 0 ? 0 : share * T }))

describe('BG/NBD properties', () => {
  it('P(alive) ∈ [0, 1] and E[Y(t)] is finite, ≥ 0 and non-decreasing in t', () => {
    fc.assert(
      fc.property(params, customer, fc.double({ min: 0, max: 500, noNaN: true }), (p, c, t) => {
        const m = bgNbd(p)
        const alive = m.probabilityAlive(c)
        expect(alive).toBeGreaterThanOrEqual(0)
        expect(alive).toBeLessThanOrEqual(1)
        const e1 = m.expectedPurchases(t, c)
        const e2 = m.expectedPurchases(t + 1, c)
        expect(Number.isFinite(e1) && Number.isFinite(e2)).toBe(true)
        expect(e1).toBeGreaterThanOrEqual(-1e-12)
        expect(e2).toBeGreaterThanOrEqual(e1 - 1e-9 * Math.max(1, e1))
        expect(Number.isFinite(m.logLikelihoodOf([c]))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('the pmf sums to 1 and its mean is E[X(t)]', () => {
    fc.assert(
      fc.property(params, fc.double({ min: 0.1, max: 10, noNaN: true }), (p, t) => {
        const m = bgNbd({ ...p, r: Math.min(p.r, 3), alpha: Math.max(p.alpha, 2) })
        let sum = 0
        let mean = 0
        for (let n = 0; n < 250; n++) {
          const q = m.probabilityOfPurchases(n, t)
          expect(q).toBeGreaterThanOrEqual(0)
          sum += q
          mean += n * q
        }
        expect(sum).toBeCloseTo(1, 6)
        if (p.a > 1.5) expect(mean).toBeCloseTo(m.expectedPurchasesNewCustomer(t), 4)
      }),
      { numRuns: 25 },
    )
  })
})

describe('BG/NBD validation', () => {
  it.each([
    [[], 'INVALID_INPUT'],
    [[{ frequency: -1, recency: 0, T: 1 }], 'INVALID_INPUT'],
    [[{ frequency: 1.5, recency: 1, T: 2 }], 'INVALID_INPUT'],
    [[{ frequency: 2, recency: 5, T: 4 }], 'INVALID_INPUT'],
    [[{ frequency: 0, recency: 1, T: 4 }], 'INVALID_INPUT'],
    [[{ frequency: 1, recency: Number.NaN, T: 4 }], 'INVALID_INPUT'],
    [[{ frequency: 1, recency: 1, T: 4, weight: 0 }], 'INVALID_INPUT'],
    [[{ frequency: 0, recency: 0, T: 0 }], 'INVALID_INPUT'],
  ])('rejects %j with %s', (input, code) => {
    expect(() => fitBgNbd(input)).toThrowError(AnalyticsError)
    try {
      fitBgNbd(input)
    } catch (e) {
      expect((e as AnalyticsError).code).toBe(code)
    }
  })

  it('rejects bad params, horizons and penalizers', () => {
    expect(() => bgNbd({ r: 0, alpha: 1, a: 1, b: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS' }),
    )
    expect(() => published.expectedPurchases(-1, customer1)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => fitBgNbd([customer1], { penalizer: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => fitBgNbd([customer1], { initialParams: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })

  it('leaves the input untouched', () => {
    const input = cdnow.slice(0, 50).map((c) => ({ frequency: c.frequency, recency: c.recency, T: c.T }))
    const copy = structuredClone(input)
    fitBgNbd(input)
    expect(input).toEqual(copy)
  })
})
