import type { Crm, CrmServices } from '@rapport/core'
import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The `count` filter (number of related records) differentially: on random contacts with random orders (a direct
 * relation) and activities (through record links), random count filters select the same contacts, and count the
 * same, on memory, SQLite and Postgres; on every adapter an access scope on orders hides the same orders from the
 * count, and a malformed count is INVALID_FILTER.
 */

/** Access: orders of 9,000 minor units or more are outside everyone's access. */
const hideBigOrders = definePlugin({
  id: 'hide-big-orders',
  access: {
    scope: ({ entity, action }) =>
      entity === 'order' && action === 'read'
        ? { field: 'amount.amountMinor', op: 'lt', value: 9_000 }
        : null,
  },
})

const T0 = Date.parse('2026-02-01T00:00:00.000Z')
const day = (n: number) => new Date(T0 + n * 86_400_000)
const statuses = ['completed', 'canceled', 'pending'] as const
const amounts = [1_000, 5_000, 9_000, 12_000] as const

const orderArbitrary = fc.record({
  day: fc.integer({ min: 0, max: 40 }),
  status: fc.constantFrom(...statuses),
  amount: fc.constantFrom(...amounts),
})
const datasetArbitrary = fc.record({
  contacts: fc.array(
    fc.record({
      vip: fc.boolean(),
      orders: fc.array(orderArbitrary, { maxLength: 5 }),
    }),
    { minLength: 1, maxLength: 7 },
  ),
  // Each activity concerns a set of contacts (by index) through record links.
  activities: fc.array(
    fc.record({
      type: fc.constantFrom('call', 'email'),
      who: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 8 },
  ),
})

const orderWhere = fc.constantFrom<Filter | undefined>(
  undefined,
  { field: 'status', op: 'eq', value: 'completed' },
  { field: 'occurredAt', op: 'gte', value: day(20).toISOString() },
  {
    and: [
      { field: 'status', op: 'ne', value: 'canceled' },
      { field: 'occurredAt', op: 'lt', value: day(30).toISOString() },
    ],
  },
  { field: 'amount.amountMinor', op: 'gte', value: 5_000 },
)
const activityWhere = fc.constantFrom<Filter | undefined>(undefined, {
  field: 'type',
  op: 'eq',
  value: 'call',
})
const countOp = fc.oneof(
  fc.record({
    op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte' as const),
    value: fc.integer({ min: 0, max: 3 }),
  }),
  fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }))
    .map(([from, width]) => ({ op: 'between' as const, value: [from, from + width] as [number, number] })),
)
const countFilter: fc.Arbitrary<Filter> = fc.oneof(
  fc
    .tuple(orderWhere, countOp)
    .map(([where, c]) => ({ count: 'orders', ...(where ? { where } : {}), ...c }) as Filter),
  fc
    .tuple(activityWhere, countOp)
    .map(([where, c]) => ({ count: 'activities', ...(where ? { where } : {}), ...c }) as Filter),
)
const filterArbitrary: fc.Arbitrary<Filter> = fc.oneof(
  countFilter,
  countFilter.map((f) => ({ not: f })),
  fc
    .tuple(countFilter, fc.boolean())
    .map(([f, vip]): Filter => ({ and: [f, { field: 'ownerId', op: vip ? 'eq' : 'ne', value: 'usr_vip' }] })),
  fc.tuple(countFilter, countFilter).map(([a, b]) => ({ or: [a, b] })),
)

let backend: PgTestBackend
const crms: Record<string, Crm> = {}
const clock = new Date(T0)

beforeAll(async () => {
  backend = await openTestBackend('count_filter')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) {
    crms[name] = createCrm({ storage, clock: () => clock, plugins: [hideBigOrders] })
    await crms[name].migrate()
  }
}, 120_000)

afterAll(async () => {
  for (const crm of Object.values(crms)) await crm.storage.close()
  await backend?.dispose()
})

/** Writes one dataset into `tenantId` on a CRM; returns the contact ids by index. */
async function seed(
  crm: CrmServices,
  data: typeof datasetArbitrary extends fc.Arbitrary<infer D> ? D : never,
) {
  const ids: string[] = []
  for (const [i, c] of data.contacts.entries()) {
    const contact = await crm.contacts.create({ firstName: `c${i}`, ownerId: c.vip ? 'usr_vip' : 'usr_std' })
    ids.push(contact.id)
    for (const o of c.orders) {
      await crm.orders.create({
        customerType: 'contact',
        customerId: contact.id,
        occurredAt: day(o.day),
        amount: { amountMinor: o.amount, currency: 'EUR' },
        status: o.status,
      })
    }
  }
  for (const a of data.activities) {
    const targets = a.who
      .filter((i) => i < ids.length)
      .map((i) => ({ type: 'contact' as const, id: ids[i]! }))
    if (targets.length === 0) continue
    await crm.activities.create({ type: a.type, subject: a.type, occurredAt: day(1), targets })
  }
  return ids
}

let run = 0

