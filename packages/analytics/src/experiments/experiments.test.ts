import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../churn/seeded-random.js'
import { isAnalyticsError } from '../clv/analytics-error.js'
import {
  bayesianAbTest,
  msprtTest,
  normalCdf,
  normalQuantile,
  sampleSizeTwoProportions,
  sequentialTest,
  twoProportionTest,
} from './index.js'

const codeOf = (f: () => unknown): string => {
  try {
    f()
    return 'ok'
  } catch (error) {
    return isAnalyticsError(error) ? error.code : `untyped: ${String(error)}`
  }
}
const A = { successes: 200, trials: 1000 }
const B = { successes: 250, trials: 1000 }

describe('golden vectors (sales-marketing §B3, §G #16–17)', () => {
  it('#16 two-proportion test: z 2.677398, p 0.00741965, χ² 7.168459, unpooled z 2.682209, CI [0.013464, 0.086536]', () => {
    const r = twoProportionTest(A, B)
    expect(r.z).toBeCloseTo(2.677398, 6)
    expect(r.pValue).toBeCloseTo(0.00741965, 8)
    expect(r.chiSquare).toBeCloseTo(7.168459, 6)
    expect(r.unpooledZ).toBeCloseTo(2.682209, 6)
    expect(r.confidenceInterval[0]).toBeCloseTo(0.013464, 6)
    expect(r.confidenceInterval[1]).toBeCloseTo(0.086536, 6)
    expect(r.relativeLift).toBeCloseTo(0.25, 12)
  })

  it('#16 Bayesian: Pr(B > A) 0.9962833291, E[max(pA − pB, 0)] 0.0000213636; 10/100 vs 15/100 → 0.8532837899', () => {
    const r = bayesianAbTest(A, B)
    expect(r.probabilityBBeatsA).toBeCloseTo(0.9962833291, 10)
    expect(r.expectedLossB).toBeCloseTo(0.0000213636, 10)
    expect(
      bayesianAbTest({ successes: 10, trials: 100 }, { successes: 15, trials: 100 }).probabilityBBeatsA,
    ).toBeCloseTo(0.8532837899, 10)
  })

  it('#17 mSPRT: τ² 1e-4 → Λ 1.968694, p 0.507951; τ² 1e-3 → Λ 7.329136, p 0.136442', () => {
    const r = msprtTest(A, B, { tau2: 1e-4 })
    expect(r.lambda).toBeCloseTo(1.968694, 6)
    expect(r.pValue).toBeCloseTo(0.507951, 6)
    expect(r.reject).toBe(false)
    const wide = msprtTest(A, B, { tau2: 1e-3 })
    expect(wide.lambda).toBeCloseTo(7.329136, 6)
    expect(wide.pValue).toBeCloseTo(0.136442, 6)
  })

  it('mSPRT 2000/10000 vs 2150/10000: Λ 6.532757, p 0.153075 where the fixed-horizon p is 0.008908', () => {
    const a = { successes: 2000, trials: 10_000 }
    const b = { successes: 2150, trials: 10_000 }
    const r = msprtTest(a, b, { tau2: 1e-4 })
    expect(r.lambda).toBeCloseTo(6.532757, 6)
    expect(r.pValue).toBeCloseTo(0.153075, 6)
    expect(twoProportionTest(a, b).pValue).toBeCloseTo(0.008908, 6)
  })

  it('sample size: 20 % → 25 %, α 0.05 two-sided, power 0.8 → 1093.739 per arm (R power.prop.test)', () => {
    const r = sampleSizeTwoProportions({ baseline: 0.2, expected: 0.25 })
    expect(r.perArmExact).toBeCloseTo(1093.739, 3)
    expect(r.perArm).toBe(1094)
    expect(r.total).toBe(2188)
  })
})

describe('normal distribution', () => {
  it('known values and the far tails', () => {
    expect(normalCdf(0)).toBe(0.5)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13)
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 14)
    expect(normalCdf(-8) / 6.220960574271785e-16).toBeCloseTo(1, 10)
    expect(normalCdf(-3) / 0.0013498980316301).toBeCloseTo(1, 10)
  })

  it('the quantile inverts the distribution function (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const x = normalQuantile(p)
        expect(Math.abs(normalCdf(x) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9)
      }),
    )
  })
})

