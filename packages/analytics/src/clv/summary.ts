import { AnalyticsError } from './analytics-error.js'
import type { TimeUnit } from './time-unit.js'

/** A timestamp: a `Date`, epoch milliseconds, or an ISO-8601 string (date-only strings are UTC midnight). */
export type Timestamp = Date | number | string

/** Picks a field of a transaction row by key or with a function. */
export type Accessor<Row, Value> = keyof Row | ((row: Row) => Value)

/** Options of {@link summaryDataFromTransactions}. */
export interface SummaryOptions<Row> {
  /** Customer id of a row. */
  customerId: Accessor<Row, string | number>
  /** Time of a row. */
  datetime: Accessor<Row, Timestamp>
  /** Optional value of a row; when given, each summary gets `monetaryValue`. */
  monetary?: Accessor<Row, number>
  /** End of the observation period; later transactions are ignored. */
  observationEnd: Timestamp
  /**
   * Period used to bucket transactions (UTC): `'H'` hour, `'D'` day, `'W'` week (Monday–Sunday), `'M'` calendar
   * month. Purchases in the same period count once, and frequency, recency and T are measured in this unit.
   */
  timeUnit: TimeUnit
  /**
   * Divides recency and T (lifetimes' `freq_multiplier`): `timeUnit: 'D', freqMultiplier: 7` buckets by day but
   * reports exact weeks (the CDNOW convention). Default 1.
   */
  freqMultiplier?: number
}

/** One customer's BTYD summary (lifetimes semantics). */
export interface CustomerSummary {
  /** The customer's id, as given. */
  customerId: string | number
  /** Repeat purchase periods: distinct purchase periods − 1. */
  frequency: number
  /** Age at the last purchase: last purchase period − first purchase period (in `timeUnit / freqMultiplier`). */
  recency: number
  /** Age: observation end period − first purchase period. */
  T: number
  /** Mean per-period value of the repeat purchases (first period excluded); 0 without repeats. Only with `monetary`. */
  monetaryValue?: number
}

function read<Row, V>(row: Row, accessor: Accessor<Row, V>): V {
  return typeof accessor === 'function' ? (accessor as (r: Row) => V)(row) : (row[accessor] as V)
}

/** Epoch milliseconds of a timestamp; throws `INVALID_INPUT` when it cannot be parsed. @internal */
export function toMillis(value: Timestamp, what: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value)
  if (!Number.isFinite(ms))
    throw new AnalyticsError('INVALID_INPUT', `${what} is not a valid date: ${String(value)}`)
  return ms
}

/** Index of the UTC period containing `ms`. @internal */
export function periodIndex(ms: number, unit: TimeUnit): number {
  switch (unit) {
    case 'H':
      return Math.floor(ms / 3_600_000)
    case 'D':
      return Math.floor(ms / 86_400_000)
    case 'W':
      // 1970-01-01 was a Thursday: shift so that weeks start on Monday.
      return Math.floor((Math.floor(ms / 86_400_000) + 3) / 7)
    case 'M': {
      const d = new Date(ms)
      return d.getUTCFullYear() * 12 + d.getUTCMonth()
    }
    default:
      throw new AnalyticsError('INVALID_INPUT', `timeUnit must be 'H', 'D', 'W' or 'M', got ${String(unit)}`)
  }
}

interface Bucketed {
  id: string | number
  /** Sorted distinct periods with the summed value of each. */
  periods: Map<number, number>
}

function bucket<Row>(
  transactions: readonly Row[],
  options: Pick<SummaryOptions<Row>, 'customerId' | 'datetime' | 'monetary' | 'timeUnit'>,
  endPeriod: number,
): Bucketed[] {
  if (!Array.isArray(transactions)) throw new AnalyticsError('INVALID_INPUT', 'transactions must be an array')
  const byId = new Map<string | number, Bucketed>()
  transactions.forEach((row, i) => {
    const id = read(row, options.customerId)
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new AnalyticsError('INVALID_INPUT', `transactions[${i}] has no customer id`, { index: i })
    }
    const period = periodIndex(
      toMillis(read(row, options.datetime), `transactions[${i}] datetime`),
      options.timeUnit,
    )
    if (period > endPeriod) return
    let value = 0
    if (options.monetary !== undefined) {
      value = read(row, options.monetary)
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new AnalyticsError(
          'INVALID_INPUT',
          `transactions[${i}] monetary value must be a finite number`,
          {
            index: i,
          },
        )
      }
    }
    let b = byId.get(id)
    if (!b) byId.set(id, (b = { id, periods: new Map() }))
    b.periods.set(period, (b.periods.get(period) ?? 0) + value)
  })
  return [...byId.values()]
}

function checkMultiplier(m: number | undefined): number {
  const v = m ?? 1
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new AnalyticsError('INVALID_INPUT', `freqMultiplier must be a finite number > 0, got ${m}`)
  }
  return v
}

