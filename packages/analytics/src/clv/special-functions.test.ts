import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from './analytics-error.js'
import {
  digamma,
  expit,
  gammaSign,
  hyp2f1,
  lbeta,
  lgamma,
  log1mExp,
  log1pExp,
  logAddExp,
  logHyp2f1,
} from './special-functions.js'

describe('lgamma / lbeta / digamma', () => {
  it('matches exact values', () => {
    expect(lgamma(1)).toBe(0)
    expect(lgamma(2)).toBe(0)
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14)
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 12)
    expect(lgamma(171.5)).toBeCloseTo(709.1431630309282, 9) // mpmath loggamma(171.5)
    expect(lgamma(1e8)).toBeCloseTo(1742068066.1038346, 4)
    expect(lgamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13)
    expect(gammaSign(-0.5)).toBe(-1)
    expect(gammaSign(-1.5)).toBe(1)
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14)
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 14)
    expect(digamma(0.25)).toBeCloseTo(-4.227453533376265, 13)
  })

  it('satisfies Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (x) => {
        expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 9)
        expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 9)
      }),
    )
  })
})

describe('log-space helpers', () => {
  it('never overflows', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12)
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3)
    expect(log1pExp(800)).toBe(800)
    expect(log1pExp(-800)).toBeGreaterThanOrEqual(0)
    expect(log1mExp(-1e-20)).toBeCloseTo(Math.log(1e-20), 10)
    expect(log1mExp(-50)).toBeCloseTo(-Math.exp(-50), 30)
    expect(expit(-800)).toBe(0)
    expect(expit(800)).toBe(1)
  })
})

// Truth values: mpmath 1.3.0 at 50 digits, ln|₂F₁| and sign.
const HYP2F1_TRUTH: [number, number, number, number, number, number][] = [
  [0.5, 2.4, 3.2, 0.3, 0.1298292303672632, 1],
  [26.24, 28.43, 29.22, 0.6, 23.37038786069906, 1],
  [200.2426, 202.4258, 202.2187, 0.985, 841.8276159602531, 1],
  [200.2426, 202.4258, 202.2187, 0.5, 138.94012902876264, 1],
  [0.11, 0.5, -0.19, 0.9, 0.2608091109452166, -1],
  [1.9758, -0.2071, 2.2187, 0.99, -0.5967057579281871, 1],
  [1.5, 1.0, 2.5, 0.999, 2.246649991000266, 1],
  [0.11, 0.5, -0.19, 30 / 31, 1.7117345980554146, -1],
]

describe('₂F₁', () => {
  it.each(HYP2F1_TRUTH)('₂F₁(%d, %d; %d; %d) matches mpmath in log space', (a, b, c, z, log, sign) => {
    const v = logHyp2f1(a, b, c, z)
    expect(v.sign).toBe(sign)
    expect(Math.abs(v.log - log)).toBeLessThan(1e-11 * Math.max(1, Math.abs(log)))
  })

  it('handles values beyond 1e308 in log space', () => {
    expect(Number.isFinite(logHyp2f1(200.2426, 202.4258, 202.2187, 0.985).log)).toBe(true)
    expect(hyp2f1(200.2426, 202.4258, 202.2187, 0.985)).toBe(Number.POSITIVE_INFINITY)
  })

  it('matches the closed form ₂F₁(1, 1; 2; z) = −ln(1−z)/z', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 0.999, noNaN: true }), (z) => {
        expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10)
      }),
    )
  })

  it('rejects arguments outside the domain with a typed AnalyticsError (never a raw RangeError)', () => {
    const bad: [number, number, number, number][] = [
      [1, 1, 2, 1],
      [1, 1, 2, -0.5],
      [1, 1, 2, 2],
      [Number.NaN, 1, 2, 0.5],
      [1, Number.POSITIVE_INFINITY, 2, 0.5],
      [1, 1, 0, 0.5],
      [1, 1, -3, 0.5],
      [1, 1, 2, Number.NaN],
    ]
    for (const args of bad) {
      for (const f of [logHyp2f1, hyp2f1]) {
        let error: unknown
        try {
          f(...args)
        } catch (e) {
          error = e
        }
        expect(isAnalyticsError(error, 'INVALID_INPUT'), `${f.name}(${args.join(', ')})`).toBe(true)
      }
    }
    expect(logHyp2f1(1, 1, 2, 0)).toEqual({ log: 0, sign: 1 })
  })
})
