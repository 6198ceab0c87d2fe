import type { RapportError } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { ModelScope, StorageRow } from '@rapport/core/storage'
import { sql } from 'kysely'
import type { TestContext } from 'vitest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'
import { barrier, dealModel, dealRow, dealSchema, versionIs } from './test-schema.js'

/**
 * Concurrency with real connections. PGlite is one connection in one process, so nothing there can race: these
 * tests skip on it with that reason (capability `concurrentWriters: false`) and run against the real server in CI.
 */
let backend: PgTestBackend
let storage: PostgresStorage
const opened: PostgresStorage[] = []
let tenantCounter = 0

const scope = (tenantId: string): ModelScope => ({ model: dealModel, tenantId, schema: dealSchema })
const newTenant = () => `ten_cc_${++tenantCounter}_${Math.random().toString(36).slice(2, 8)}`

function open(options: Parameters<typeof createPostgresStorage>[1] = {}, query = ''): PostgresStorage {
  if (backend.kind === 'pglite') return storage
  const made = createPostgresStorage(
    { connectionString: `${backend.url}${query}` },
    { schema: backend.schema, ...options },
  )
  opened.push(made)
  return made
}

function needsConcurrentWriters(ctx: TestContext): void {
  if (!storage.capabilities.concurrentWriters) {
    ctx.skip(
      'PGlite is a single in-process connection: nothing can run concurrently (runs on the real server)',
    )
  }
}

async function settle<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises)
}

beforeAll(async () => {
  backend = await openTestBackend('concurrency')
  storage =
    backend.kind === 'server'
      ? createPostgresStorage(
          { connectionString: backend.url! },
          { schema: backend.schema, pool: { max: 20 } },
        )
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  await storage.migrations.apply(dealSchema)
})

afterAll(async () => {
  for (const s of opened) await s.close()
  if (backend?.kind === 'server') await storage?.close()
  await backend?.dispose()
})

describe('optimistic concurrency on one row', () => {
  it('lets exactly one of N writers with the same expected version win; the final row equals a serial replay', async (ctx) => {
    needsConcurrentWriters(ctx)
    const tenantId = newTenant()
    await storage.create({ ...scope(tenantId), data: dealRow('deal_race', tenantId) })
    const writers = 16
    const patches = Array.from({ length: writers }, (_, i) => ({
      name: `writer ${i}`,
      amountMinor: 1000 + i,
      version: 2,
      updatedAt: new Date(Date.UTC(2025, 0, 2, 0, 0, i)),
    }))
    const results = await Promise.all(
      patches.map((data) =>
        storage.updateById({ ...scope(tenantId), id: 'deal_race', data, guard: versionIs(1) }),
      ),
    )
    const winners = results.flatMap((row, i) => (row === null ? [] : [i]))
    expect(winners).toHaveLength(1)
    const final = await storage.findById({ ...scope(tenantId), id: 'deal_race' })
    expect(final).toEqual(results[winners[0]!])

    // Serial replay: the winner's write alone on an identical fresh row gives the same state, and every loser's
    // write, replayed after it with the same stale guard, matches nothing.
    await storage.create({ ...scope(tenantId), data: dealRow('deal_replay', tenantId) })
    const replayed = await storage.updateById({
      ...scope(tenantId),
      id: 'deal_replay',
      data: patches[winners[0]!]!,
      guard: versionIs(1),
    })
    expect({ ...replayed, id: 'deal_race' }).toEqual(final)
    for (const [i, data] of patches.entries()) {
      if (i === winners[0]) continue
      expect(
        await storage.updateById({ ...scope(tenantId), id: 'deal_replay', data, guard: versionIs(1) }),
      ).toBeNull()
    }
  })

  it('keeps read-then-write transactions consistent: increments under version guards never lose an update', async (ctx) => {
    needsConcurrentWriters(ctx)
    const tenantId = newTenant()
    await storage.create({ ...scope(tenantId), data: dealRow('deal_counter', tenantId) })
    const workers = 8
    const perWorker = 5
    let conflicts = 0
    const worker = async () => {
      for (let done = 0; done < perWorker; ) {
        const ok = await storage.transaction(async (tx) => {
          const row = (await tx.findById({ ...scope(tenantId), id: 'deal_counter' }))!
          const version = row['version'] as number
          const updated = await tx.updateById({
            ...scope(tenantId),
            id: 'deal_counter',
            data: { seq: (row['seq'] as number) + 1, version: version + 1 },
            guard: versionIs(version),
          })
          return updated !== null
        })
        if (ok) done++
        else conflicts++
      }
    }
    await Promise.all(Array.from({ length: workers }, worker))
    const final = (await storage.findById({ ...scope(tenantId), id: 'deal_counter' }))!
    expect(final['seq']).toBe(workers * perWorker)
    expect(final['version']).toBe(1 + workers * perWorker)
    // Eight workers racing on one row cannot all win every round: the guards turned some attempts away.
    expect(conflicts).toBeGreaterThan(0)
  })
})

