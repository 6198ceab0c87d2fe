import type { ModelScope } from './model-definition.js'
import type { StorageFilter } from './storage-filter.js'

/**
 * How orders are bucketed into purchase periods (UTC): `day`, `week` (Monday to Sunday, ISO weeks) or calendar
 * `month`. Several orders in one period count as one purchase period, as in the BTYD literature.
 */
export type OrderPeriodUnit = 'day' | 'week' | 'month'

/** Which columns of the order model play which role in {@link AggregateCustomerOrdersArgs}. */
export interface OrderAggregationFields {
  /** The customer kind column (`string`), e.g. `customerType`. */
  readonly customerType: string
  /** The customer id column (`string`), e.g. `customerId`. */
  readonly customerId: string
  /** When the order happened (`datetime`), e.g. `occurredAt`. */
  readonly occurredAt: string
  /** The order value as an `integer` (minor units), e.g. `amountMinor`. */
  readonly amount: string
}

/**
 * Arguments of {@link StorageOperations.aggregateCustomerOrders}. `where` already holds every restriction (tenant
 * aside): status, currency, customer type, archived rows, `occurredAt <= asOf`, the caller's filter and plugin
 * scopes. The adapter only groups.
 */
export interface AggregateCustomerOrdersArgs extends ModelScope {
  /** The orders to aggregate (every restriction is in here). */
  readonly where: StorageFilter
  /** The columns to read. */
  readonly fields: OrderAggregationFields
  /** The purchase period; see {@link orderPeriodIndex} for the exact bucketing every adapter must reproduce. */
  readonly unit: OrderPeriodUnit
  /**
   * Orders with `occurredAt <= calibrationEnd` are calibration orders, later ones holdout orders. Customers without a
   * calibration order are left out. Core passes `asOf` when the caller asked for no split (no holdout orders then).
   */
  readonly calibrationEnd: Date
}

/**
 * One customer's orders, aggregated. "Calibration" means `occurredAt <= calibrationEnd`; "holdout" the rest. Every
 * count and sum covers calibration orders only unless its name says holdout.
 */
export interface CustomerOrderAggregate {
  /** The customer kind, e.g. `contact`. */
  readonly customerType: string
  /** The customer id. */
  readonly customerId: string
  /** The earliest calibration order. */
  readonly firstAt: Date
  /** The latest calibration order. */
  readonly lastAt: Date
  /** Number of calibration orders (≥ 1). */
  readonly orders: number
  /** Sum of the calibration order amounts. */
  readonly total: number
  /** Number of distinct calibration purchase periods (≥ 1). */
  readonly periods: number
  /** {@link orderPeriodIndex} of the first calibration order. */
  readonly firstPeriod: number
  /** {@link orderPeriodIndex} of the last calibration order. */
  readonly lastPeriod: number
  /** Sum of the calibration amounts outside the first period (the repeat purchases). */
  readonly repeatTotal: number
  /** Number of holdout orders. */
  readonly holdoutOrders: number
  /** Number of distinct periods of the holdout orders. */
  readonly holdoutPeriods: number
  /** Sum of the holdout order amounts. */
  readonly holdoutTotal: number
}

const DAY_MS = 86_400_000

/**
 * The index of the UTC period holding the instant `ms`: days since 1970-01-01 (`day`), Monday-based weeks since the
 * week of 1970-01-01 (`week`: `floor((day + 3) / 7)`), or `year * 12 + month - 1` (`month`). The same numbering as
 * `@rapport/analytics`' `periodIndex` for `'D'`, `'W'` and `'M'`; SQL adapters must compute exactly these integers.
 *
 * @example
 * ```ts
 * orderPeriodIndex(Date.UTC(1970, 0, 5), 'week') // 1 (Monday 1970-01-05 starts week 1)
 * ```
 */
export function orderPeriodIndex(ms: number, unit: OrderPeriodUnit): number {
  const day = Math.floor(ms / DAY_MS)
  switch (unit) {
    case 'day':
      return day
    case 'week':
      return Math.floor((day + 3) / 7)
    case 'month': {
      const d = new Date(ms)
      return d.getUTCFullYear() * 12 + d.getUTCMonth()
    }
  }
}
