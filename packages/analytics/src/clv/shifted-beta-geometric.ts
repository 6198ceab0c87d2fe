import { AnalyticsError } from './analytics-error.js'
import { checkCount, checkParams } from './customer-data.js'
import type { FitOptions } from './fit-report.js'
import { maximizeLikelihood } from './fit-report.js'
import { lbeta } from './special-functions.js'
import type { FitOutcome } from './transaction-model.js'

/** sBG parameters: each customer's per-period churn probability θ ~ Beta(α, β). */
export interface ShiftedBetaGeometricParams {
  /** Beta shape α of the churn probability. */
  alpha: number
  /** Beta shape β of the churn probability. */
  beta: number
}

/**
 * The shifted-beta-geometric model of contractual retention (Fader & Hardie 2007, "How to project customer
 * retention"). Periods are renewal periods (e.g. years of a yearly contract); period 0 is acquisition.
 */
export interface ShiftedBetaGeometricModel {
  /** `'shifted-beta-geometric'`. */
  readonly model: string
  /** Natural-scale parameters. */
  readonly params: Readonly<ShiftedBetaGeometricParams>
  /** S(t) = B(α, β+t)/B(α, β): share of a cohort still active after t periods (S(0) = 1). */
  survival(t: number): number
  /** P(T = t) = B(α+1, β+t−1)/B(α, β): probability a customer churns exactly at period t ≥ 1. */
  churnProbability(t: number): number
  /** r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1): the period-t retention rate among survivors (t ≥ 1). */
  retentionRate(t: number): number
  /** Expected lifetime in periods, E[T] = (α+β−1)/(α−1); `Infinity` when α ≤ 1. */
  expectedLifetime(): number
  /** Log-likelihood of a survivor curve under these parameters (see {@link fitShiftedBetaGeometric}). */
  logLikelihoodOf(survivors: readonly number[]): number
}

function checkSurvivors(survivors: readonly number[]): void {
  if (!Array.isArray(survivors) || survivors.length < 2) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      'survivors must list the cohort size and at least one later period',
    )
  }
  survivors.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new AnalyticsError('INVALID_INPUT', `survivors[${i}] must be a finite number ≥ 0, got ${s}`, {
        index: i,
      })
    }
    if (i > 0 && s > survivors[i - 1]!) {
      throw new AnalyticsError('INVALID_INPUT', `survivors must not increase (survivors[${i}] = ${s})`, {
        index: i,
      })
    }
  })
  if (!(survivors[0]! > 0))
    throw new AnalyticsError('INVALID_INPUT', 'survivors[0] (the cohort size) must be > 0')
}

function logLik(alpha: number, beta: number, survivors: readonly number[]): number {
  const lb = lbeta(alpha, beta)
  let ll = 0
  const last = survivors.length - 1
  for (let t = 1; t <= last; t++) {
    const lost = survivors[t - 1]! - survivors[t]!
    if (lost > 0) ll += lost * (lbeta(alpha + 1, beta + t - 1) - lb)
  }
  const alive = survivors[last]!
  if (alive > 0) ll += alive * (lbeta(alpha, beta + last) - lb)
  return ll
}

/**
 * Builds an sBG retention model from known parameters.
 *
 * @param params - alpha, beta (> 0)
 * @returns the model
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { shiftedBetaGeometric } from '@rapport/analytics/clv'
 * const m = shiftedBetaGeometric({ alpha: 0.704, beta: 1.182 })
 * m.survival(12) // share of the cohort still subscribed after 12 periods
 * ```
 */
export function shiftedBetaGeometric(params: ShiftedBetaGeometricParams): ShiftedBetaGeometricModel {
  const { alpha, beta } = params
  checkParams({ alpha, beta }, 'sBG')
  const lb = lbeta(alpha, beta)
  return {
    model: 'shifted-beta-geometric',
    params: Object.freeze({ alpha, beta }),
    survival(t) {
      checkCount(t, 't', 0)
      return Math.exp(lbeta(alpha, beta + t) - lb)
    },
    churnProbability(t) {
      checkCount(t, 't', 0)
      if (t === 0) return 0
      return Math.exp(lbeta(alpha + 1, beta + t - 1) - lb)
    },
    retentionRate(t) {
      checkCount(t, 't', 0)
      if (t === 0) return 1
      return (beta + t - 1) / (alpha + beta + t - 1)
    },
    expectedLifetime() {
      return alpha > 1 ? (alpha + beta - 1) / (alpha - 1) : Number.POSITIVE_INFINITY
    },
    logLikelihoodOf(survivors) {
      checkSurvivors(survivors)
      return logLik(alpha, beta, survivors)
    },
  }
}

/**
 * Fits the sBG model to one cohort's survivor curve by maximum likelihood: customers lost between periods t−1
 * and t contribute ln P(T = t), those still active at the end contribute ln S(T_end).
 *
 * @param survivors - active customers at periods 0, 1, 2, ...: `survivors[0]` is the cohort size; non-increasing.
 *   Percentages work too (the likelihood scales, the estimates do not change), but counts give the right LL.
 * @param options - penalizer, initial parameters (alpha, beta), restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for an invalid curve, `FIT_FAILED` if fitting fails
 *
 * @example
 * ```ts
 * import { fitShiftedBetaGeometric } from '@rapport/analytics/clv'
 * const m = fitShiftedBetaGeometric([1000, 631, 468, 382, 326, 289, 262, 241])
 * m.params // ≈ { alpha: 0.704, beta: 1.182 }
 * m.survival(10)
 * ```
 */
export function fitShiftedBetaGeometric(
  survivors: readonly number[],
  options: FitOptions = {},
): ShiftedBetaGeometricModel & FitOutcome {
  checkSurvivors(survivors)
  const W = survivors[0]!
  const { theta, report } = maximizeLikelihood(
    {
      names: ['alpha', 'beta'],
      meanNll: (th) => -logLik(Math.exp(th[0]!), Math.exp(th[1]!), survivors) / W,
      starts: [
        [0, 0],
        [Math.log(0.5), Math.log(2)],
      ],
    },
    options,
  )
  const [alpha, beta] = theta.map(Math.exp) as [number, number]
  const model = shiftedBetaGeometric({ alpha, beta })
  return { ...model, logLikelihood: logLik(alpha, beta, survivors), converged: report.converged, report }
}
