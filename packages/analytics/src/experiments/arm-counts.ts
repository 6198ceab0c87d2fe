import { AnalyticsError } from '../clv/analytics-error.js'
import { checkNumber, checkObject, invalid } from '../validation/input-checks.js'

/** One arm of an experiment: how many of `trials` visitors (recipients, sessions) converted. */
export interface ArmCounts {
  /** Conversions, an integer in [0, trials]. */
  readonly successes: number
  /** Visitors, a positive integer (count unique visitors, not page views). */
  readonly trials: number
}

/** Validates an arm; `trials = 0` is `EMPTY_SAMPLE`. @internal */
export function checkArm(arm: ArmCounts, what: string): { successes: number; trials: number; rate: number } {
  checkObject(arm, what)
  const trials = checkNumber(arm.trials, `${what}.trials`, {
    integer: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  })
  if (trials === 0) {
    throw new AnalyticsError('EMPTY_SAMPLE', `${what} has no trials (n = 0): there is nothing to test`, {
      field: `${what}.trials`,
    })
  }
  const successes = checkNumber(arm.successes, `${what}.successes`, { integer: true, min: 0 })
  if (successes > trials) invalid(`${what}.successes`, `≤ ${what}.trials (${trials})`, successes)
  return { successes, trials, rate: successes / trials }
}
