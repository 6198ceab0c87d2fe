import { AnalyticsError } from '../clv/analytics-error.js'

/**
 * A contractual (subscription) survival model in discrete periods, such as the shifted-beta-geometric (sBG) model:
 * `survival(t)` = share of a cohort still subscribed after `t` renewal periods (`survival(0) = 1`).
 */
export interface SurvivalModel {
  /** S(t), the probability of surviving past period `t`, non-increasing in `t`. */
  survival(t: number): number
}

/** Options of {@link contractualChurnProbability}. */
export interface ContractualChurnOptions {
  /** Periods the customer has already survived (renewals so far), 0 or more. */
  readonly tenure: number
  /** Look-ahead in periods; default 1 (churn at the next renewal). */
  readonly horizon?: number
}

/**
 * Contractual churn risk: P(the customer cancels within `horizon` periods | they survived `tenure` periods)
 * = `1 − S(tenure + horizon) / S(tenure)`. Under sBG, risk falls with tenure (the survivors are the loyal ones).
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for negative tenure or horizon, or when `S(tenure)` is 0.
 *
 * @example
 * ```ts
 * // any { survival(t) } works, e.g. a fitted sBG model from `@rapport/analytics/clv`
 * contractualChurnProbability({ survival: (t) => 0.8 ** t }, { tenure: 3 }) // 0.2
 * ```
 */
export function contractualChurnProbability(model: SurvivalModel, options: ContractualChurnOptions): number {
  const { tenure } = options
  const horizon = options.horizon ?? 1
  if (!(tenure >= 0) || !(horizon >= 0)) {
    throw new AnalyticsError('INVALID_INPUT', 'tenure and horizon must be non-negative numbers', {
      tenure,
      horizon,
    })
  }
  const now = model.survival(tenure)
  if (!(now > 0)) {
    throw new AnalyticsError('INVALID_INPUT', `survival(${tenure}) is ${now}: nobody survives that long`, {
      tenure,
    })
  }
  return Math.min(1, Math.max(0, 1 - model.survival(tenure + horizon) / now))
}

/**
 * Retention curve `r_t = S(t) / S(t − 1)` for periods 1…`periods`: the share of those alive at `t − 1` who renew.
 *
 * @example
 * ```ts
 * retentionCurve({ survival: (t) => 0.8 ** t }, 3) // [0.8, 0.8, 0.8]
 * ```
 */
export function retentionCurve(model: SurvivalModel, periods: number): number[] {
  const out: number[] = []
  let previous = model.survival(0)
  for (let t = 1; t <= periods; t++) {
    const current = model.survival(t)
    out.push(previous > 0 ? current / previous : 0)
    previous = current
  }
  return out
}
