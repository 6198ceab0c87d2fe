import { checkArray, checkNumber, checkOptions } from '../validation/input-checks.js'
import type { ArmCounts } from './arm-counts.js'
import { checkArm } from './arm-counts.js'

/** Options of {@link msprtTest} and {@link sequentialTest}. */
export interface MsprtOptions {
  /**
   * Variance τ² of the normal mixing distribution over the effect (the prior on plausible differences of rates).
   * Larger values favour large effects. Optimizely fits it from past experiments; 1e−4 suits effects of about ±1
   * percentage point, 1e−3 of about ±3.
   */
  readonly tau2: number
  /** The difference of rates under the null hypothesis; default 0. */
  readonly theta0?: number
  /** Significance level; default 0.05. */
  readonly alpha?: number
}

/** One look of a mixture sequential probability ratio test. */
export interface MsprtLook {
  /** The mixture likelihood ratio Λₙ. */
  readonly lambda: number
  /** Always-valid p-value min(p of the previous look, 1/Λₙ). */
  readonly pValue: number
  /** True once Λ has reached 1/alpha at this look or before: stop, B differs from A. */
  readonly reject: boolean
  /** p̂_B − p̂_A at this look. */
  readonly difference: number
}

/**
 * One look of the mixture sequential probability ratio test (mSPRT; Johari, Koomen, Pekelis & Walsh, "Peeking at
 * A/B Tests", KDD 2017), normal approximation: with θ̂ = p̂_B − p̂_A and Vₙ = p̂_A(1−p̂_A)/n_A + p̂_B(1−p̂_B)/n_B,
 * Λₙ = √(Vₙ/(Vₙ+τ²)) · exp(τ²(θ̂−θ₀)² / (2Vₙ(Vₙ+τ²))). Its p-value stays valid however often it is looked at,
 * unlike the fixed-horizon test's. A look with Vₙ = 0 (both arms all-0 or all-1) carries no information: Λ = 1.
 *
 * @param a - control counts so far
 * @param b - variant counts so far
 * @param options - τ², θ₀, alpha
 * @param previousPValue - the always-valid p-value of the previous look (default 1, the first look)
 * @returns Λ, the always-valid p-value and the decision
 * @throws AnalyticsError `EMPTY_SAMPLE` when an arm has no trials; `INVALID_INPUT` for malformed input
 *
 * @example
 * ```ts
 * import { msprtTest } from '@rapport/analytics/experiments'
 *
 * msprtTest({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 }, { tau2: 1e-4 })
 * // { lambda: 1.968694…, pValue: 0.507951…, reject: false, difference: 0.05 }
 * ```
 */
export function msprtTest(a: ArmCounts, b: ArmCounts, options: MsprtOptions, previousPValue = 1): MsprtLook {
  const { tau2, theta0, alpha } = readOptions(options)
  checkNumber(previousPValue, 'previousPValue', { min: 0, max: 1 })
  return look(checkArm(a, 'a'), checkArm(b, 'b'), tau2, theta0, alpha, previousPValue)
}

/**
 * Runs {@link msprtTest} over a series of looks at cumulative counts (each look includes all data so far), carrying
 * the always-valid p-value from look to look. Stop at the first look with `reject`.
 *
 * @param looks - cumulative counts per look, oldest first
 * @param options - τ², θ₀, alpha
 * @returns one result per look, and the index of the first rejecting look (or `null`)
 * @throws AnalyticsError `EMPTY_SAMPLE` when a look has an arm without trials; `INVALID_INPUT` for malformed input
 *
 * @example
 * ```ts
 * import { sequentialTest } from '@rapport/analytics/experiments'
 *
 * const { stoppedAt } = sequentialTest(
 *   [
 *     { a: { successes: 20, trials: 100 }, b: { successes: 26, trials: 100 } },
 *     { a: { successes: 200, trials: 1000 }, b: { successes: 250, trials: 1000 } },
 *   ],
 *   { tau2: 1e-3 },
 * )
 * ```
 */
export function sequentialTest(
  looks: readonly { readonly a: ArmCounts; readonly b: ArmCounts }[],
  options: MsprtOptions,
): { readonly looks: readonly MsprtLook[]; readonly stoppedAt: number | null } {
  const { tau2, theta0, alpha } = readOptions(options)
  checkArray(looks, 'looks')
  const results: MsprtLook[] = []
  let p = 1
  let stoppedAt: number | null = null
  looks.forEach((entry, i) => {
    const result = look(
      checkArm(entry?.a, `looks[${i}].a`),
      checkArm(entry?.b, `looks[${i}].b`),
      tau2,
      theta0,
      alpha,
      p,
    )
    p = result.pValue
    if (result.reject && stoppedAt === null) stoppedAt = i
    results.push(result)
  })
  return { looks: results, stoppedAt }
}

function readOptions(options: MsprtOptions): { tau2: number; theta0: number; alpha: number } {
  const opts = checkOptions<MsprtOptions>(options, 'options', ['tau2', 'theta0', 'alpha'], { required: true })
  return {
    tau2: checkNumber(opts.tau2, 'options.tau2', { above: 0 }),
    theta0: opts.theta0 === undefined ? 0 : checkNumber(opts.theta0, 'options.theta0', { min: -1, max: 1 }),
    alpha: opts.alpha === undefined ? 0.05 : checkNumber(opts.alpha, 'options.alpha', { above: 0, below: 1 }),
  }
}

function look(
  A: { trials: number; rate: number },
  B: { trials: number; rate: number },
  tau2: number,
  theta0: number,
  alpha: number,
  previousPValue: number,
): MsprtLook {
  const difference = B.rate - A.rate
  const v = (A.rate * (1 - A.rate)) / A.trials + (B.rate * (1 - B.rate)) / B.trials
  const deviation = difference - theta0
  const lambda =
    v > 0 ? Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * deviation * deviation) / (2 * v * (v + tau2))) : 1
  const pValue = Math.min(previousPValue, 1 / lambda)
  return { lambda, pValue, reject: pValue <= alpha, difference }
}
