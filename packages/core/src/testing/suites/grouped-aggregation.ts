import type { AggregateGroupRow, AggregateRowsArgs } from '../../storage/grouped-aggregation.js'
import { aggregateRowsByScan, sortGroups } from '../../storage/grouped-aggregation-scan.js'
import type { StorageFilter, StorageRow } from '../../storage/storage-filter.js'
import { checkEqual } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { createMemoryStorage } from '../memory-storage.js'
import { seedFilterDataset } from './filter-dataset.js'
import { cmp, createAll, exists, not } from './suite-helpers.js'

const at = (iso: string) => new Date(`${iso}Z`)

function purchases(ctx: ConformanceContext, tenantId = ctx.tenantId): StorageRow[] {
  const spec: [string, string, string, number, string][] = [
    ['contact', 'con_a', '2024-01-01T09:00:00', 1200, 'paid'],
    ['contact', 'con_a', '2024-01-31T23:59:59.999', 800, 'paid'],
    ['contact', 'con_b', '2024-02-01T00:00:00', 500, 'refunded'],
    ['company', 'cmp_x', '2024-03-15T10:00:00', 9_007_199_254, 'paid'],
    ['company', 'cmp_x', '2024-03-15T10:00:00', 6, 'open'],
    ['company', 'cmp_y', '2023-12-31T23:59:59', 0, 'open'],
  ]
  return spec.map(([customerType, customerId, when, amountMinor, status]) =>
    ctx.factories.purchase({ customerType, customerId, occurredAt: at(when), amountMinor, status }, tenantId),
  )
}

async function reference(seeded: Readonly<Record<string, readonly StorageRow[]>>, args: AggregateRowsArgs) {
  const memory = createMemoryStorage()
  await memory.migrations.apply(args.schema)
  for (const [tenantId, rows] of Object.entries(seeded)) {
    if (rows.length > 0) await memory.createMany({ ...args, tenantId, data: rows })
  }
  return aggregateRowsByScan(memory, args, { pageSize: 2 })
}

/** The adapter's own `aggregate()` when it declares `capabilities.aggregation`, else core's scan over its pages. */
async function compare(
  ctx: ConformanceContext,
  seeded: Readonly<Record<string, readonly StorageRow[]>>,
  args: AggregateRowsArgs,
  label: string,
): Promise<AggregateGroupRow[]> {
  const native = ctx.storage.capabilities.aggregation ? ctx.storage.aggregate : undefined
  const actual = sortGroups([
    ...(await (native ? native.call(ctx.storage, args) : aggregateRowsByScan(ctx.storage, args))),
  ])
  checkEqual(actual, await reference(seeded, args), label)
  return actual
}

const amount = { field: 'amountMinor', type: 'integer' } as const
const ALL: StorageFilter = { kind: 'const', value: true }

/**
 * `aggregate()`: grouped counts and integer sums (field keys, `case` buckets, no keys) must equal core's reference
 * scan exactly, and never include another tenant's rows.
 */