describe('keyset pagination under concurrent inserts', () => {
  it('pages every pre-existing row exactly once, in order, while rows are being inserted', async (ctx) => {
    needsConcurrentWriters(ctx)
    const tenantId = newTenant()
    const base = Date.UTC(2025, 0, 1)
    const initial = Array.from({ length: 400 }, (_, i) =>
      dealRow(`deal_k${String(i).padStart(4, '0')}`, tenantId, {
        // Duplicate timestamps on purpose: the id tiebreaker must keep the order total.
        createdAt: new Date(base + Math.floor(i / 3) * 1000),
      }),
    )
    await storage.createMany({ ...scope(tenantId), data: initial })
    const writer = open()
    let inserting = true
    let inserted = 0
    const inserter = (async () => {
      while (inserting && inserted < 400) {
        const i = inserted++
        // Half land behind the cursor's likely position, half ahead of it.
        const at = new Date(base + ((i * 7919) % 200) * 1000 + 500)
        await writer.create({
          ...scope(tenantId),
          data: dealRow(`deal_n${String(i).padStart(4, '0')}`, tenantId, { createdAt: at }),
        })
      }
    })()
    const seen: StorageRow[] = []
    let cursor: StorageRow | undefined
    for (;;) {
      const createdAt = { field: 'createdAt', type: 'datetime' } as const
      const id = { field: 'id', type: 'string' } as const
      const page = await storage.findMany({
        ...scope(tenantId),
        where: cursor
          ? {
              kind: 'or',
              filters: [
                { kind: 'compare', ref: createdAt, op: 'gt', value: cursor['createdAt']! },
                {
                  kind: 'and',
                  filters: [
                    { kind: 'compare', ref: createdAt, op: 'eq', value: cursor['createdAt']! },
                    { kind: 'compare', ref: id, op: 'gt', value: cursor['id']! },
                  ],
                },
              ],
            }
          : undefined,
        orderBy: [
          { ref: createdAt, direction: 'asc' },
          { ref: id, direction: 'asc' },
        ],
        limit: 25,
      })
      if (page.length === 0) break
      seen.push(...page)
      cursor = page.at(-1)
    }
    inserting = false
    await inserter
    const ids = seen.map((r) => r['id'] as string)
    expect(new Set(ids).size).toBe(ids.length)
    const seenSet = new Set(ids)
    expect(initial.filter((r) => !seenSet.has(r['id'] as string))).toEqual([])
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!
      const b = seen[i]!
      const ta = (a['createdAt'] as Date).getTime()
      const tb = (b['createdAt'] as Date).getTime()
      expect(ta < tb || (ta === tb && (a['id'] as string) < (b['id'] as string))).toBe(true)
    }
    expect(inserted).toBeGreaterThan(0)
  })
})

