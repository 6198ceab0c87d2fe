import { dayNumber } from '../receivables/calendar-days.js'

/** A validity period of inclusive `YYYY-MM-DD` dates; `null` (or absent) is open-ended on that side. */
export interface ValidityPeriod {
  readonly validFrom?: string | null | undefined
  readonly validTo?: string | null | undefined
}

/** Whether `date` (`YYYY-MM-DD`) is within the period, both ends included. ISO dates compare as strings. */
export function periodCovers(period: ValidityPeriod, date: string): boolean {
  return (
    (period.validFrom == null || period.validFrom <= date) &&
    (period.validTo == null || date <= period.validTo)
  )
}

/**
 * Whether two periods share at least one day.
 *
 * @example
 * ```ts
 * periodsOverlap({ validFrom: '2026-01-01', validTo: '2026-06-30' }, { validFrom: '2026-06-30' }) // true
 * periodsOverlap({ validTo: '2025-12-31' }, { validFrom: '2026-01-01' }) // false
 * ```
 */
export function periodsOverlap(a: ValidityPeriod, b: ValidityPeriod): boolean {
  return (
    (a.validFrom == null || b.validTo == null || a.validFrom <= b.validTo) &&
    (b.validFrom == null || a.validTo == null || b.validFrom <= a.validTo)
  )
}

/** The days both periods share (`validFrom` the later start, `validTo` the earlier end); it may be empty. */
export function intersectPeriods(
  a: ValidityPeriod,
  b: ValidityPeriod,
): { validFrom: string | null; validTo: string | null } {
  const from = [a.validFrom, b.validFrom].filter((d): d is string => d != null).sort()
  const to = [a.validTo, b.validTo].filter((d): d is string => d != null).sort()
  return { validFrom: from.at(-1) ?? null, validTo: to[0] ?? null }
}

/** How many days a period spans (both ends included); `Infinity` when it is open on either side. */
export function periodLength(period: ValidityPeriod): number {
  if (period.validFrom == null || period.validTo == null) return Number.POSITIVE_INFINITY
  return (dayNumber(period.validTo) ?? 0) - (dayNumber(period.validFrom) ?? 0) + 1
}
