import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { donations } from '../../test/clv/cdnow.js'
import { bgBb, fitBgBb } from './bg-bb.js'

const data = donations()
const btyd = bgBb({ alpha: 1.203507, beta: 0.7497667, gamma: 0.6567568, delta: 2.783887 })

describe('BG/BB on the donations data (11,104 donors, n = 6)', () => {
  const m = fitBgBb(data)

  it('fits to the published estimates and LL', () => {
    expect(data.reduce((s, d) => s + d.weight, 0)).toBe(11104)
    expect(m.converged).toBe(true)
    expect(m.params.alpha).toBeCloseTo(1.204, 3)
    expect(m.params.beta).toBeCloseTo(0.75, 3)
    expect(m.params.gamma).toBeCloseTo(0.657, 3)
    expect(m.params.delta).toBeCloseTo(2.783, 2)
    expect(Math.abs(m.logLikelihood - -33225.58)).toBeLessThan(0.01)
    expect(btyd.logLikelihoodOf(data)).toBeCloseTo(-33225.58, 1)
  })

  it('reproduces table 6 P(alive in 2002) and the spreadsheet totals', () => {
    const alive = [
      [0, 0, 0.11],
      [2, 4, 0.59],
      [6, 6, 0.93],
    ] as const
    for (const [x, tx, p] of alive)
      expect(m.probabilityAlive({ frequency: x, recency: tx, n: 6 }, 1)).toBeCloseTo(p, 2)
    const total = data.reduce((s, d) => s + d.weight * m.expectedPurchases(5, d), 0)
    expect(total).toBeCloseTo(12884.2, 0)
    expect(btyd.expectedPurchases(10, { frequency: 0, recency: 0, n: 6 })).toBeCloseTo(0.1302169, 3)
    expect(btyd.expectedPurchases(10, { frequency: 4, recency: 5, n: 6 })).toBeCloseTo(3.627858, 3)
    expect(btyd.expectedPurchasesNewCustomer(10)).toBeCloseTo(3.179828, 5)
  })

  it('P(X(n) = x) sums to 1 over x and its mean is E[X(n)]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 40 }),
        (alpha, beta, gamma, delta, n) => {
          const model = bgBb({ alpha, beta, gamma, delta })
          let sum = 0
          let mean = 0
          for (let x = 0; x <= n; x++) {
            const p = model.probabilityOfPurchases(x, n)
            sum += p
            mean += x * p
          }
          expect(sum).toBeCloseTo(1, 9)
          expect(mean).toBeCloseTo(model.expectedPurchasesNewCustomer(n), 7)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('long histories do not underflow (log-sum-exp likelihood)', () => {
    const c = { frequency: 400, recency: 900, n: 1000 }
    expect(Number.isFinite(btyd.logLikelihoodOf([c]))).toBe(true)
    const p = btyd.probabilityAlive(c)
    expect(p).toBeGreaterThanOrEqual(0)
    expect(p).toBeLessThanOrEqual(1)
    expect(Number.isFinite(btyd.expectedPurchases(100, c))).toBe(true)
    // γ = 1 is a removable singularity of the expectations.
    const one = bgBb({ alpha: 1, beta: 1, gamma: 1, delta: 2 }).expectedPurchasesNewCustomer(10)
    const near = bgBb({ alpha: 1, beta: 1, gamma: 1 + 1e-7, delta: 2 }).expectedPurchasesNewCustomer(10)
    expect(one).toBeCloseTo(near, 6)
  })

  it('rejects inconsistent rows', () => {
    for (const bad of [
      { frequency: 3, recency: 2, n: 6 },
      { frequency: 1, recency: 7, n: 6 },
      { frequency: 0, recency: 2, n: 6 },
      { frequency: 1.5, recency: 2, n: 6 },
    ]) {
      expect(() => fitBgBb([bad])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    }
    expect(() => fitBgBb([])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})
