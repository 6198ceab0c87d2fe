import { createCrm, definePlugin } from '@rapport/core'
import type {
  AggregateCustomerOrdersArgs,
  CustomerOrderAggregate,
  OrderPeriodUnit,
  StorageAdapter,
  StorageFilter,
  StorageRow,
  StorageSchema,
} from '@rapport/core/storage'
import { aggregateCustomerOrdersByScan } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

const DAY = 86_400_000
// Around the epoch (negative instants exercise floor division), and a month/week boundary in 2024.
const ANCHORS = [Date.UTC(1969, 11, 20), Date.UTC(2024, 1, 26)]

let schema: StorageSchema
let backend: PgTestBackend
let postgres: PostgresStorage
const sqlite = createSqliteStorage({ file: ':memory:' })
const memory = createMemoryStorage()

beforeAll(async () => {
  const probe = definePlugin({ id: 'probe', api: (ctx) => ctx.schema })
  schema = createCrm({ storage: memory, plugins: [probe] as const }).plugins.probe
  backend = await openTestBackend('orders')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  for (const storage of [memory, sqlite, postgres]) await storage.migrations.apply(schema)
})

afterAll(async () => {
  for (const storage of [memory, sqlite, postgres]) await storage?.close()
  await backend?.dispose()
})

const orderArb = fc.record({
  customer: fc.integer({ min: 0, max: 6 }),
  anchor: fc.constantFrom(...ANCHORS),
  offset: fc.integer({ min: -40 * DAY, max: 40 * DAY }),
  edge: fc.constantFrom(0, 1, -1, DAY / 2),
  amount: fc.integer({ min: -10_000, max: 1_000_000 }),
  status: fc.constantFrom('completed', 'completed', 'refunded'),
  currency: fc.constantFrom('EUR', 'EUR', 'USD'),
  archived: fc.constantFrom(false, false, false, true),
})

function sortRows(rows: CustomerOrderAggregate[]): CustomerOrderAggregate[] {
  return [...rows].sort((a, b) =>
    `${a.customerType}|${a.customerId}` < `${b.customerType}|${b.customerId}` ? -1 : 1,
  )
}

let run = 0

describe('order aggregation: memory scan, SQLite scan and Postgres agree', () => {
  it('Postgres aggregates inside the database; SQLite is served by core’s scan over its covering index', () => {
    expect(postgres.capabilities.orderAggregation).toBe(true)
    expect(typeof postgres.aggregateCustomerOrders).toBe('function')
    expect(sqlite.capabilities.orderAggregation).toBeFalsy()
    expect(sqlite.aggregateCustomerOrders).toBeUndefined()
  })

  it('gives identical per-customer summaries on random orders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<OrderPeriodUnit>('day', 'week', 'month'),
        fc.constantFrom(...ANCHORS),
        fc.integer({ min: -30, max: 45 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        async (orders, unit, anchor, asOfDays, splitDays) => {
          run++
          const tenantId = `orders_${run}`
          const now = new Date(0)
          const rows: StorageRow[] = orders.map((o, i) => ({
            id: `ord_${String(i).padStart(4, '0')}`,
            tenantId,
            createdAt: now,
            updatedAt: now,
            version: 1,
            archivedAt: o.archived ? now : null,
            customerType: o.customer % 3 === 0 ? 'company' : 'contact',
            customerId: `${o.customer % 3 === 0 ? 'com' : 'con'}_${o.customer}`,
            occurredAt: new Date(o.anchor + o.offset + o.edge),
            amountMinor: o.amount,
            amountCurrency: o.currency,
            status: o.status,
            externalId: null,
            custom: {},
          }))
          const model = schema.models['order']!
          for (const storage of [memory, sqlite, postgres] as StorageAdapter[]) {
            await storage.createMany({ model, tenantId, schema, data: rows })
          }
          const asOf = new Date(anchor + asOfDays * DAY + DAY / 3)
          const calibrationEnd = splitDays === undefined ? asOf : new Date(asOf.getTime() - splitDays * DAY)
          const where: StorageFilter = {
            kind: 'and',
            filters: [
              { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
              { kind: 'compare', ref: { field: 'amountCurrency', type: 'string' }, op: 'eq', value: 'EUR' },
              { kind: 'in', ref: { field: 'status', type: 'string' }, values: ['completed'], negate: false },
              { kind: 'compare', ref: { field: 'occurredAt', type: 'datetime' }, op: 'lte', value: asOf },
            ],
          }
          const args: AggregateCustomerOrdersArgs = {
            model,
            tenantId,
            schema,
            where,
            fields: {
              customerType: 'customerType',
              customerId: 'customerId',
              occurredAt: 'occurredAt',
              amount: 'amountMinor',
            },
            unit,
            calibrationEnd,
          }
          const expected = sortRows(await aggregateCustomerOrdersByScan(memory, args, { pageSize: 7 }))
          // SQLite's path, in pages small enough that a customer's orders straddle pages.
          expect(sortRows(await aggregateCustomerOrdersByScan(sqlite, args, { pageSize: 3 }))).toEqual(
            expected,
          )
          expect(sortRows(await postgres.aggregateCustomerOrders!(args))).toEqual(expected)
        },
      ),
      { numRuns: 40 },
    )
  }, 300_000)
})
