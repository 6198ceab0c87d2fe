import type { Crm, CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The timeline's key figures sum money in the database (core's aggregate, grouped by currency and probability): for
 * random deals and orders in several currencies, memory, SQLite and Postgres give the figures a plain per-record sum
 * gives. A reader who may not see `amount` still gets the counts, without values.
 */

interface DealSpec {
  readonly amount: number | null
  readonly currency: 'EUR' | 'USD' | 'CNY'
  readonly stage: 0 | 1 | 2 | 3
}
interface OrderSpec {
  readonly amount: number
  readonly currency: 'EUR' | 'USD'
  readonly status: 'completed' | 'canceled' | 'pending'
}

const PROBABILITIES = [10, 35, 70, 100] as const

/** Hides the deals' and orders' amounts from the actor "intern". */
const hideAmounts: CrmPlugin = definePlugin({
  id: 'hide-amounts',
  access: {
    scope: () => null,
    fields: ({ entity, actor }) =>
      actor?.id === 'intern' && (entity === 'deal' || entity === 'order')
        ? { hidden: new Set(['amount']), masked: new Map(), readOnly: new Set() }
        : null,
  },
})

let backend: PgTestBackend
const crms: Record<string, Crm> = {}

beforeAll(async () => {
  backend = await openTestBackend('timeline_figures')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) {
    const crm = createCrm({ storage, tenantId: 'ten_figures', plugins: [hideAmounts] })
    await crm.migrate()
    crms[name] = crm
  }
}, 120_000)

afterAll(async () => {
  for (const crm of Object.values(crms)) await crm.storage.close()
  await backend?.dispose()
})

async function seed(crm: Crm, deals: readonly DealSpec[], orders: readonly OrderSpec[]) {
  const company = await crm.companies.create({ name: 'Figures Co' })
  const pipeline = await crm.pipelines.create({
    name: `P ${company.id}`,
    stages: [
      ...PROBABILITIES.slice(0, 3).map((probability, i) => ({ name: `S${i}`, probability })),
      { name: 'Won', kind: 'won' as const, probability: 100 },
    ],
  })
  for (const [i, d] of deals.entries()) {
    await crm.deals.create({
      name: `D${i}`,
      pipelineId: pipeline.id,
      stageId: pipeline.stages[d.stage]!.id,
      companyId: company.id,
      ...(d.amount === null ? {} : { amount: { amountMinor: d.amount, currency: d.currency } }),
    })
  }
  for (const o of orders) {
    await crm.orders.create({
      customerType: 'company',
      customerId: company.id,
      occurredAt: new Date('2026-01-01T00:00:00.000Z'),
      amount: { amountMinor: o.amount, currency: o.currency },
      status: o.status,
    })
  }
  return company.id
}

/** The figures by a plain per-record sum, as the timeline computed them before. */
function expected(deals: readonly DealSpec[], orders: readonly OrderSpec[]) {
  const open = deals.filter((d) => d.stage !== 3)
  const value: Record<string, number> = {}
  const weighted: Record<string, number> = {}
  for (const d of open) {
    if (d.amount === null) continue
    value[d.currency] = (value[d.currency] ?? 0) + d.amount
    weighted[d.currency] = (weighted[d.currency] ?? 0) + (d.amount * PROBABILITIES[d.stage]) / 100
  }
  for (const c of Object.keys(weighted)) weighted[c] = Math.round(weighted[c] as number)
  const revenue: Record<string, number> = {}
  const completed = orders.filter((o) => o.status === 'completed')
  for (const o of completed) revenue[o.currency] = (revenue[o.currency] ?? 0) + o.amount
  return {
    openDeals: open.length,
    openDealValue: value,
    weightedDealValue: weighted,
    lifetimeRevenue: revenue,
    completedOrders: completed.length,
  }
}

describe('timeline key figures, summed in the database', () => {
  it('agree with a per-record sum on memory, SQLite and Postgres', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            amount: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }),
            currency: fc.constantFrom('EUR', 'USD', 'CNY'),
            stage: fc.constantFrom(0, 1, 2, 3),
          }),
          { maxLength: 8 },
        ),
        fc.array(
          fc.record({
            amount: fc.integer({ min: 0, max: 10_000_000 }),
            currency: fc.constantFrom('EUR', 'USD'),
            status: fc.constantFrom('completed', 'canceled', 'pending'),
          }),
          { maxLength: 6 },
        ),
        async (deals, orders) => {
          const want = expected(deals as DealSpec[], orders as OrderSpec[])
          for (const crm of Object.values(crms)) {
            const id = await seed(crm, deals as DealSpec[], orders as OrderSpec[])
            const figures = await crm.timeline.figures({ type: 'company', id })
            expect(figures).toMatchObject(want)
          }
        },
      ),
      { numRuns: 12 },
    )
  }, 240_000)

  it('count what the reader may not value', async () => {
    const deals: DealSpec[] = [
      { amount: 1000, currency: 'EUR', stage: 1 },
      { amount: 500, currency: 'USD', stage: 2 },
    ]
    const orders: OrderSpec[] = [{ amount: 700, currency: 'EUR', status: 'completed' }]
    for (const crm of Object.values(crms)) {
      const id = await seed(crm, deals, orders)
      const intern = crm.scoped({ actor: { id: 'intern' } })
      expect(await intern.timeline.figures({ type: 'company', id })).toMatchObject({
        openDeals: 2,
        openDealValue: {},
        weightedDealValue: {},
        completedOrders: 1,
        lifetimeRevenue: {},
      })
      expect(await crm.timeline.figures({ type: 'company', id })).toMatchObject(expected(deals, orders))
    }
  })
})
