import { isRapportError } from '@rapport/core'
import type { StorageFilter } from '@rapport/core/storage'
import { differentialModels, systemColumns, differentialSchema as testSchema } from '@rapport/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

const { contact: contactModel } = differentialModels

const scope = { model: contactModel, schema: testSchema, tenantId: 't1' }

describe('bad input gets a typed RapportError and writes nothing', () => {
  let storage: SqliteStorage
  beforeAll(async () => {
    storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(testSchema)
    await storage.create({ ...scope, data: { ...systemColumns('con_1'), firstName: 'Ada', score: 1 } })
  })
  afterAll(() => storage.close())

  const snapshot = () =>
    storage.findMany({ ...scope, orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }] })

  it.each([
    ['an unknown field', { ...systemColumns('con_2'), nope: 1 }, 'VALIDATION_FAILED'],
    ['a string in an integer column', { ...systemColumns('con_2'), score: '3' }, 'VALIDATION_FAILED'],
    ['an unsafe integer', { ...systemColumns('con_2'), score: 2 ** 60 }, 'VALIDATION_FAILED'],
    ['an invalid Date', { ...systemColumns('con_2'), lastSeenAt: new Date('nope') }, 'VALIDATION_FAILED'],
    ['a malformed date', { ...systemColumns('con_2'), birthday: '2025-1-2' }, 'VALIDATION_FAILED'],
    ['another tenant', { ...systemColumns('con_2', 't2') }, 'VALIDATION_FAILED'],
    ['a missing required column', { ...systemColumns('con_2'), createdAt: null }, 'CONSTRAINT_VIOLATION'],
  ])('create() with %s', async (_, data, code) => {
    const before = await snapshot()
    const err = await storage.create({ ...scope, data: data as never }).catch((e: unknown) => e)
    expect(isRapportError(err, code)).toBe(true)
    const many = await storage
      .createMany({ ...scope, data: [{ ...systemColumns('con_3') }, data as never] })
      .catch((e: unknown) => e)
    expect(isRapportError(many, code)).toBe(true)
    expect(await snapshot()).toEqual(before)
  })

  it('updates cannot change id or tenantId, nor write wrong types', async () => {
    const before = await snapshot()
    for (const data of [{ id: 'con_9' }, { tenantId: 't2' }, { vip: 'yes' }]) {
      const err = await storage
        .updateById({ ...scope, id: 'con_1', data: data as never })
        .catch((e: unknown) => e)
      expect(isRapportError(err, 'VALIDATION_FAILED')).toBe(true)
    }
    expect(await snapshot()).toEqual(before)
  })

  it('malformed filters and paging raise INVALID_FILTER / VALIDATION_FAILED and change nothing', async () => {
    const before = await snapshot()
    const badPath: StorageFilter = {
      kind: 'compare',
      ref: { field: 'custom', path: ['x"); drop table contact; --'], type: 'string' },
      op: 'eq',
      value: 'a',
    }
    const unknownField: StorageFilter = {
      kind: 'isNull',
      ref: { field: 'nope', type: 'string' },
      isNull: true,
    }
    for (const where of [badPath, unknownField]) {
      expect(
        isRapportError(
          await storage.findMany({ ...scope, where }).catch((e: unknown) => e),
          'INVALID_FILTER',
        ),
      ).toBe(true)
      const del = await storage.deleteMany({ ...scope, where }).catch((e: unknown) => e)
      expect(isRapportError(del, 'INVALID_FILTER')).toBe(true)
    }
    const paging = await storage.findMany({ ...scope, limit: -1 }).catch((e: unknown) => e)
    expect(isRapportError(paging, 'VALIDATION_FAILED')).toBe(true)
    expect(await snapshot()).toEqual(before)
  })

  it('invalid configuration raises INVALID_CONFIG', () => {
    expect(() => createSqliteStorage({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => createSqliteStorage({ kysely: {} as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => createSqliteStorage({ file: ':memory:', busyTimeoutMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => createSqliteStorage({ file: ':memory:', pragmas: { 'x; drop': 1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })
})
