import { TZDate } from '@date-fns/tz'

/**
 * Core's one time-zone implementation. Every "local time in a zone" question in Rapport (business hours and SLAs,
 * per-day limits, schedules) goes through these functions, so a DST change means the same thing everywhere.
 *
 * The zone data and the instant → wall-clock conversion come from `@date-fns/tz` (the date-fns team's `TZDate`, on
 * the runtime's `Intl` database). One rule is ours: turning a wall-clock time back into an instant when it is
 * ambiguous. `TZDate` takes the later instant in a DST overlap; Rapport follows Temporal's `compatible`
 * disambiguation (RFC 5545 does the same): the earlier instant in an overlap, pushed forward by the gap in a gap.
 */

const DAY_MS = 86_400_000

/**
 * Whether `timeZone` is an IANA time zone this runtime knows (e.g. `Europe/Berlin`, `Asia/Shanghai`, `UTC`).
 *
 * @example
 * ```ts
 * isTimeZone('Asia/Shanghai') // true
 * isTimeZone('Mars/Olympus') // false
 * ```
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/**
 * The wall-clock time of `instant` in `timeZone`, encoded as the UTC timestamp with the same calendar fields (so
 * `new Date(wall).getUTCHours()` is the local hour).
 *
 * @example
 * ```ts
 * new Date(wallClockOf(Date.parse('2026-07-01T10:00:00Z'), 'Europe/Berlin')).toISOString() // '2026-07-01T12:00:00.000Z'
 * ```
 */
export function wallClockOf(instant: number, timeZone: string): number {
  const d = new TZDate(instant, timeZone)
  return Date.UTC(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  )
}

const instantCache = new Map<string, number>()
const MAX_CACHED = 50_000

/**
 * The instant of a wall-clock time (encoded as by {@link wallClockOf}) in `timeZone`. In a DST gap the time is
 * pushed forward by the gap; in an overlap the earlier instant wins (Temporal's `compatible`).
 *
 * @example
 * ```ts
 * // 02:30 on the night Berlin falls back happens twice; the first one (still summer time) wins
 * new Date(instantOfWallClock(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString() // '2026-10-25T00:30:00.000Z'
 * ```
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
  const key = `${timeZone}|${wall}`
  const cached = instantCache.get(key)
  if (cached !== undefined) return cached
  // A zone's offset changes at most once within a couple of days, so the offsets a day before and a day after are
  // the (at most two) candidates; both valid means an overlap, none means a gap.
  const before = wallClockOf(wall - DAY_MS, timeZone) - (wall - DAY_MS)
  const after = wallClockOf(wall + DAY_MS, timeZone) - (wall + DAY_MS)
  const matches = [wall - before, wall - after].filter((t) => wallClockOf(t, timeZone) === wall)
  const instant = matches.length > 0 ? Math.min(...matches) : wall - Math.min(before, after)
  if (instantCache.size >= MAX_CACHED) instantCache.clear()
  instantCache.set(key, instant)
  return instant
}

/**
 * The local calendar date of `at` in `timeZone`, as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * localDateOf(new Date('2026-03-01T20:00:00Z'), 'Asia/Shanghai') // '2026-03-02'
 * ```
 */
export function localDateOf(at: Date, timeZone: string): string {
  return new Date(wallClockOf(at.getTime(), timeZone)).toISOString().slice(0, 10)
}

/**
 * The first instant of the local calendar day that contains `at` in `timeZone` (local midnight, or the first
 * instant after it when midnight falls in a DST gap). Per-day limits count from here.
 *
 * @example
 * ```ts
 * startOfDayIn(new Date('2026-03-01T20:00:00Z'), 'Asia/Shanghai').toISOString() // '2026-03-01T16:00:00.000Z'
 * ```
 */
export function startOfDayIn(at: Date, timeZone: string): Date {
  const wall = wallClockOf(at.getTime(), timeZone)
  return new Date(instantOfWallClock(wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS), timeZone))
}
