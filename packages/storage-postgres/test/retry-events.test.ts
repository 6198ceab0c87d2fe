import type { CrmServices } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * A real deadlock on the real server: two `crm.transaction`s update two deals in opposite order. Postgres aborts one
 * (40P01) and the adapter re-runs it; the aborted attempt's `deal.updated` events must never reach subscribers.
 */
let backend: PgTestBackend
let storage: PostgresStorage

beforeAll(async () => {
  backend = await openTestBackend('retry_events')
  storage =
    backend.kind === 'server'
      ? createPostgresStorage(
          { connectionString: backend.url! },
          { schema: backend.schema, pool: { max: 4 } },
        )
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
})

afterAll(async () => {
  await storage?.close()
  await backend?.dispose()
})

describe('events under deadlock retries', () => {
  it('delivers only the committed attempt’s events: one deal.updated per (deal, version), matching the stored deals', async (ctx) => {
    if (!storage.capabilities.concurrentWriters) {
      ctx.skip(
        'PGlite is one in-process connection: two transactions cannot deadlock (runs on the real server)',
      )
    }
    const crm = createCrm({ storage, tenantId: 'ten_retry' })
    await crm.migrate()
    const pipeline = await crm.pipelines.create({
      name: 'Sales',
      isDefault: true,
      stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
    })
    const [a, b] = await Promise.all(
      ['A', 'B'].map((name) =>
        crm.deals.create({ name, pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id }),
      ),
    )
    const delivered: { id: string; version: number; name: string }[] = []
    crm.events.on('deal.updated', ({ after }) => {
      delivered.push({ id: after.id, version: after.version, name: after.name })
    })

    // Both transactions hold their first row before either asks for its second: a lock cycle Postgres must break.
    let arrived = 0
    let release!: () => void
    const bothHoldTheirFirstRow = new Promise<void>((resolve) => {
      release = resolve
    })
    let attempts = 0
    const crosswise = (writer: string, first: string, second: string) =>
      crm.transaction(async (tx: CrmServices) => {
        attempts++
        await tx.deals.update(first, { name: `${writer}:first` })
        if (++arrived === 2) release()
        await bothHoldTheirFirstRow
        await tx.deals.update(second, { name: `${writer}:second` })
      })
    await Promise.all([crosswise('T1', a!.id, b!.id), crosswise('T2', b!.id, a!.id)])

    // The deadlock happened and one transaction ran twice; otherwise this test would prove nothing.
    expect(attempts).toBe(3)
    const keys = delivered.map((e) => `${e.id}@${e.version}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(delivered).toHaveLength(4)
    for (const deal of [a!, b!]) {
      const stored = await crm.deals.get(deal.id)
      expect(stored.version).toBe(3)
      const events = delivered.filter((e) => e.id === deal.id).sort((x, y) => x.version - y.version)
      expect(events.map((e) => e.version)).toEqual([2, 3])
      expect(events[1]!.name).toBe(stored.name)
    }
  }, 30_000)
})
