import { instantOfWallClock, isTimeZone, wallClockOf } from '@rapport/core/time'
import { marketingError } from '../marketing-error.js'

/** The period units a KPI is computed per: local calendar days, ISO weeks (Monday first) and calendar months. */
export const periodUnits = ['day', 'week', 'month'] as const

/** One of {@link periodUnits}. */
export type PeriodUnit = (typeof periodUnits)[number]

/** One period of a KPI series: `[start, end)` in instants, local boundaries in `timeZone`. */
export interface KpiPeriod {
  readonly unit: PeriodUnit
  readonly start: Date
  readonly end: Date
  readonly timeZone: string
}

const DAY = 86_400_000

/** The wall-clock (see core's `wallClockOf`) of the local period start containing `wall`. */
function floorWall(wall: number, unit: PeriodUnit): number {
  const day = wall - (((wall % DAY) + DAY) % DAY)
  if (unit === 'day') return day
  const d = new Date(day)
  if (unit === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

function addWall(wall: number, unit: PeriodUnit, n: number): number {
  if (unit === 'day') return wall + n * DAY
  if (unit === 'week') return wall + n * 7 * DAY
  const d = new Date(wall)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)
}

function checkUnit(unit: unknown, timeZone: string): asserts unit is PeriodUnit {
  if (typeof unit !== 'string' || !(periodUnits as readonly string[]).includes(unit)) {
    throw marketingError(
      'MARKETING_INVALID_PERIOD',
      `Unknown period unit ${JSON.stringify(unit)}; expected ${periodUnits.join(', ')}`,
      { unit },
    )
  }
  if (!isTimeZone(timeZone)) {
    throw marketingError('MARKETING_INVALID_PERIOD', `Unknown time zone ${JSON.stringify(timeZone)}`, {
      timeZone,
    })
  }
}

function periodAtWall(wallStart: number, unit: PeriodUnit, timeZone: string): KpiPeriod {
  return {
    unit,
    start: new Date(instantOfWallClock(wallStart, timeZone)),
    end: new Date(instantOfWallClock(addWall(wallStart, unit, 1), timeZone)),
    timeZone,
  }
}

/**
 * The period of `unit` that contains the instant `at`, with local boundaries in `timeZone` (core's one time-zone
 * implementation: a day is 23 or 25 hours across a DST change, a month starts at local midnight of the 1st).
 *
 * @throws `MARKETING_INVALID_PERIOD` for an unknown unit or time zone.
 *
 * @example
 * ```ts
 * periodContaining('month', new Date('2026-03-31T20:00:00Z'), 'Asia/Shanghai').start.toISOString()
 * // '2026-03-31T16:00:00.000Z' (April 1st, local midnight)
 * ```
 */
export function periodContaining(unit: PeriodUnit, at: Date, timeZone: string): KpiPeriod {
  checkUnit(unit, timeZone)
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw marketingError('MARKETING_INVALID_PERIOD', 'Expected a valid date', { at: String(at) })
  }
  return periodAtWall(floorWall(wallClockOf(at.getTime(), timeZone), unit), unit, timeZone)
}

/** The period `n` periods after `period` (`n` negative: before). */
export function shiftPeriod(period: KpiPeriod, n: number): KpiPeriod {
  const wall = wallClockOf(period.start.getTime(), period.timeZone)
  return periodAtWall(addWall(floorWall(wall, period.unit), period.unit, n), period.unit, period.timeZone)
}

/**
 * The period starting at `start`, which must be a local period boundary, and which must be over at `now` (a KPI of
 * a running period would be stored and alerted on half-counted).
 *
 * @throws `MARKETING_INVALID_PERIOD` for an unknown unit, a start off a boundary, or a period not over yet.
 */
export function closedPeriod(unit: PeriodUnit, start: Date, timeZone: string, now: Date): KpiPeriod {
  const period = periodContaining(unit, start, timeZone)
  if (period.start.getTime() !== start.getTime()) {
    throw marketingError(
      'MARKETING_INVALID_PERIOD',
      `${start.toISOString()} is not the start of a ${unit} in ${timeZone}; the ${unit} containing it starts at ${period.start.toISOString()}`,
      { unit, start: start.toISOString(), timeZone },
    )
  }
  if (period.end.getTime() > now.getTime()) {
    throw marketingError(
      'MARKETING_INVALID_PERIOD',
      `The ${unit} starting ${start.toISOString()} is not over until ${period.end.toISOString()}`,
      { unit, start: start.toISOString(), end: period.end.toISOString() },
    )
  }
  return period
}

/** The last period of `unit` that is over at `now`. */
export function lastClosedPeriod(unit: PeriodUnit, now: Date, timeZone: string): KpiPeriod {
  return shiftPeriod(periodContaining(unit, now, timeZone), -1)
}