describe('serialization failures and deadlocks', () => {
  it('retries serializable conflicts within the budget so every increment lands', async (ctx) => {
    needsConcurrentWriters(ctx)
    const serializable = open({ isolationLevel: 'serializable', retry: { maxAttempts: 20, baseDelayMs: 5 } })
    const tenantId = newTenant()
    await serializable.create({ ...scope(tenantId), data: dealRow('deal_ser', tenantId) })
    const n = 6
    const allRead = barrier(n)
    let invocations = 0
    await Promise.all(
      Array.from({ length: n }, () => {
        let first = true
        return serializable.transaction(async (tx) => {
          invocations++
          const row = (await tx.findById({ ...scope(tenantId), id: 'deal_ser' }))!
          if (first) {
            first = false
            await allRead() // every transaction has read the same snapshot before anyone writes
          }
          await tx.updateById({
            ...scope(tenantId),
            id: 'deal_ser',
            data: { seq: (row['seq'] as number) + 1 },
          })
        })
      }),
    )
    const final = await serializable.findById({ ...scope(tenantId), id: 'deal_ser' })
    expect(final?.['seq']).toBe(n)
    // All n read the same snapshot, so at least n - 1 of them had to run again.
    expect(invocations).toBeGreaterThanOrEqual(2 * n - 1)
  })

  it('surfaces STORAGE_BUSY when the retry budget is spent, and the losers write nothing', async (ctx) => {
    needsConcurrentWriters(ctx)
    const strict = open({ isolationLevel: 'serializable', retry: { maxAttempts: 1 } })
    const tenantId = newTenant()
    await strict.create({ ...scope(tenantId), data: dealRow('deal_ser1', tenantId) })
    const n = 4
    const allRead = barrier(n)
    const results = await settle(
      Array.from({ length: n }, (_, i) =>
        strict.transaction(async (tx) => {
          const row = (await tx.findById({ ...scope(tenantId), id: 'deal_ser1' }))!
          await allRead()
          await tx.updateById({
            ...scope(tenantId),
            id: 'deal_ser1',
            data: { seq: (row['seq'] as number) + 1, name: `winner ${i}` },
          })
        }),
      ),
    )
    const rejected = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(rejected).toHaveLength(n - 1)
    for (const error of rejected) {
      expect(isRapportError(error, 'STORAGE_BUSY')).toBe(true)
      expect((error as RapportError).details['sqlState']).toBe('40001')
    }
    const final = await strict.findById({ ...scope(tenantId), id: 'deal_ser1' })
    expect(final?.['seq']).toBe(1)
  })

  it('retries the victim of a deadlock so both transactions commit', async (ctx) => {
    needsConcurrentWriters(ctx)
    const tenantId = newTenant()
    await storage.createMany({
      ...scope(tenantId),
      data: [dealRow('deal_a', tenantId), dealRow('deal_b', tenantId)],
    })
    const bothLockedFirst = barrier(2)
    let invocations = 0
    const bump = (first: string, second: string) => {
      let initial = true
      return storage.transaction(async (tx) => {
        invocations++
        for (const id of [first, second]) {
          const row = (await tx.findById({ ...scope(tenantId), id }))!
          await tx.updateById({ ...scope(tenantId), id, data: { seq: (row['seq'] as number) + 1 } })
          if (initial && id === first) {
            initial = false
            await bothLockedFirst()
          }
        }
      })
    }
    await Promise.all([bump('deal_a', 'deal_b'), bump('deal_b', 'deal_a')])
    const rows = await storage.findByIds({ ...scope(tenantId), ids: ['deal_a', 'deal_b'] })
    expect(rows.map((r) => [r['id'], r['seq']]).sort()).toEqual([
      ['deal_a', 2],
      ['deal_b', 2],
    ])
    expect(invocations).toBe(3)
  })
})

describe('connection trouble', () => {
  it('reports an exhausted pool as STORAGE_BUSY and loses nothing', async (ctx) => {
    needsConcurrentWriters(ctx)
    const small = createPostgresStorage(
      { connectionString: backend.url! },
      { schema: backend.schema, pool: { max: 1, connectionTimeoutMillis: 100 }, retry: { maxAttempts: 1 } },
    )
    opened.push(small)
    const tenantId = newTenant()
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let started!: () => void
    const inTransaction = new Promise<void>((resolve) => {
      started = resolve
    })
    const transaction = small.transaction(async (tx) => {
      await tx.create({ ...scope(tenantId), data: dealRow('deal_held', tenantId) })
      started()
      await held
    })
    await inTransaction
    const error = await small.findById({ ...scope(tenantId), id: 'deal_held' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    release()
    await transaction
    expect(isRapportError(error, 'STORAGE_BUSY')).toBe(true)
    expect((error as Error).message).toMatch(/pool/i)
    expect(await small.findById({ ...scope(tenantId), id: 'deal_held' })).toMatchObject({ id: 'deal_held' })
  })

  it('turns a killed connection into STORAGE_FAILURE, rolls its transaction back, and recovers', async (ctx) => {
    needsConcurrentWriters(ctx)
    const app = `rapport_kill_${Math.random().toString(36).slice(2, 8)}`
    const victim = open({}, `?application_name=${app}`)
    const tenantId = newTenant()
    await victim.create({ ...scope(tenantId), data: dealRow('deal_before', tenantId) })
    const error = await victim
      .transaction(async (tx) => {
        await tx.create({ ...scope(tenantId), data: dealRow('deal_doomed', tenantId) })
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app} and state = 'idle in transaction'`.execute(
          backend.kysely,
        )
        await tx.create({ ...scope(tenantId), data: dealRow('deal_after_kill', tenantId) })
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(isRapportError(error, 'STORAGE_FAILURE')).toBe(true)
    expect((error as Error).message).toMatch(/connection/i)
    // The pool replaces the dead connection; nothing of the killed transaction was committed.
    const ids = (
      await victim.findMany({
        ...scope(tenantId),
        orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }],
      })
    ).map((r) => r['id'])
    expect(ids).toEqual(['deal_before'])
    await victim.create({ ...scope(tenantId), data: dealRow('deal_after', tenantId) })
    expect(await storage.count(scope(tenantId))).toBe(2)
  })
})
