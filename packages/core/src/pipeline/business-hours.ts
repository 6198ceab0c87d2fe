import { addDays } from 'date-fns/addDays'
import { RapportError } from '../errors/rapport-error.js'
import { instantOfWallClock, wallClockOf } from '../time/time-zone.js'

/** Working hours on one weekday (0 = Sunday … 6 = Saturday) as `HH:mm` wall-clock times. */
export interface BusinessHoursEntry {
  readonly day: number
  readonly start: string
  readonly end: string
}

/** A business calendar as the SLA functions need it. */
export interface BusinessCalendarSpec {
  /** IANA time zone of the hours and holidays, e.g. `Europe/Berlin`. */
  readonly timeZone: string
  readonly hours: readonly BusinessHoursEntry[]
  /** Whole days off, `YYYY-MM-DD` in the calendar's time zone. */
  readonly holidays: readonly string[]
}

const DAY_MS = 86_400_000
/** How far the functions look before giving up on a calendar with (almost) no working time. */
const MAX_DAYS = 366 * 30

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number)
  return (h as number) * 60 + (m as number)
}

/** A calendar date (UTC noon, so date-fns' local-time day arithmetic never changes the date). */
function calendarDay(wall: number): Date {
  const d = new Date(wall)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12))
}

function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10)
}

/** The working intervals `[start, end)` of one local calendar day, as instants, sorted and merged. */
function workingIntervals(
  day: Date,
  calendar: BusinessCalendarSpec,
  holidays: ReadonlySet<string>,
): [number, number][] {
  if (holidays.has(isoDay(day))) return []
  const weekday = day.getUTCDay()
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
  const raw = calendar.hours
    .filter((h) => h.day === weekday)
    .map((h): [number, number] => [minutesOf(h.start), minutesOf(h.end)])
    .sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const [s, e] of raw) {
    const last = merged.at(-1)
    if (last && s <= last[1]) last[1] = Math.max(last[1], e)
    else merged.push([s, e])
  }
  return merged
    .map(([s, e]): [number, number] => [
      instantOfWallClock(midnight + s * 60_000, calendar.timeZone),
      instantOfWallClock(midnight + e * 60_000, calendar.timeZone),
    ])
    .filter(([s, e]) => e > s)
}

function noWorkingTime(): RapportError {
  return new RapportError(
    'INVALID_CONFIG',
    'The business calendar has no working time in the next 30 years',
    {
      details: { maxDays: MAX_DAYS },
    },
  )
}

/**
 * Business milliseconds between two instants: the overlap of `[start, end)` with the calendar's working hours,
 * holidays excluded. `null` as the calendar counts every millisecond. Returns 0 when `end <= start`.
 *
 * @example
 * ```ts
 * const berlin = { timeZone: 'Europe/Berlin', hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: ['2026-12-25'] }
 * businessTimeBetween(new Date('2026-03-06T15:00:00Z'), new Date('2026-03-09T09:00:00Z'), berlin) // 2 h: Friday 16–17, Monday 09–10 local
 * ```
 */
export function businessTimeBetween(start: Date, end: Date, calendar: BusinessCalendarSpec | null): number {
  const from = start.getTime()
  const to = end.getTime()
  if (to <= from) return 0
  if (!calendar) return to - from
  const holidays = new Set(calendar.holidays)
  let total = 0
  let day = addDays(calendarDay(wallClockOf(from, calendar.timeZone)), -1)
  const last = calendarDay(wallClockOf(to, calendar.timeZone))
  for (let i = 0; day.getTime() <= last.getTime() + DAY_MS && i <= MAX_DAYS + 2; i++) {
    for (const [s, e] of workingIntervals(day, calendar, holidays)) {
      const overlap = Math.min(e, to) - Math.max(s, from)
      if (overlap > 0) total += overlap
    }
    day = addDays(day, 1)
  }
  return total
}

/**
 * The instant at which `durationMs` of business time has passed after `start`. With `null` as the calendar it is
 * plain addition. Throws `INVALID_CONFIG` when the calendar has no working time for 30 years.
 *
 * @example
 * ```ts
 * addBusinessTime(new Date('2026-03-06T15:00:00Z'), 2 * 3_600_000, berlin) // Monday 10:00 Berlin = 09:00Z
 * ```
 */
export function addBusinessTime(
  start: Date,
  durationMs: number,
  calendar: BusinessCalendarSpec | null,
): Date {
  const from = start.getTime()
  if (!calendar) return new Date(from + durationMs)
  if (durationMs <= 0) return new Date(from)
  const holidays = new Set(calendar.holidays)
  let remaining = durationMs
  let day = addDays(calendarDay(wallClockOf(from, calendar.timeZone)), -1)
  for (let i = 0; i <= MAX_DAYS; i++) {
    for (const [s, e] of workingIntervals(day, calendar, holidays)) {
      const begin = Math.max(s, from)
      const available = e - begin
      if (available <= 0) continue
      if (remaining <= available) return new Date(begin + remaining)
      remaining -= available
    }
    day = addDays(day, 1)
  }
  throw noWorkingTime()
}

/** Whether an instant falls inside working hours. */
export function isBusinessTime(at: Date, calendar: BusinessCalendarSpec | null): boolean {
  return businessTimeBetween(at, new Date(at.getTime() + 1), calendar) === 1
}
