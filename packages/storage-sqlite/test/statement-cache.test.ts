import { RapportError } from '@rapport/core'
import type { FindManyArgs, StorageFilter } from '@rapport/core/storage'
import { differentialModels, differentialSchema, systemColumns } from '@rapport/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

// findMany compiles a statement once per filter shape and binds each call's values into it (storage-kysely's
// statement cache). The differential test asks every random filter again with other values; these pin the edges.
describe('findMany statements reused per filter shape', () => {
  let storage: SqliteStorage
  const { contact } = differentialModels
  const page = (tenantId: string, where: StorageFilter, limit = 10): FindManyArgs => ({
    model: contact,
    schema: differentialSchema,
    tenantId,
    where,
    orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }],
    limit,
  })
  const seen = (instant: unknown): StorageFilter => ({
    kind: 'compare',
    ref: { field: 'lastSeenAt', type: 'datetime' },
    op: 'gte',
    value: instant as Date,
  })
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: unknown) => (error instanceof RapportError ? error.code : 'other'),
    )

  beforeAll(async () => {
    storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(differentialSchema)
    for (const tenantId of ['t1', 't2']) {
      await storage.createMany({
        model: contact,
        schema: differentialSchema,
        tenantId,
        data: [0, 1, 2, 3].map((i) => ({
          ...systemColumns(`con_${i}`, tenantId),
          ownerId: `u${i % 2}`,
          lastSeenAt: new Date(i * 1000),
        })),
      })
    }
  })
  afterAll(async () => {
    await storage.close()
  })

  it('bind each call’s tenant, values and limit', async () => {
    const owner = (id: string): StorageFilter => ({
      kind: 'compare',
      ref: { field: 'ownerId', type: 'string' },
      op: 'eq',
      value: id,
    })
    const ids = async (args: FindManyArgs) => (await storage.findMany(args)).map((r) => r['id'])
    expect(await ids(page('t1', owner('u0')))).toEqual(['con_0', 'con_2'])
    expect(await ids(page('t1', owner('u1')))).toEqual(['con_1', 'con_3'])
    expect(await ids(page('t1', owner('u1'), 1))).toEqual(['con_1'])
    expect((await storage.findMany(page('t2', owner('u0')))).map((r) => r['tenantId'])).toEqual(['t2', 't2'])
    expect(await ids(page('t1', seen(new Date(2000))))).toEqual(['con_2', 'con_3'])
    expect(await ids(page('t1', seen(new Date(0).toISOString())))).toEqual([
      'con_0',
      'con_1',
      'con_2',
      'con_3',
    ])
  })

  it('still refuse a bad value with the typed error once its shape is cached', async () => {
    const fresh = createSqliteStorage({ file: ':memory:' })
    await fresh.migrations.apply(differentialSchema)
    const uncached = await codeOf(fresh.findMany(page('t1', seen('not an instant'))))
    await fresh.close()
    expect(uncached).toBe('INVALID_FILTER')
    expect(await codeOf(storage.findMany(page('t1', seen(new Date(0)))))).toBe('ok')
    expect(await codeOf(storage.findMany(page('t1', seen('not an instant'))))).toBe('INVALID_FILTER')
    expect(await codeOf(storage.findMany(page('t1', seen('not an instant'), 0)))).toBe('INVALID_FILTER')
  })
})
