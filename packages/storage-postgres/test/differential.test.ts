import type { FieldRef, StorageAdapter, StorageFilter } from '@rapport/core/storage'
import { createMemoryStorage, differentialSchema, systemColumns } from '@rapport/core/testing'
import { checkAdaptersAgree, differentialHarness } from '@rapport/core/testing/differential'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

// Three adapters, one semantics: the shared differential harness of @rapport/core/testing (one value pool, random
// filters, orderings and limits) on memory (the reference), SQLite and Postgres, then the agreed semantics spelled out.

let backend: PgTestBackend
let postgres: PostgresStorage
const sqlite = createSqliteStorage({ file: ':memory:' })
const memory = createMemoryStorage()
const adapters = (): [string, StorageAdapter][] => [
  ['memory', memory],
  ['sqlite', sqlite],
  ['postgres', postgres],
]
let harness: ReturnType<typeof differentialHarness>

beforeAll(async () => {
  backend = await openTestBackend('differential')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  for (const [, storage] of adapters()) await storage.migrations.apply(differentialSchema)
  harness = differentialHarness(adapters())
})

afterAll(async () => {
  for (const [, storage] of adapters()) await storage.close()
  await backend?.dispose()
})

describe('memory, SQLite and Postgres agree', () => {
  it('on random filters, orderings and limits over random rows: same ids, same order, same counts', async () => {
    await checkAdaptersAgree(adapters(), { numRuns: backend.kind === 'server' ? 150 : 60 })
  })
})

describe('the agreed semantics, spelled out', () => {
  const tenantId = 'semantics'
  const names = ['a', 'B', 'b', 'é', 'É', '\u212A', 'k', '😀', '\uFF5E', '%', '_', null]
  beforeAll(async () => {
    await harness.seed(
      names.map((firstName, i) => ({
        ...systemColumns(`con_${String(i).padStart(2, '0')}`, tenantId),
        firstName,
        tags: i % 3 === 0 ? null : i % 3 === 1 ? [] : ['x'],
      })),
      tenantId,
    )
  })
  const firstName: FieldRef = { field: 'firstName', type: 'string' }
  const namesOf = (ids: unknown[]) => ids.map((id) => names[Number(String(id).slice(4))])

  it('collation: strings order by code point (uppercase first, é after z, astral after U+FF5E), null first', async () => {
    const ids = await harness.ids(tenantId, undefined, [{ ref: firstName, direction: 'asc' }])
    expect(ids['sqlite']).toEqual(ids['memory'])
    expect(ids['postgres']).toEqual(ids['memory'])
    expect(namesOf(ids['postgres']!)).toEqual([
      null,
      '%',
      'B',
      '_',
      'a',
      'b',
      'k',
      'É',
      'é',
      '\u212A',
      '\uFF5E',
      '😀',
    ])
  })

  it('case-insensitive text folds ASCII only: "K" finds k but not the Kelvin sign, "é" never finds "É"', async () => {
    const ci = (value: string): StorageFilter => ({
      kind: 'text',
      ref: firstName,
      op: 'contains',
      value,
      caseInsensitive: true,
    })
    for (const [value, expected] of [
      ['K', ['k']],
      ['b', ['B', 'b']],
      ['é', ['é']],
      ['%', ['%']],
      ['_', ['_']],
    ] as const) {
      const ids = await harness.ids(tenantId, ci(value))
      expect(ids['sqlite']).toEqual(ids['memory'])
      expect(ids['postgres']).toEqual(ids['memory'])
      expect(namesOf(ids['postgres']!)).toEqual(expected)
    }
  })

  it('null semantics: ne and nin include nulls, ordered comparisons and text never match null, isNull on arrays means empty', async () => {
    const cases: [StorageFilter, number][] = [
      [{ kind: 'compare', ref: firstName, op: 'ne', value: 'a' }, names.length - 1],
      [{ kind: 'compare', ref: firstName, op: 'eq', value: null }, 1],
      [{ kind: 'in', ref: firstName, values: ['a', 'b'], negate: true }, names.length - 2],
      [{ kind: 'in', ref: firstName, values: ['a', null], negate: true }, names.length - 2],
      [{ kind: 'compare', ref: firstName, op: 'gte', value: '' }, names.length - 1],
      [{ kind: 'not', filter: { kind: 'compare', ref: firstName, op: 'gte', value: '' } }, 1],
      [{ kind: 'text', ref: firstName, op: 'contains', value: '', caseInsensitive: false }, names.length - 1],
      [{ kind: 'isNull', ref: { field: 'tags', type: 'string', array: true }, isNull: true }, 8],
    ]
    for (const [where, expected] of cases) {
      const ids = await harness.ids(tenantId, where)
      expect(ids['sqlite'], JSON.stringify(where)).toEqual(ids['memory'])
      expect(ids['postgres'], JSON.stringify(where)).toEqual(ids['memory'])
      expect(ids['postgres']!.length, JSON.stringify(where)).toBe(expected)
    }
  })
})
