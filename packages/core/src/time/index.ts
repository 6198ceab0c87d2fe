/**
 * `@rapport/core/time`: time zones (IANA names, wall clocks, local dates and the start of a local day) and due times,
 * with one semantics for every package.
 *
 * @example
 * ```ts
 * import { localDateOf, startOfDayIn } from '@rapport/core/time'
 *
 * localDateOf(new Date('2026-12-03T17:00:00Z'), 'Asia/Shanghai') // '2026-12-04'
 * const midnight = startOfDayIn(new Date(), 'Europe/Paris')
 * ```
 *
 * @module
 */

export { dueTimeFilter, isPastDue } from './due-time.js'
export { instantOfWallClock, isTimeZone, localDateOf, startOfDayIn, wallClockOf } from './time-zone.js'
