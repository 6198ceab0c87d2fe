import { checkNumber, checkOptions } from '../validation/input-checks.js'
import type { ArmCounts } from './arm-counts.js'
import { checkArm } from './arm-counts.js'
import { normalQuantile, twoSidedP } from './normal-distribution.js'

/** Options of {@link twoProportionTest}. */
export interface TwoProportionTestOptions {
  /** Confidence level of the interval for the difference; default 0.95. */
  readonly confidence?: number
}

/** The result of {@link twoProportionTest}. */
export interface TwoProportionTestResult {
  /** Conversion rate of A. */
  readonly rateA: number
  /** Conversion rate of B. */
  readonly rateB: number
  /** rateB − rateA. */
  readonly difference: number
  /** (rateB − rateA) / rateA; `null` when rateA is 0. */
  readonly relativeLift: number | null
  /** Pooled z statistic (same as R `prop.test(correct = FALSE)`); 0 when both arms are all-0 or all-1. */
  readonly z: number
  /** Two-sided p-value 2Φ(−|z|). */
  readonly pValue: number
  /** z², Pearson's χ² with one degree of freedom. */
  readonly chiSquare: number
  /** Unpooled z, difference over the unpooled standard error. */
  readonly unpooledZ: number
  /** Unpooled standard error √(p̂A(1−p̂A)/nA + p̂B(1−p̂B)/nB), used for the interval. */
  readonly standardError: number
  /** Wald interval of the difference at `confidence`. */
  readonly confidenceInterval: readonly [number, number]
  /** The confidence level used. */
  readonly confidence: number
}

/**
 * Fixed-horizon two-proportion z test of B against A: the pooled z statistic and two-sided p-value, and a Wald
 * confidence interval for the difference from the unpooled standard error. Valid once, at a sample size fixed in
 * advance (see {@link sampleSizeTwoProportions}); to watch results as they come in use {@link msprtTest}.
 *
 * @param a - control counts
 * @param b - variant counts
 * @param options - confidence level of the interval
 * @returns rates, difference, lift, z, p-value, χ² and the interval
 * @throws AnalyticsError `EMPTY_SAMPLE` when an arm has no trials, `INVALID_INPUT` for malformed counts
 *
 * @example
 * ```ts
 * import { twoProportionTest } from '@rapport/analytics/experiments'
 *
 * const r = twoProportionTest({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 })
 * r.z // 2.677398…
 * r.pValue // 0.00741965…
 * r.confidenceInterval // [0.013464…, 0.086536…]
 * ```
 */
export function twoProportionTest(
  a: ArmCounts,
  b: ArmCounts,
  options?: TwoProportionTestOptions,
): TwoProportionTestResult {
  const A = checkArm(a, 'a')
  const B = checkArm(b, 'b')
  const opts = checkOptions<TwoProportionTestOptions>(options, 'options', ['confidence'])
  const confidence =
    opts.confidence === undefined
      ? 0.95
      : checkNumber(opts.confidence, 'options.confidence', { above: 0, below: 1 })
  const difference = B.rate - A.rate
  const pooled = (A.successes + B.successes) / (A.trials + B.trials)
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / A.trials + 1 / B.trials))
  const z = pooledSe > 0 ? difference / pooledSe : 0
  const se = Math.sqrt((A.rate * (1 - A.rate)) / A.trials + (B.rate * (1 - B.rate)) / B.trials)
  const critical = normalQuantile(1 - (1 - confidence) / 2)
  return {
    rateA: A.rate,
    rateB: B.rate,
    difference,
    relativeLift: A.rate > 0 ? difference / A.rate : null,
    z,
    pValue: twoSidedP(z),
    chiSquare: z * z,
    unpooledZ: se > 0 ? difference / se : 0,
    standardError: se,
    confidenceInterval: [difference - critical * se, difference + critical * se],
    confidence,
  }
}
