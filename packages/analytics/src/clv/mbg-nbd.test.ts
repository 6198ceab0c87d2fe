import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { fitMbgNbd, mbgNbd } from './mbg-nbd.js'

const cdnow = cdnowSummary()

describe('fitMbgNbd on CDNOW', () => {
  const m = fitMbgNbd(cdnow)

  it('matches the published estimates (BTYDplus / lifetimes) and LL', () => {
    expect(m.converged).toBe(true)
    expect(m.params.r).toBeCloseTo(0.525, 3)
    expect(m.params.alpha).toBeCloseTo(6.183, 2)
    expect(m.params.a).toBeCloseTo(0.891, 3)
    expect(m.params.b).toBeCloseTo(1.614, 3)
    expect(Math.abs(m.logLikelihood - -9582.1327)).toBeLessThan(1e-3)
  })

  it('gives one-time buyers a P(alive) below 1 (unlike BG/NBD)', () => {
    const p = m.probabilityAlive({ frequency: 0, recency: 0, T: 39 })
    expect(p).toBeGreaterThan(0)
    expect(p).toBeLessThan(1)
  })
})

describe('MBG/NBD properties', () => {
  const params = fc.record({
    r: fc.double({ min: 0.05, max: 3, noNaN: true }),
    alpha: fc.double({ min: 2, max: 50, noNaN: true }),
    a: fc.double({ min: 0.05, max: 10, noNaN: true }),
    b: fc.double({ min: 0.05, max: 10, noNaN: true }),
  })

  it('the pmf sums to 1 and E[Y(t)] is finite and monotone', () => {
    fc.assert(
      fc.property(
        params,
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        (p, t, x) => {
          const m = mbgNbd(p)
          let sum = 0
          for (let n = 0; n < 250; n++) sum += m.probabilityOfPurchases(n, t)
          expect(sum).toBeCloseTo(1, 6)
          const c = { frequency: x, recency: x === 0 ? 0 : 10, T: 20 }
          const alive = m.probabilityAlive(c)
          expect(alive).toBeGreaterThanOrEqual(0)
          expect(alive).toBeLessThanOrEqual(1)
          const e1 = m.expectedPurchases(t, c)
          expect(Number.isFinite(e1)).toBe(true)
          expect(m.expectedPurchases(t * 2, c)).toBeGreaterThanOrEqual(e1 - 1e-9 * Math.max(1, e1))
        },
      ),
      { numRuns: 25 },
    )
  })
})
