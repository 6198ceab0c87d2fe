import type { FilterDuration } from '@rapport/core/filter'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * `date` moved by `duration` (`sign` 1 forwards, -1 backwards), in UTC: years and months follow the calendar (clamped
 * to the month's last day), weeks, days, hours and minutes are fixed lengths.
 */
export function shiftDate(date: Date, duration: FilterDuration, sign: 1 | -1): Date {
  let t = date.getTime()
  const months = (duration.years ?? 0) * 12 + (duration.months ?? 0)
  if (months !== 0) {
    const d = new Date(t)
    const day = d.getUTCDate()
    d.setUTCDate(1)
    d.setUTCMonth(d.getUTCMonth() + sign * months)
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
    d.setUTCDate(Math.min(day, last))
    t = d.getTime()
  }
  t +=
    sign *
    ((duration.weeks ?? 0) * 7 * DAY +
      (duration.days ?? 0) * DAY +
      (duration.hours ?? 0) * HOUR +
      (duration.minutes ?? 0) * MINUTE)
  return new Date(t)
}

/** The length of a duration in milliseconds, counting a month as 30 days and a year as 365 (for windows). */
export function durationMs(duration: FilterDuration): number {
  return (
    ((duration.years ?? 0) * 365 +
      (duration.months ?? 0) * 30 +
      (duration.weeks ?? 0) * 7 +
      (duration.days ?? 0)) *
      DAY +
    (duration.hours ?? 0) * HOUR +
    (duration.minutes ?? 0) * MINUTE
  )
}
