import { AnalyticsError } from '../clv/analytics-error.js'

/** A point in time: a `Date`, epoch milliseconds, or a string `Date.parse` understands (ISO 8601 recommended). */
export type TimeInput = Date | string | number

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000

/**
 * Converts a {@link TimeInput} to epoch milliseconds, throwing `AnalyticsError` `INVALID_INPUT` when it is not a valid
 * point in time. `what` names the value in the error message and details.
 *
 * @internal
 */
export function toEpochMs(value: TimeInput, what: string, details: Record<string, unknown> = {}): number {
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') ms = value
  else if (typeof value === 'string') ms = Date.parse(value)
  else ms = Number.NaN
  if (!Number.isFinite(ms)) {
    throw new AnalyticsError('INVALID_INPUT', `${what} is not a valid date: ${String(value)}`, {
      ...details,
      value: String(value),
    })
  }
  return ms
}

/** Whole UTC calendar days since the epoch for an epoch-millisecond timestamp. @internal */
export function utcDayIndex(ms: number): number {
  return Math.floor(ms / DAY_MS)
}
