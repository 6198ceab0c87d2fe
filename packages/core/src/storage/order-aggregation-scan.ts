import { keysetAfter } from './keyset-after.js'
import type { AggregateCustomerOrdersArgs, CustomerOrderAggregate } from './order-aggregation.js'
import { orderPeriodIndex } from './order-aggregation.js'
import type { StorageOperations } from './storage-adapter.js'
import type { StorageFilter, StorageValue } from './storage-filter.js'

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
 * `by_customer_occurred_amount` index, which also holds every field the scan reads or filters by, so a SQL engine
 * answers each page from the index alone), reading only the fields it needs. It holds one page, the running total
 * of the current customer and the finished summaries, never the orders. Results come back sorted by
 * `customerType`, then `customerId` (code unit order). SQLite's adapter answers order summaries this way.
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
  // Only the fields the summary reads: an adapter with a covering index then answers from the index alone.
  const readFields = [fields.customerType, fields.customerId, fields.occurredAt, fields.amount, 'id']
  const out: CustomerOrderAggregate[] = []
  let current: Running | null = null
  // The first page also starts after a position, one before every order (no order has an empty customer type, so
  // the date is never compared), so every page is the same row-value range over the customer index: without it, a
  // planner lacking statistics served the first page from the `occurredAt` index and sorted every order of the tenant.
  let after: readonly StorageValue[] = ['', '', new Date(0), '']
  for (;;) {
    const where: StorageFilter = { kind: 'and', filters: [args.where, keysetAfter(orderBy, after)] }
    const rows = await ops.findMany({
      model: args.model,
      tenantId: args.tenantId,
      schema: args.schema,
      where,
      orderBy,
      limit: pageSize,
      fields: readFields,
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
    after = [
      last[fields.customerType] ?? null,
      last[fields.customerId] ?? null,
      last[fields.occurredAt] ?? null,
      last['id'] ?? null,
    ]
  }
  const done = current && finish(current)
  if (done) out.push(done)
  return out
}
