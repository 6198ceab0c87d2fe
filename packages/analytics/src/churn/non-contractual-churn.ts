import { AnalyticsError } from '../clv/analytics-error.js'

/**
 * Anything that gives a customer's probability of still being "alive" (active): the BG/NBD, MBG/NBD and Pareto/NBD
 * models of `@rapport/analytics/clv` all fit, as does your own model.
 */
export interface AliveProbabilityModel<C> {
  /** P(alive) for one customer, in 0–1. */
  probabilityAlive(customer: C): number
}

/**
 * Non-contractual churn risk: `1 − P(alive)` under a BTYD model. The customer's shape is whatever the model takes
 * (for the `/clv` models: `{ frequency, recency, T }` in the model's time unit). Note that BG/NBD gives P(alive) = 1,
 * hence churn 0, to every customer without a repeat purchase; prefer MBG/NBD or Pareto/NBD when that matters.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` when the model returns something outside 0–1.
 *
 * @example
 * ```ts
 * import { fitBgNbd } from '@rapport/analytics/clv'
 * import { churnProbability } from '@rapport/analytics/churn'
 *
 * const { model } = fitBgNbd(customers)
 * churnProbability(model, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 0.27
 * ```
 */
export function churnProbability<C>(model: AliveProbabilityModel<C>, customer: C): number {
  const alive = model.probabilityAlive(customer)
  if (typeof alive !== 'number' || !(alive >= -1e-12 && alive <= 1 + 1e-12)) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `probabilityAlive returned ${String(alive)}, expected a number in 0–1`,
      {
        value: String(alive),
      },
    )
  }
  return Math.min(1, Math.max(0, 1 - alive))
}

/**
 * {@link churnProbability} for many customers, aligned with the input.
 *
 * @example
 * ```ts
 * const risks = churnProbabilities(model, customers)
 * ```
 */
export function churnProbabilities<C>(model: AliveProbabilityModel<C>, customers: readonly C[]): number[] {
  return customers.map((c) => churnProbability(model, c))
}