describe('peeking', () => {
  /** Share of A/A experiments (no real difference) declared significant when looked at after every batch. */
  function falsePositiveRate(
    decide: (a: { successes: number; trials: number }, b: typeof a, p: number) => number,
  ) {
    const random = mulberry32(42)
    const experiments = 300
    let rejected = 0
    for (let e = 0; e < experiments; e++) {
      const a = { successes: 0, trials: 0 }
      const b = { successes: 0, trials: 0 }
      let p = 1
      for (let lookIndex = 0; lookIndex < 40; lookIndex++) {
        for (let k = 0; k < 50; k++) {
          a.trials++
          b.trials++
          if (random() < 0.1) a.successes++
          if (random() < 0.1) b.successes++
        }
        p = decide(a, b, p)
        if (p <= 0.05) {
          rejected++
          break
        }
      }
    }
    return rejected / experiments
  }

  it('mSPRT keeps the false-positive rate at α under continuous peeking; the fixed-horizon p-value does not', () => {
    const naive = falsePositiveRate((a, b) => twoProportionTest(a, b).pValue)
    const sequential = falsePositiveRate((a, b, p) => msprtTest(a, b, { tau2: 1e-3 }, p).pValue)
    expect(naive).toBeGreaterThan(0.12)
    expect(sequential).toBeLessThanOrEqual(0.05)
  })

  it('sequentialTest carries the always-valid p-value and stops at the first rejection', () => {
    const looks = [
      { a: { successes: 20, trials: 100 }, b: { successes: 21, trials: 100 } },
      { a: { successes: 200, trials: 1000 }, b: { successes: 250, trials: 1000 } },
      { a: { successes: 2000, trials: 10_000 }, b: { successes: 2600, trials: 10_000 } },
      { a: { successes: 2100, trials: 10_500 }, b: { successes: 2610, trials: 10_500 } },
    ]
    const r = sequentialTest(looks, { tau2: 1e-3 })
    expect(r.stoppedAt).toBe(2)
    const ps = r.looks.map((l) => l.pValue)
    for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeLessThanOrEqual(ps[i - 1]!)
  })
})

describe('bad input', () => {
  it('n = 0 is EMPTY_SAMPLE in every test', () => {
    const empty = { successes: 0, trials: 0 }
    expect(codeOf(() => twoProportionTest(empty, B))).toBe('EMPTY_SAMPLE')
    expect(codeOf(() => bayesianAbTest(A, empty))).toBe('EMPTY_SAMPLE')
    expect(codeOf(() => msprtTest(empty, B, { tau2: 1e-4 }))).toBe('EMPTY_SAMPLE')
    expect(codeOf(() => sequentialTest([{ a: A, b: empty }], { tau2: 1e-4 }))).toBe('EMPTY_SAMPLE')
  })

  it('malformed counts and options are INVALID_INPUT', () => {
    expect(codeOf(() => twoProportionTest({ successes: 11, trials: 10 }, B))).toBe('INVALID_INPUT')
    expect(codeOf(() => twoProportionTest({ successes: 1.5, trials: 10 }, B))).toBe('INVALID_INPUT')
    expect(codeOf(() => twoProportionTest(A, B, { confidence: 95 }))).toBe('INVALID_INPUT')
    expect(codeOf(() => bayesianAbTest(A, B, { prior: { alpha: 0.5, beta: 0.5 } }))).toBe('INVALID_INPUT')
    expect(codeOf(() => msprtTest(A, B, { tau2: 0 }))).toBe('INVALID_INPUT')
    expect(codeOf(() => sampleSizeTwoProportions({ baseline: 0.2, expected: 0.2 }))).toBe('INVALID_INPUT')
    expect(codeOf(() => sampleSizeTwoProportions({ baseline: 0, expected: 0.2 }))).toBe('INVALID_INPUT')
  })

  it('all-zero arms give no evidence instead of NaN', () => {
    const zero = { successes: 0, trials: 100 }
    expect(twoProportionTest(zero, zero)).toMatchObject({ z: 0, pValue: 1 })
    expect(msprtTest(zero, zero, { tau2: 1e-3 })).toMatchObject({ lambda: 1, pValue: 1 })
  })
})
