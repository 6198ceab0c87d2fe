import { AnalyticsError } from '../clv/analytics-error.js'
import { checkNumber, checkObject } from '../validation/input-checks.js'

/**
 * Validates a stage-id → probability map: every value a fraction in 0–1 (a percent value such as 60 gets a message
 * that says so). Returns the map, or an empty one when absent.
 *
 * @internal
 */
export function checkStageProbabilities(
  value: Readonly<Record<string, number>> | undefined,
  what: string,
): Readonly<Record<string, number>> {
  if (value === undefined) return {}
  const map = checkObject(value, what)
  for (const [stage, p] of Object.entries(map)) {
    if (typeof p === 'number' && p > 1 && p <= 100) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `${what}[${JSON.stringify(stage)}] is ${p}: probabilities are fractions in 0–1, not percent`,
        { field: `${what}.${stage}`, value: p },
      )
    }
    checkNumber(p, `${what}[${JSON.stringify(stage)}]`, { min: 0, max: 1 })
  }
  return value
}
