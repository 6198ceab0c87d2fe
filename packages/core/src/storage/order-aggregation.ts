import type { ModelScope, StorageOperations } from './storage-adapter.js'
import type { StorageFilter, StorageRow } from './storage-filter.js'

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

/** Options of {@link aggregateCustomerOrdersByScan}. */
export interface OrderScanOptions {
  /** Rows per `findMany` page (default 1000). Memory use is one page plus one result per customer. */
  readonly pageSize?: number
}

interface Running {
  customerType: string
  customerId: string
  firstAt: Date | null
  lastAt: Date | null
  orders: number
  total: number
  periods: number
  firstPeriod: number
  lastPeriod: number
  repeatTotal: number
  holdoutOrders: number
  holdoutPeriods: number
  lastHoldoutPeriod: number
  holdoutTotal: number
}

function fresh(customerType: string, customerId: string): Running {
  return {
    customerType,
    customerId,
    firstAt: null,
    lastAt: null,
    orders: 0,
    total: 0,
    periods: 0,
    firstPeriod: 0,
    lastPeriod: 0,
    repeatTotal: 0,
    holdoutOrders: 0,
    holdoutPeriods: 0,
    lastHoldoutPeriod: Number.NaN,
    holdoutTotal: 0,
  }
}

function finish(r: Running): CustomerOrderAggregate | null {
  if (r.orders === 0 || !r.firstAt || !r.lastAt) return null
  return {
    customerType: r.customerType,
    customerId: r.customerId,
    firstAt: r.firstAt,
    lastAt: r.lastAt,
    orders: r.orders,
    total: r.total,
    periods: r.periods,
    firstPeriod: r.firstPeriod,
    lastPeriod: r.lastPeriod,
    repeatTotal: r.repeatTotal,
    holdoutOrders: r.holdoutOrders,
    holdoutPeriods: r.holdoutPeriods,
    holdoutTotal: r.holdoutTotal,
  }
}

/**
 * The generic implementation of {@link StorageOperations.aggregateCustomerOrders} over `findMany`, used by core when
 * an adapter has no aggregation of its own, and usable by custom adapters. It streams the orders in pages sorted by
 * customer, then time (a keyset over `customerType, customerId, occurredAt, id`, served by the order model's
 * `by_customer_occurred` index), so it holds one page plus one running total per customer and never the whole
 * table. Results come back sorted by `customerType`, then `customerId` (code unit order).
 *
 * @example
 * ```ts
 * const rows = await aggregateCustomerOrdersByScan(storage, { model, schema, tenantId, where, fields, unit: 'week', calibrationEnd: asOf })
 * ```
 */
export async function aggregateCustomerOrdersByScan(
  ops: Pick<StorageOperations, 'findMany'>,
  args: AggregateCustomerOrdersArgs,
  options: OrderScanOptions = {},
): Promise<CustomerOrderAggregate[]> {
  const pageSize = options.pageSize ?? 1000
  const { fields, unit } = args
  const calEnd = args.calibrationEnd.getTime()
  const refs = {
    type: { field: fields.customerType, type: 'string' },
    id: { field: fields.customerId, type: 'string' },
    at: { field: fields.occurredAt, type: 'datetime' },
    key: { field: 'id', type: 'string' },
  } as const
  const orderBy = [refs.type, refs.id, refs.at, refs.key].map((ref) => ({ ref, direction: 'asc' as const }))
  const out: CustomerOrderAggregate[] = []
  let current: Running | null = null
  let after: StorageRow | null = null
  for (;;) {
    const where: StorageFilter = after
      ? { kind: 'and', filters: [args.where, keysetAfter(after)] }
      : args.where
    const rows = await ops.findMany({
      model: args.model,
      tenantId: args.tenantId,
      schema: args.schema,
      where,
      orderBy,
      limit: pageSize,
    })
    for (const row of rows) {
      const customerType = row[fields.customerType] as string
      const customerId = row[fields.customerId] as string
      if (!current || current.customerType !== customerType || current.customerId !== customerId) {
        const done = current && finish(current)
        if (done) out.push(done)
        current = fresh(customerType, customerId)
      }
      const at = row[fields.occurredAt] as Date
      const amount = Number(row[fields.amount] ?? 0)
      const ms = at.getTime()
      const period = orderPeriodIndex(ms, unit)
      if (ms <= calEnd) {
        if (current.orders === 0) {
          current.firstAt = at
          current.firstPeriod = period
          current.lastPeriod = period
          current.periods = 1
        } else if (period !== current.lastPeriod) {
          current.periods += 1
          current.lastPeriod = period
        }
        if (period !== current.firstPeriod) current.repeatTotal += amount
        current.lastAt = at
        current.orders += 1
        current.total += amount
      } else {
        if (period !== current.lastHoldoutPeriod) {
          current.holdoutPeriods += 1
          current.lastHoldoutPeriod = period
        }
        current.holdoutOrders += 1
        current.holdoutTotal += amount
      }
    }
    const last = rows.at(-1)
    if (rows.length < pageSize || !last) break
    after = last
  }
  const done = current && finish(current)
  if (done) out.push(done)
  return out

  function keysetAfter(row: StorageRow): StorageFilter {
    const keys = [refs.type, refs.id, refs.at, refs.key]
    const branches: StorageFilter[] = keys.map((ref, i) => ({
      kind: 'and',
      filters: [
        ...keys.slice(0, i).map(
          (prev): StorageFilter => ({
            kind: 'compare',
            ref: prev,
            op: 'eq',
            value: row[prev.field] ?? null,
          }),
        ),
        { kind: 'compare', ref, op: 'gt', value: row[ref.field] ?? null },
      ],
    }))
    return { kind: 'or', filters: branches }
  }
}
