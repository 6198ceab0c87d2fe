import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { fitParetoNbd, paretoNbd } from './pareto-nbd.js'

const cdnow = cdnowSummary()
const published = paretoNbd({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 })
const customer1516 = { frequency: 26, recency: 30.85714, T: 31 }

describe('Pareto/NBD', () => {
  it('reproduces the CDNOW LL at the published parameters', () => {
    expect(published.logLikelihoodOf(cdnow)).toBeCloseTo(-9594.974, 2)
  })

  const m = fitParetoNbd(cdnow)

  it('fits CDNOW to the published estimates and LL (compare β loosely: the surface is flat in (s, β))', () => {
    expect(m.converged).toBe(true)
    expect(m.params.r).toBeCloseTo(0.553, 3)
    expect(m.params.alpha).toBeCloseTo(10.58, 1)
    expect(m.params.s).toBeCloseTo(0.606, 3)
    expect(Math.abs(m.params.beta - 11.67) / 11.67).toBeLessThan(2e-3)
    expect(Math.abs(m.logLikelihood - -9594.9739)).toBeLessThan(1e-3)
  })

  it('reproduces the published predictions', () => {
    expect(m.expectedPurchasesNewCustomer(52)).toBeCloseTo(1.4734, 3)
    expect(m.expectedPurchases(52, customer1516)).toBeCloseTo(25.4538, 2)
    expect(published.probabilityAlive({ frequency: 26, recency: 30.86, T: 31 })).toBeCloseTo(0.9979, 3)
    expect(m.probabilityAlive(customer1516)).toBeCloseTo(0.997918, 4)
  })

  it('stays finite for huge frequencies (lifetimes #25: x > 300 gave NaN)', () => {
    const q = paretoNbd({ r: 10.465, alpha: 0.00799, s: 3.05, beta: 2.82 })
    const c = { frequency: 500, recency: 30, T: 40 }
    const p = q.probabilityAlive(c)
    expect(p).toBeGreaterThanOrEqual(0)
    expect(p).toBeLessThanOrEqual(1)
    expect(Number.isFinite(q.logLikelihoodOf([c]))).toBe(true)
    expect(Number.isFinite(q.expectedPurchases(1e6, c))).toBe(true)
  })

  it('s = 1 is handled as a limit', () => {
    const a = paretoNbd({ r: 0.5, alpha: 10, s: 1, beta: 12 }).expectedPurchasesNewCustomer(52)
    const b = paretoNbd({ r: 0.5, alpha: 10, s: 1 + 1e-9, beta: 12 }).expectedPurchasesNewCustomer(52)
    expect(a).toBeCloseTo(b, 7)
  })

  it('pmf sums to 1 and its mean is E[X(t)]; P(alive) ∈ [0, 1]; E[Y] monotone', () => {
    const params = fc.record({
      r: fc.double({ min: 0.1, max: 3, noNaN: true }),
      alpha: fc.double({ min: 2, max: 30, noNaN: true }),
      s: fc.double({ min: 0.1, max: 3, noNaN: true }),
      beta: fc.double({ min: 1, max: 30, noNaN: true }),
    })
    fc.assert(
      fc.property(params, fc.double({ min: 0.5, max: 10, noNaN: true }), (p, t) => {
        const model = paretoNbd(p)
        let sum = 0
        let mean = 0
        for (let n = 0; n < 150; n++) {
          const q = model.probabilityOfPurchases(n, t)
          sum += q
          mean += n * q
        }
        expect(sum).toBeCloseTo(1, 5)
        expect(mean).toBeCloseTo(model.expectedPurchasesNewCustomer(t), 3)
        const c = { frequency: 3, recency: 5, T: 20 }
        const alive = model.probabilityAlive(c)
        expect(alive).toBeGreaterThanOrEqual(0)
        expect(alive).toBeLessThanOrEqual(1)
        expect(model.expectedPurchases(t + 1, c)).toBeGreaterThanOrEqual(model.expectedPurchases(t, c))
      }),
      { numRuns: 15 },
    )
  })

  it('never returns NaN or Infinity for extreme histories', () => {
    fc.assert(
      fc.property(
        fc.record({
          r: fc.double({ min: 0.01, max: 20, noNaN: true }),
          alpha: fc.double({ min: 0.01, max: 100, noNaN: true }),
          s: fc.double({ min: 0.01, max: 20, noNaN: true }),
          beta: fc.double({ min: 0.01, max: 100, noNaN: true }),
        }),
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, x, T, share) => {
          const model = paretoNbd(p)
          const c = { frequency: x, recency: x === 0 ? 0 : share * T, T }
          const alive = model.probabilityAlive(c)
          expect(alive).toBeGreaterThanOrEqual(0)
          expect(alive).toBeLessThanOrEqual(1)
          expect(Number.isFinite(model.expectedPurchases(365, c))).toBe(true)
          expect(Number.isFinite(model.logLikelihoodOf([c]))).toBe(true)
        },
      ),
      { numRuns: 100 },
    )
  })
})
