import { createCrm, isRapportError } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The same race as `concurrency.test.ts`, through `createCrm`: N concurrent `crm.deals.update()` calls with the same
 * `expectedVersion`. Real connections only (PGlite is one in-process connection; the test skips there with that
 * reason).
 */
let backend: PgTestBackend
let storage: PostgresStorage

beforeAll(async () => {
  backend = await openTestBackend('crm_concurrency')
  storage =
    backend.kind === 'server'
      ? createPostgresStorage(
          { connectionString: backend.url! },
          { schema: backend.schema, pool: { max: 12 } },
        )
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
})

afterAll(async () => {
  await storage?.close()
  await backend?.dispose()
})

describe('crm.deals.update under contention', () => {
  it('lets exactly one of N same-version updates win; the rest get VERSION_CONFLICT and the deal equals a serial replay', async (ctx) => {
    if (!storage.capabilities.concurrentWriters) {
      ctx.skip(
        'PGlite is a single in-process connection: nothing can run concurrently (runs on the real server)',
      )
    }
    const crm = createCrm({ storage, tenantId: 'ten_race' })
    await crm.migrate()
    const pipeline = await crm.pipelines.create({
      name: 'Sales',
      isDefault: true,
      stages: [
        { name: 'Open', probability: 10 },
        { name: 'Won', kind: 'won', probability: 100 },
      ],
    })
    const deal = await crm.deals.create({
      name: 'Renewal',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      amount: { amountMinor: 100_00, currency: 'EUR' },
    })
    const writers = 10
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) =>
        crm.deals.update(
          deal.id,
          { name: `Renewal ${i}`, amount: { amountMinor: (100 + i) * 100, currency: 'EUR' } },
          { expectedVersion: deal.version },
        ),
      ),
    )
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, deal: r.value }] : []))
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(writers - 1)
    for (const error of lost) expect(isRapportError(error, 'VERSION_CONFLICT')).toBe(true)

    const final = await crm.deals.get(deal.id)
    expect(final).toEqual(won[0]!.deal)
    expect(final.version).toBe(deal.version + 1)
    // Serial replay: the winner's update alone, on a fresh copy of the original deal, gives the same fields.
    const copy = await crm.deals.create({
      name: 'Renewal',
      pipelineId: pipeline.id,
      stageId: pipeline.stages[0]!.id,
      amount: { amountMinor: 100_00, currency: 'EUR' },
    })
    const replayed = await crm.deals.update(
      copy.id,
      { name: `Renewal ${won[0]!.i}`, amount: { amountMinor: (100 + won[0]!.i) * 100, currency: 'EUR' } },
      { expectedVersion: copy.version },
    )
    expect({ name: replayed.name, amount: replayed.amount, version: replayed.version }).toEqual({
      name: final.name,
      amount: final.amount,
      version: final.version,
    })
  })
})