/**
 * Builds the per-customer BTYD summary (frequency, recency, T and optionally monetary value) from raw
 * transactions, with the semantics of lifetimes' `summary_data_from_transaction_data`: transactions are bucketed
 * into UTC periods of `timeUnit`, several purchases in one period count once (their values are summed),
 * `frequency` counts repeat periods, `recency` is the age at the last purchase (not "time since"), and
 * `monetaryValue` is the mean of the repeat periods' values (the first purchase is excluded). Customers are
 * returned in order of first appearance; transactions after `observationEnd` are ignored.
 *
 * @param transactions - any rows; fields are picked by `options`
 * @param options - accessors, observation end, time unit; see {@link SummaryOptions}
 * @returns one {@link CustomerSummary} per customer with a purchase up to `observationEnd`
 * @throws AnalyticsError `INVALID_INPUT` for unparsable dates, missing ids, bad values or an unknown time unit
 *
 * @example
 * ```ts
 * import { summaryDataFromTransactions } from '@rapport/analytics/clv'
 * const summary = summaryDataFromTransactions(
 *   [
 *     { customer: 'a', at: '2024-01-01', amount: 10 },
 *     { customer: 'a', at: '2024-01-01', amount: 5 }, // same day: merged
 *     { customer: 'a', at: '2024-01-15', amount: 20 },
 *     { customer: 'b', at: '2024-02-01', amount: 8 },
 *   ],
 *   { customerId: 'customer', datetime: 'at', monetary: 'amount', observationEnd: '2024-03-01', timeUnit: 'D' },
 * )
 * // [{ customerId: 'a', frequency: 1, recency: 14, T: 60, monetaryValue: 20 }, { customerId: 'b', frequency: 0, ... }]
 * ```
 */
export function summaryDataFromTransactions<Row>(
  transactions: readonly Row[],
  options: SummaryOptions<Row>,
): CustomerSummary[] {
  const mult = checkMultiplier(options.freqMultiplier)
  const end = periodIndex(toMillis(options.observationEnd, 'observationEnd'), options.timeUnit)
  return bucket(transactions, options, end).map((b) => {
    const periods = [...b.periods.keys()].sort((p, q) => p - q)
    const first = periods[0]!
    const last = periods[periods.length - 1]!
    const summary: CustomerSummary = {
      customerId: b.id,
      frequency: periods.length - 1,
      recency: (last - first) / mult,
      T: (end - first) / mult,
    }
    if (options.monetary !== undefined) {
      let sum = 0
      for (let k = 1; k < periods.length; k++) sum += b.periods.get(periods[k]!)!
      summary.monetaryValue = periods.length > 1 ? sum / (periods.length - 1) : 0
    }
    return summary
  })
}

/** Options of {@link calibrationAndHoldoutData}. */
export interface CalibrationHoldoutOptions<Row> extends SummaryOptions<Row> {
  /** End of the calibration period (inclusive); must be before `observationEnd`. */
  calibrationEnd: Timestamp
}

/** One customer's calibration summary plus what happened in the holdout period. */
export interface CalibrationHoldoutSummary {
  /** The customer's id, as given. */
  customerId: string | number
  /** Repeat purchase periods in the calibration period. */
  frequencyCal: number
  /** Age at the last calibration purchase. */
  recencyCal: number
  /** Age at the end of the calibration period. */
  TCal: number
  /** Mean value of the calibration repeat periods (only with `monetary`). */
  monetaryValueCal?: number
  /** Purchase periods in the holdout period (all count: they are repeat purchases). */
  frequencyHoldout: number
  /** Length of the holdout period. */
  durationHoldout: number
  /** Mean value of the holdout purchase periods; 0 without any (only with `monetary`). */
  monetaryValueHoldout?: number
}

/**
 * Splits transactions into a calibration summary (up to `calibrationEnd`) and holdout counts (after it, up to
 * `observationEnd`), like lifetimes' `calibration_and_holdout_data`. Only customers whose first purchase falls in
 * the calibration period are returned.
 *
 * @param transactions - any rows; fields are picked by `options`
 * @param options - accessors, calibration and observation ends, time unit; see {@link CalibrationHoldoutOptions}
 * @returns one {@link CalibrationHoldoutSummary} per calibration customer
 * @throws AnalyticsError `INVALID_INPUT` for bad input or `calibrationEnd` not before `observationEnd`
 *
 * @example
 * ```ts
 * import { calibrationAndHoldoutData } from '@rapport/analytics/clv'
 * const rows = calibrationAndHoldoutData(orders, {
 *   customerId: 'customerId', datetime: 'date', timeUnit: 'D', freqMultiplier: 7,
 *   calibrationEnd: '1997-09-30', observationEnd: '1998-06-30',
 * })
 * ```
 */
export function calibrationAndHoldoutData<Row>(
  transactions: readonly Row[],
  options: CalibrationHoldoutOptions<Row>,
): CalibrationHoldoutSummary[] {
  const mult = checkMultiplier(options.freqMultiplier)
  const calEnd = periodIndex(toMillis(options.calibrationEnd, 'calibrationEnd'), options.timeUnit)
  const end = periodIndex(toMillis(options.observationEnd, 'observationEnd'), options.timeUnit)
  if (!(calEnd < end)) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      'calibrationEnd must be before observationEnd (in whole periods)',
    )
  }
  const out: CalibrationHoldoutSummary[] = []
  for (const b of bucket(transactions, options, end)) {
    const periods = [...b.periods.keys()].sort((p, q) => p - q)
    const cal = periods.filter((p) => p <= calEnd)
    if (cal.length === 0) continue
    const hold = periods.filter((p) => p > calEnd)
    const first = cal[0]!
    const row: CalibrationHoldoutSummary = {
      customerId: b.id,
      frequencyCal: cal.length - 1,
      recencyCal: (cal[cal.length - 1]! - first) / mult,
      TCal: (calEnd - first) / mult,
      frequencyHoldout: hold.length,
      durationHoldout: (end - calEnd) / mult,
    }
    if (options.monetary !== undefined) {
      let s = 0
      for (let k = 1; k < cal.length; k++) s += b.periods.get(cal[k]!)!
      row.monetaryValueCal = cal.length > 1 ? s / (cal.length - 1) : 0
      let h = 0
      for (const p of hold) h += b.periods.get(p)!
      row.monetaryValueHoldout = hold.length > 0 ? h / hold.length : 0
    }
    out.push(row)
  }
  return out
}
