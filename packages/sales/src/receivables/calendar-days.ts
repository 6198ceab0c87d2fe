import { RapportError } from '@rapport/core'
import { localDateOf } from '@rapport/core/time'
import { receivableError } from './receivable-errors.js'

const DAY_MS = 86_400_000
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The day number (days since 1970-01-01) of a `YYYY-MM-DD` calendar date, or `null` when it is not a real date
 * (`2026-02-30` is not).
 *
 * @example
 * ```ts
 * dayNumber('1970-01-02') // 1
 * ```
 */
export function dayNumber(date: string): number | null {
  const m = DATE.exec(date)
  if (!m) return null
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  if (new Date(ms).toISOString().slice(0, 10) !== date) return null
  return ms / DAY_MS
}

/** The `YYYY-MM-DD` date of a day number; the inverse of {@link dayNumber}. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The calendar date an as-of instant falls on: a `YYYY-MM-DD` string is taken as it is; a `Date` (or an ISO instant
 * string) is read in `timeZone` (default `UTC`) with core's one time-zone rule (`localDateOf`). Receivable status and
 * aging count whole calendar days between this date and a due date.
 *
 * @example
 * ```ts
 * asOfDate(new Date('2026-03-01T20:00:00Z'), 'Asia/Shanghai') // '2026-03-02'
 * ```
 */
export function asOfDate(asOf: Date | string, timeZone = 'UTC'): string {
  if (typeof asOf === 'string' && DATE.test(asOf)) {
    if (dayNumber(asOf) === null) throw invalidAsOf(asOf)
    return asOf
  }
  const at = asOf instanceof Date ? asOf : new Date(asOf)
  if (Number.isNaN(at.getTime())) throw invalidAsOf(asOf)
  return localDateOf(at, timeZone)
}

/** The day number of a date that must be valid; `SALES_INVALID_PLAN` names the field otherwise. */
export function requireDay(date: string, field: string): number {
  const day = dayNumber(date)
  if (day === null) {
    throw receivableError(
      'SALES_INVALID_PLAN',
      `${field} must be a YYYY-MM-DD date, got ${JSON.stringify(date)}`,
      {
        field,
        value: date,
      },
    )
  }
  return day
}

function invalidAsOf(value: unknown): RapportError {
  const message = `asOf must be a YYYY-MM-DD date or an instant, got ${JSON.stringify(value)}`
  return new RapportError('VALIDATION_FAILED', message, {
    details: { issues: [{ path: ['asOf'], message, code: 'invalid_value' }] },
  })
}