describe('the count filter on memory, SQLite and Postgres', () => {
  it('selects and counts the same contacts everywhere (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        datasetArbitrary,
        fc.array(filterArbitrary, { minLength: 1, maxLength: 5 }),
        async (data, filters) => {
          const tenantId = `ten_count_${++run}`
          for (const crm of Object.values(crms)) await seed(crm.scoped({ tenantId }), data)
          for (const where of filters) {
            const results: Record<string, { ids: string[]; count: number; aggregated: number }> = {}
            for (const [name, crm] of Object.entries(crms)) {
              const scoped = crm.scoped({ tenantId })
              const page = await scoped.contacts.list({ where, limit: 100 })
              results[name] = {
                ids: page.items.map((c) => c.firstName ?? '').sort(),
                count: await scoped.contacts.count({ where }),
                // An aggregate reads every row, so the SQL adapters group the related rows once instead of probing.
                aggregated:
                  (await scoped.contacts.aggregate({ where, measures: { n: { count: true } } })).groups[0]
                    ?.values['n'] ?? 0,
              }
            }
            expect(results['sqlite'], JSON.stringify(where)).toEqual(results['memory'])
            expect(results['postgres'], JSON.stringify(where)).toEqual(results['memory'])
            expect(results['memory']!.count).toBe(results['memory']!.ids.length)
            expect(results['memory']!.aggregated).toBe(results['memory']!.ids.length)
          }
        },
      ),
      { numRuns: 20 },
    )
  }, 300_000)

  it('counts only the related records the caller may see', async () => {
    for (const crm of Object.values(crms)) {
      const scoped = crm.scoped({ tenantId: 'ten_count_scope' })
      const ada = await scoped.contacts.create({ firstName: 'Ada' })
      const bob = await scoped.contacts.create({ firstName: 'Bob' })
      for (const amount of [1_000, 5_000, 12_000]) {
        await scoped.orders.create({
          customerType: 'contact',
          customerId: ada.id,
          occurredAt: day(1),
          amount: { amountMinor: amount, currency: 'EUR' },
        })
      }
      await scoped.orders.create({
        customerType: 'contact',
        customerId: bob.id,
        occurredAt: day(2),
        amount: { amountMinor: 12_000, currency: 'EUR' },
      })
      const names = async (where: Filter) =>
        (await scoped.contacts.list({ where })).items.map((c) => c.firstName).sort()
      // Ada has three orders, one of them hidden: she has two, not three; Bob's only order is hidden.
      expect(await names({ count: 'orders', op: 'gte', value: 3 })).toEqual([])
      expect(await names({ count: 'orders', op: 'eq', value: 2 })).toEqual(['Ada'])
      expect(await names({ count: 'orders', op: 'eq', value: 0 })).toEqual(['Bob'])
      expect(await scoped.contacts.count({ where: { count: 'orders', op: 'between', value: [1, 2] } })).toBe(
        1,
      )
      expect(
        await names({
          count: 'orders',
          where: { field: 'amount.amountMinor', op: 'gte', value: 5_000 },
          op: 'eq',
          value: 1,
        }),
      ).toEqual(['Ada'])
    }
  })

  it('refuses a malformed count with INVALID_FILTER on every adapter and writes nothing', async () => {
    // The related scope joins `where` (as for `exists`), so a bad field inside it may sit under `where.and[0]`.
    const bad: [unknown, string | RegExp][] = [
      [{ count: 'orders', op: 'gte', value: -1 }, 'value'],
      [{ count: 'orders', op: 'gte', value: 1.5 }, 'value'],
      [{ count: 'orders', op: 'gte', value: '2' }, 'value'],
      [{ count: 'orders', op: 'between', value: [3, 1] }, 'value'],
      [{ count: 'orders', op: 'gte', value: [1, 2] }, 'value'],
      [{ count: 'orders', op: 'like', value: 1 }, 'op'],
      [{ count: 'orders', value: 1 }, 'op'],
      [{ count: 'orderz', op: 'gte', value: 1 }, 'count'],
      [
        { count: 'orders', op: 'gte', value: 1, where: { field: 'nope', op: 'eq', value: 1 } },
        /^where(\.and\[0\])?\.field$/,
      ],
      [{ count: 'orders', op: 'gte', value: 1, vaule: 2 }, 'vaule'],
      [{ count: 'orders', exists: 'orders', op: 'gte', value: 1 }, 'count'],
    ]
    for (const [name, crm] of Object.entries(crms)) {
      const scoped = crm.scoped({ tenantId: 'ten_count_bad' })
      const before = await scoped.contacts.count()
      for (const [where, path] of bad) {
        const error = await scoped.contacts.list({ where: where as Filter }).catch((e: unknown) => e)
        expect(isRapportError(error, 'INVALID_FILTER'), `${name} ${JSON.stringify(where)}`).toBe(true)
        expect(String((error as { details: { path: string } }).details.path), JSON.stringify(where)).toMatch(
          typeof path === 'string' ? new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}$`) : path,
        )
      }
      expect(await scoped.contacts.count()).toBe(before)
    }
  })
})
