import { describe, expect, it } from 'vitest'
import { isRapportError } from '../errors/rapport-error.js'
import type { StorageSchema } from '../storage/model-definition.js'
import type { StorageRow } from '../storage/storage-filter.js'
import { createConformanceContext } from './conformance-context.js'
import { conformanceSchema } from './conformance-schema.js'
import { createMemoryStorage } from './memory-storage.js'

/** A memory storage with the conformance schema and a context for one tenant. */
async function setup(options: Parameters<typeof createMemoryStorage>[0] = {}) {
  const storage = createMemoryStorage(options)
  await storage.migrations.apply(conformanceSchema)
  const ctx = createConformanceContext(storage)
  return { storage, ctx, people: ctx.scope('person') }
}

async function rejection(run: () => Promise<unknown>) {
  try {
    await run()
  } catch (err) {
    if (isRapportError(err)) return { code: err.code, details: err.details }
    throw err
  }
  throw new Error('expected a rejection')
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('createMemoryStorage', () => {
  it('rejects invalid options with INVALID_CONFIG', () => {
    for (const maxRowsPerStatement of [0, -1, 1.5, Number.NaN]) {
      let code: unknown
      try {
        createMemoryStorage({ maxRowsPerStatement })
      } catch (err) {
        code = isRapportError(err) ? err.code : err
      }
      expect(code).toBe('INVALID_CONFIG')
    }
  })

  it('reports its capabilities from the options', () => {
    expect(createMemoryStorage().capabilities).toEqual({
      transactions: true,
      fullTextSearch: true,
      readableSearch: true,
      jsonPaths: true,
      concurrentWriters: false,
      orderAggregation: true,
      aggregation: true,
    })
    const limited = createMemoryStorage({ maxRowsPerStatement: 10, fullTextSearch: false, name: 'test' })
    expect(limited.capabilities.maxRowsPerStatement).toBe(10)
    expect(limited.capabilities.fullTextSearch).toBe(false)
    expect(limited.capabilities.readableSearch).toBe(false)
    expect(limited.search).toBeUndefined()
    expect(limited.name).toBe('test')
  })

  it('rejects unknown columns, null in required columns and invalid ids, writing nothing', async () => {
    const { storage, ctx, people } = await setup()
    const good = ctx.factories.person({ name: 'kept' })
    await storage.create({ ...people, data: good })
    expect(
      await rejection(() => storage.create({ ...people, data: { ...ctx.factories.person(), nope: 1 } })),
    ).toEqual({
      code: 'STORAGE_FAILURE',
      details: { model: 'person', field: 'nope' },
    })
    expect(
      (await rejection(() => storage.create({ ...people, data: { ...ctx.factories.person(), name: null } })))
        .code,
    ).toBe('CONSTRAINT_VIOLATION')
    expect(
      (await rejection(() => storage.create({ ...people, data: { ...ctx.factories.person(), id: '' } })))
        .code,
    ).toBe('STORAGE_FAILURE')
    expect(
      (
        await rejection(() =>
          storage.updateById({ ...people, id: String(good['id']), data: { id: 'per_other' } }),
        )
      ).code,
    ).toBe('STORAGE_FAILURE')
    expect(
      (
        await rejection(() =>
          storage.updateById({ ...people, id: String(good['id']), data: { tenantId: 'x' } }),
        )
      ).code,
    ).toBe('STORAGE_FAILURE')
    expect(
      (
        await rejection(() =>
          storage.createMany({ ...people, data: [ctx.factories.person(), { id: 'per_x' }] }),
        )
      ).code,
    ).toBe('CONSTRAINT_VIOLATION')
    expect(await storage.findMany(people)).toEqual([good])
  })

  it('rejects negative or fractional limit and offset', async () => {
    const { storage, people } = await setup()
    expect((await rejection(() => storage.findMany({ ...people, limit: -1 }))).code).toBe('STORAGE_FAILURE')
    expect((await rejection(() => storage.findMany({ ...people, offset: 0.5 }))).code).toBe('STORAGE_FAILURE')
  })

  it('stores the scope tenant whatever the row says', async () => {
    const { storage, ctx, people } = await setup()
    const row = ctx.factories.person({ tenantId: 'someone-else' })
    const created = await storage.create({ ...people, data: row })
    expect(created['tenantId']).toBe(ctx.tenantId)
    expect(await storage.count({ ...ctx.scope('person', 'someone-else') })).toBe(0)
  })

  it('isolates a transaction: outside reads see only committed data until the commit', async () => {
    const { storage, ctx, people } = await setup()
    const row = ctx.factories.person({ name: 'pending' })
    const seenOutside: (StorageRow | null)[] = []
    await storage.transaction(async (tx) => {
      await tx.create({ ...people, data: row })
      seenOutside.push(await storage.findById({ ...people, id: String(row['id']) }))
    })
    expect(seenOutside).toEqual([null])
    expect(await storage.findById({ ...people, id: String(row['id']) })).toEqual(row)
  })

  it('serialises writers: an outside write waits for the open transaction to finish', async () => {
    const { storage, ctx, people } = await setup()
    const gate = deferred()
    const order: string[] = []
    const inside = storage.transaction(async (tx) => {
      await gate.promise
      await tx.create({ ...people, data: ctx.factories.person({ name: 'inside' }) })
      order.push('tx committed')
    })
    const outside = storage
      .create({ ...people, data: ctx.factories.person({ name: 'outside' }) })
      .then(() => {
        order.push('outside written')
      })
    await Promise.resolve()
    gate.resolve()
    await Promise.all([inside, outside])
    expect(order).toEqual(['tx committed', 'outside written'])
    expect(await storage.count(people)).toBe(2)
  })

  it('undoes a failed statement inside a transaction without aborting it', async () => {
    const { storage, ctx, people } = await setup()
    const first = ctx.factories.person({ email: 'a@example.test' })
    await storage.transaction(async (tx) => {
      await tx.create({ ...people, data: first })
      const clash = [
        ctx.factories.person({ email: 'b@example.test' }),
        ctx.factories.person({ email: 'a@example.test' }),
      ]
      expect((await rejection(() => tx.createMany({ ...people, data: clash }))).code).toBe('UNIQUE_VIOLATION')
      expect(await tx.count(people)).toBe(1)
    })
    expect(await storage.findMany(people)).toEqual([first])
  })

  it('refuses a transaction object once the transaction has finished', async () => {
    const { storage, ctx, people } = await setup()
    let leaked: Parameters<Parameters<typeof storage.transaction>[0]>[0] | undefined
    await storage.transaction(async (tx) => {
      leaked = tx
    })
    expect((await rejection(() => leaked!.create({ ...people, data: ctx.factories.person() }))).code).toBe(
      'STORAGE_FAILURE',
    )
    expect((await rejection(() => leaked!.count(people))).code).toBe('STORAGE_FAILURE')
    expect(await storage.count(people)).toBe(0)
  })

  it('chunks createMany under maxRowsPerStatement and stays atomic across chunks', async () => {
    const { storage, ctx, people } = await setup({ maxRowsPerStatement: 3 })
    const rows = Array.from({ length: 10 }, (_, i) => ctx.factories.person({ email: `p${i}@example.test` }))
    rows[8] = { ...rows[8]!, email: 'p1@example.test' }
    expect((await rejection(() => storage.createMany({ ...people, data: rows }))).code).toBe(
      'UNIQUE_VIOLATION',
    )
    expect(await storage.count(people)).toBe(0)
    rows[8] = { ...rows[8]!, email: 'p8@example.test' }
    expect(await storage.createMany({ ...people, data: rows })).toBe(10)
    expect(await storage.count(people)).toBe(10)
  })

  it('records each schema shape as one migration', async () => {
    const storage = createMemoryStorage()
    const first = await storage.migrations.apply(conformanceSchema)
    expect(first.applied).toHaveLength(1)
    expect((await storage.migrations.plan(conformanceSchema)).statements).toEqual([])
    const extended: StorageSchema = {
      ...conformanceSchema,
      models: {
        ...conformanceSchema.models,
        extra: { ...conformanceSchema.models['group']!, name: 'extra' },
      },
    }
    expect((await storage.migrations.plan(extended)).statements).toHaveLength(1)
    const second = await storage.migrations.apply(extended)
    expect(second.applied).toHaveLength(1)
    expect(second.applied).not.toEqual(first.applied)
    expect(await storage.migrations.apply(extended)).toEqual({ applied: [], skipped: second.applied })
  })

  it('ranks exact keys above key prefixes and ties by id', async () => {
    const { storage, ctx, people } = await setup()
    const prefix = ctx.factories.person({ name: 'Adalbert' })
    const whole = ctx.factories.person({ name: 'ada' })
    const both = ctx.factories.person({ name: 'Ada', bio: 'ADA adamant' })
    const none = ctx.factories.person({ name: 'Grace' })
    await storage.createMany({ ...people, data: [prefix, whole, both, none] })
    const found = await storage.search!({ ...people, query: 'Ada', limit: 10 })
    expect(found.map((r) => r['name'])).toEqual(['ada', 'Ada', 'Adalbert'])
    expect(await storage.search!({ ...people, query: '  ,; ', limit: 10 })).toEqual([])
  })

  it('stops working after close()', async () => {
    const { storage, people } = await setup()
    await storage.close()
    expect((await rejection(() => storage.count(people))).code).toBe('STORAGE_FAILURE')
    expect((await rejection(() => storage.transaction(async () => 1))).code).toBe('STORAGE_FAILURE')
  })
})
