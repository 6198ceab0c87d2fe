import type {
  AggregateCustomerOrdersArgs,
  CustomerOrderAggregate,
  OrderAggregationFields,
  OrderPeriodUnit,
} from '../../storage/order-aggregation.js'
import { aggregateCustomerOrdersByScan } from '../../storage/order-aggregation-scan.js'
import type { StorageFilter, StorageRow } from '../../storage/storage-filter.js'
import { checkEqual } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { createMemoryStorage } from '../memory-storage.js'
import { and, cmp, createAll } from './suite-helpers.js'

const fields: OrderAggregationFields = {
  customerType: 'customerType',
  customerId: 'customerId',
  occurredAt: 'occurredAt',
  amount: 'amountMinor',
}

const at = (iso: string) => new Date(`${iso}Z`)

/** Purchases of four customers across days, ISO weeks and months, a few refunded, two types sharing an id. */
function purchases(ctx: ConformanceContext, tenantId = ctx.tenantId): StorageRow[] {
  const spec: [string, string, string, number, string?][] = [
    ['contact', 'con_a', '2024-01-01T09:00:00', 1200],
    ['contact', 'con_a', '2024-01-01T18:30:00', 800],
    ['contact', 'con_a', '2024-01-07T23:59:59.999', 500],
    ['contact', 'con_a', '2024-01-08T00:00:00', 700],
    ['contact', 'con_a', '2024-02-29T12:00:00', 2500],
    ['contact', 'con_a', '2024-04-02T08:00:00', 990],
    ['contact', 'con_b', '2023-12-31T23:59:59', 100],
    ['contact', 'con_b', '2024-03-15T10:00:00', 4000, 'refunded'],
    ['contact', 'con_b', '2024-05-20T10:00:00', 300],
    ['company', 'con_a', '2024-01-03T10:00:00', 99_999],
    ['company', 'cmp_x', '2024-03-31T23:59:59', 5],
    ['company', 'cmp_x', '2024-04-01T00:00:00', 6],
    ['contact', 'con_late', '2024-06-01T00:00:00', 42],
  ]
  return spec.map(([customerType, customerId, when, amountMinor, status]) =>
    ctx.factories.purchase(
      { customerType, customerId, occurredAt: at(when), amountMinor, status: status ?? 'paid' },
      tenantId,
    ),
  )
}

const byCustomer = (a: CustomerOrderAggregate, b: CustomerOrderAggregate) =>
  `${a.customerType}\u0000${a.customerId}` < `${b.customerType}\u0000${b.customerId}` ? -1 : 1

/**
 * The reference: core's scan over the reference in-memory adapter holding exactly the seeded rows. It depends on
 * nothing the adapter under test does, so it catches a wrong grouping in the database and a wrong `findMany` alike.
 */
async function reference(
  seeded: Readonly<Record<string, readonly StorageRow[]>>,
  args: AggregateCustomerOrdersArgs,
) {
  const memory = createMemoryStorage()
  await memory.migrations.apply(args.schema)
  for (const [tenantId, rows] of Object.entries(seeded)) {
    if (rows.length > 0) await memory.createMany({ ...args, tenantId, data: rows })
  }
  return [...(await aggregateCustomerOrdersByScan(memory, args))].sort(byCustomer)
}

/**
 * What the CRM gets from this adapter, sorted: its own `aggregateCustomerOrders()` when it declares
 * `capabilities.orderAggregation`, otherwise core's fallback, which scans the adapter's `findMany` pages. Either way it
 * must equal the reference, so an adapter without the capability is tested, not skipped.
 */
async function compare(
  ctx: ConformanceContext,
  seeded: Readonly<Record<string, readonly StorageRow[]>>,
  args: AggregateCustomerOrdersArgs,
  label: string,
) {
  const aggregate = ctx.storage.capabilities.orderAggregation
    ? ctx.storage.aggregateCustomerOrders
    : undefined
  const actual = [
    ...(await (aggregate
      ? aggregate.call(ctx.storage, args)
      : aggregateCustomerOrdersByScan(ctx.storage, args))),
  ].sort(byCustomer)
  checkEqual(actual, await reference(seeded, args), label)
  return actual
}

/**
 * `aggregateCustomerOrders()`: per-customer order summaries grouped in the database must equal core's reference scan
 * exactly (periods, calibration/holdout split, repeat totals), and never include another tenant's orders.
 */
export const orderAggregationSuite: ConformanceSuite = {
  name: 'order-aggregation',
  description:
    'aggregateCustomerOrders() (or core’s scan fallback) equals the reference and stays in its tenant',
  tests: {
    'equals the reference scan for every period unit, calibration split and filter': async (ctx) => {
      const seeded = { [ctx.tenantId]: purchases(ctx) }
      await createAll(ctx, 'purchase', seeded[ctx.tenantId]!)
      const scope = ctx.scope('purchase')
      const paid = cmp('status', 'eq', 'paid', 'purchase')
      const filters: [string, StorageFilter][] = [
        ['every order', { kind: 'const', value: true }],
        ['paid orders', paid],
        ['paid contact orders', and(paid, cmp('customerType', 'eq', 'contact', 'purchase'))],
      ]
      for (const unit of ['day', 'week', 'month'] as OrderPeriodUnit[]) {
        for (const calibrationEnd of [at('2024-03-01T00:00:00'), at('2024-12-31T00:00:00')]) {
          for (const [name, where] of filters) {
            await compare(
              ctx,
              seeded,
              { ...scope, where, fields, unit, calibrationEnd },
              `${name}, unit ${unit}, calibration until ${calibrationEnd.toISOString()}`,
            )
          }
        }
      }
      const none = await compare(
        ctx,
        seeded,
        {
          ...scope,
          where: cmp('customerId', 'eq', 'nobody', 'purchase'),
          fields,
          unit: 'day',
          calibrationEnd: at('2025-01-01T00:00:00'),
        },
        'no matching orders',
      )
      checkEqual(none, [], 'no matching orders, no customers')
    },

    'never counts orders of another tenant, even for the same customer id': async (ctx) => {
      const other = ctx.newTenantId()
      const mine = purchases(ctx).filter(
        (row) => row['customerId'] === 'con_a' && row['customerType'] === 'contact',
      )
      const theirs = purchases(ctx, other)
      await createAll(ctx, 'purchase', mine)
      await createAll(ctx, 'purchase', theirs, other)
      const scope = ctx.scope('purchase')
      const result = await compare(
        ctx,
        { [ctx.tenantId]: mine, [other]: theirs },
        {
          ...scope,
          where: { kind: 'const', value: true },
          fields,
          unit: 'month',
          calibrationEnd: at('2025-01-01T00:00:00'),
        },
        'one tenant’s aggregation',
      )
      checkEqual(
        result.map((r) => [r.customerType, r.customerId, r.orders, r.total]),
        [['contact', 'con_a', mine.length, mine.reduce((sum, row) => sum + Number(row['amountMinor']), 0)]],
        'only this tenant’s customer, with only this tenant’s orders',
      )
    },
  },
}