export const groupedAggregationSuite: ConformanceSuite = {
  name: 'grouped-aggregation',
  description: 'aggregate() (or core’s scan fallback) equals the reference and stays in its tenant',
  tests: {
    'equals the reference scan for field keys, buckets and totals': async (ctx) => {
      const seeded = { [ctx.tenantId]: purchases(ctx) }
      await createAll(ctx, 'purchase', seeded[ctx.tenantId]!)
      const scope = ctx.scope('purchase')
      const months: StorageFilter[] = [
        '2024-03-01T00:00:00',
        '2024-02-01T00:00:00',
        '2024-01-01T00:00:00',
      ].map((start) => cmp('occurredAt', 'gte', at(start), 'purchase'))
      const measures = [{ kind: 'count' } as const, { kind: 'sum', ref: amount } as const]
      const grouped = await compare(
        ctx,
        seeded,
        {
          ...scope,
          where: ALL,
          groupBy: [
            { kind: 'field', ref: { field: 'customerType', type: 'string' } },
            { kind: 'case', cases: months },
          ],
          measures,
        },
        'by customer type and month bucket',
      )
      checkEqual(
        grouped.map((g) => [...g.keys, ...g.values]),
        [
          ['company', 0, 2, 9_007_199_260],
          ['company', 3, 1, 0],
          ['contact', 1, 1, 500],
          ['contact', 2, 2, 2000],
        ],
        'the expected groups',
      )
      await compare(
        ctx,
        seeded,
        {
          ...scope,
          where: cmp('status', 'ne', 'refunded', 'purchase'),
          groupBy: [
            { kind: 'field', ref: { field: 'status', type: 'string' } },
            { kind: 'field', ref: { field: 'occurredAt', type: 'datetime' } },
          ],
          measures: [{ kind: 'sum', ref: amount }],
        },
        'by status and instant, refunds left out',
      )
      const totals = await compare(ctx, seeded, { ...scope, where: ALL, groupBy: [], measures }, 'totals')
      checkEqual(totals, [{ keys: [], values: [6, 9_007_201_760] }], 'one total group')
      const none = await compare(
        ctx,
        seeded,
        { ...scope, where: cmp('status', 'eq', 'nothing', 'purchase'), groupBy: [], measures },
        'totals of nothing',
      )
      checkEqual(none, [{ keys: [], values: [0, 0] }], 'zeros when nothing matches')
      const noGroups = await compare(
        ctx,
        seeded,
        {
          ...scope,
          where: cmp('status', 'eq', 'nothing', 'purchase'),
          groupBy: [{ kind: 'case', cases: months }],
          measures,
        },
        'groups of nothing',
      )
      checkEqual(noGroups, [], 'no groups when nothing matches')
    },

    'exists in the filter and in buckets counts what the filter selects': async (ctx) => {
      // Adapters may compile an aggregate's `exists` differently from a page's (an uncorrelated `in` rather than a
      // correlated `exists`); the rows counted must stay exactly the rows the filter selects, nulls and dangling ids
      // included, negated or not.
      const { person, org } = await seedFilterDataset(ctx)
      const orgOf = (r: StorageRow) => org.find((o) => o['id'] === r['orgId'])
      const mentorOf = (r: StorageRow) => person.find((m) => m['id'] === r['mentorId'])
      const acme = exists('person', 'org', cmp('name', 'eq', 'Acme', 'org'))
      const cases: [string, 'person' | 'org', StorageFilter, number][] = [
        ['belongsTo', 'person', acme, person.filter((r) => orgOf(r)?.['name'] === 'Acme').length],
        ['not belongsTo', 'person', not(acme), person.filter((r) => orgOf(r)?.['name'] !== 'Acme').length],
        [
          'nested self relation with dangling ids',
          'person',
          exists('person', 'mentor', exists('person', 'mentor')),
          person.filter((r) => {
            const mentor = mentorOf(r)
            return mentor !== undefined && mentorOf(mentor) !== undefined
          }).length,
        ],
        [
          'not exists mentor',
          'person',
          not(exists('person', 'mentor')),
          person.filter((r) => !mentorOf(r)).length,
        ],
        [
          'hasMany',
          'org',
          exists('org', 'people', cmp('age', 'gte', 18)),
          org.filter((o) =>
            person.some((p) => p['orgId'] === o['id'] && typeof p['age'] === 'number' && p['age'] >= 18),
          ).length,
        ],
        [
          'not hasMany',
          'org',
          not(exists('org', 'people')),
          org.filter((o) => !person.some((p) => p['orgId'] === o['id'])).length,
        ],
      ]
      const native = ctx.storage.capabilities.aggregation ? ctx.storage.aggregate : undefined
      const aggregate = (args: AggregateRowsArgs): Promise<AggregateGroupRow[]> =>
        native ? native.call(ctx.storage, args) : aggregateRowsByScan(ctx.storage, args)
      for (const [label, model, filter, expected] of cases) {
        const total = model === 'person' ? person.length : org.length
        const scope = ctx.scope(model)
        const counted = await aggregate({
          ...scope,
          where: filter,
          groupBy: [],
          measures: [{ kind: 'count' }],
        })
        checkEqual(counted, [{ keys: [], values: [expected] }], `${label}: where`)
        const buckets: AggregateGroupRow[] = sortGroups([
          ...(await aggregate({
            ...scope,
            where: ALL,
            groupBy: [{ kind: 'case', cases: [filter] }],
            measures: [{ kind: 'count' }],
          })),
        ])
        checkEqual(
          buckets,
          [
            { keys: [0], values: [expected] },
            { keys: [1], values: [total - expected] },
          ].filter((g) => g.values[0] !== 0),
          `${label}: bucket`,
        )
      }
    },

    'never counts rows of another tenant': async (ctx) => {
      const other = ctx.newTenantId()
      const mine = purchases(ctx).slice(0, 2)
      const theirs = purchases(ctx, other)
      await createAll(ctx, 'purchase', mine)
      await createAll(ctx, 'purchase', theirs, other)
      const result = await compare(
        ctx,
        { [ctx.tenantId]: mine, [other]: theirs },
        { ...ctx.scope('purchase'), where: ALL, groupBy: [], measures: [{ kind: 'sum', ref: amount }] },
        'one tenant’s totals',
      )
      checkEqual(result, [{ keys: [], values: [2000] }], 'only this tenant’s rows')
    },
  },
}
