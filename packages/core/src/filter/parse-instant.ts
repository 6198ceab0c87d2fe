/**
 * Strict parsing of the date formats the filter language accepts. `Date.parse` is not used: it accepts many
 * implementation-defined formats and reads offset-less date-times in the host's local time zone.
 */

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The earliest and latest instants with a four-digit year, so ISO strings keep sorting as strings. */
const MIN_TIME = new Date(0).setUTCFullYear(0, 0, 1)
const MAX_TIME = new Date(0).setUTCFullYear(9999, 11, 31) + 86_400_000 - 1

/** True for a valid `Date` between years 0000 and 9999. */
export function isInstantInRange(date: Date): boolean {
  const time = date.getTime()
  return time >= MIN_TIME && time <= MAX_TIME
}

function daysInMonth(year: number, month: number): number {
  return new Date(new Date(0).setUTCFullYear(year, month, 0)).getUTCDate()
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/**
 * Parses an ISO-8601 instant: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:mm[:ss[.fraction]]` followed by `Z` or
 * an offset `±HH:MM`. An offset is required, because a local date-time names no instant. Fractions beyond
 * milliseconds are truncated (Rapport stores milliseconds). Returns `undefined` for anything else, including
 * impossible dates such as `2025-02-30`.
 */
export function parseIsoInstant(text: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, offH = '0', offM = '0'] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  const offsetHours = Number(offH)
  const offsetMinutes = Number(offM)
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined
  if (offsetHours > 23 || offsetMinutes > 59) return undefined
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'))
  const local = new Date(0)
  local.setUTCFullYear(year, month - 1, day)
  local.setUTCHours(hour, minute, second, millis)
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  return new Date(local.getTime() - offset)
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text)
  return match !== null && isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))
}

/** The UTC calendar date of an instant, as `YYYY-MM-DD`. */
export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}
