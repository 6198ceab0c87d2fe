import { checkNumber, checkOptions, invalid, optionalEnum } from '../validation/input-checks.js'
import { normalQuantile } from './normal-distribution.js'

/** Inputs of {@link sampleSizeTwoProportions}. */
export interface SampleSizeOptions {
  /** Conversion rate of the control, in (0, 1). */
  readonly baseline: number
  /** The rate the variant must be able to show, in (0, 1), different from `baseline`. */
  readonly expected: number
  /** Significance level; default 0.05. */
  readonly alpha?: number
  /** Power, the chance of detecting the difference when it is real; default 0.8. */
  readonly power?: number
  /** `two-sided` (default) or `one-sided`. */
  readonly alternative?: 'two-sided' | 'one-sided'
}

/** The result of {@link sampleSizeTwoProportions}. */
export interface SampleSize {
  /** Exact solution per arm (as R `power.prop.test` reports it). */
  readonly perArmExact: number
  /** Visitors needed per arm, rounded up. */
  readonly perArm: number
  /** Both arms together. */
  readonly total: number
}

/**
 * Visitors per arm for a fixed-horizon two-proportion test to detect `baseline → expected` at level `alpha` with the
 * given `power`: n = (z₁₋α/₂ √(2 p̄ q̄) + z₁₋β √(p₁q₁ + p₂q₂))² / (p₁ − p₂)², p̄ = (p₁ + p₂)/2 — the formula R's
 * `power.prop.test` solves (with its default `strict = FALSE`).
 *
 * @param options - rates, alpha, power and sidedness
 * @returns per-arm size (exact and rounded up) and total
 * @throws AnalyticsError `INVALID_INPUT` for rates outside (0, 1), equal rates, or alpha/power outside (0, 1)
 *
 * @example
 * ```ts
 * import { sampleSizeTwoProportions } from '@rapport/analytics/experiments'
 *
 * sampleSizeTwoProportions({ baseline: 0.2, expected: 0.25 }) // { perArmExact: 1093.739…, perArm: 1094, total: 2188 }
 * ```
 */
export function sampleSizeTwoProportions(options: SampleSizeOptions): SampleSize {
  const opts = checkOptions<SampleSizeOptions>(
    options,
    'options',
    ['baseline', 'expected', 'alpha', 'power', 'alternative'],
    { required: true },
  )
  const p1 = checkNumber(opts.baseline, 'options.baseline', { above: 0, below: 1 })
  const p2 = checkNumber(opts.expected, 'options.expected', { above: 0, below: 1 })
  if (p1 === p2) invalid('options.expected', 'different from options.baseline', p2)
  const alpha =
    opts.alpha === undefined ? 0.05 : checkNumber(opts.alpha, 'options.alpha', { above: 0, below: 1 })
  const power =
    opts.power === undefined ? 0.8 : checkNumber(opts.power, 'options.power', { above: 0, below: 1 })
  const sides = optionalEnum(opts.alternative, 'options.alternative', ['two-sided', 'one-sided'], 'two-sided')
  const zAlpha = normalQuantile(1 - (sides === 'two-sided' ? alpha / 2 : alpha))
  const zBeta = normalQuantile(power)
  const mean = (p1 + p2) / 2
  const numerator =
    zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
  const perArmExact = (numerator / (p1 - p2)) ** 2
  const perArm = Math.ceil(perArmExact - 1e-9)
  return { perArmExact, perArm, total: 2 * perArm }
}
