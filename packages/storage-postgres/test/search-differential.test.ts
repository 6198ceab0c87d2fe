import { createCrm, isRapportError } from '@rapport/core'
import { searchDocumentFields, withSearchDocument } from '@rapport/core/search'
import type { ModelDefinition, StorageAdapter, StorageRow, StorageSchema } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * Search, one semantics on three adapters: random multilingual records (Chinese, Japanese, Korean, accented Latin,
 * emails, phone numbers) searched with random queries cut from them (substrings, prefixes, case and accent variants)
 * return the same ids in the same order in memory (the reference), SQLite and Postgres.
 */
const personModel: ModelDefinition = {
  name: 'person',
  table: 'search_person',
  idPrefix: 'per',
  fields: {
    id: { type: 'string', required: true },
    tenantId: { type: 'string', required: true },
    createdAt: { type: 'datetime', required: true },
    updatedAt: { type: 'datetime', required: true },
    version: { type: 'integer', required: true },
    archivedAt: { type: 'datetime' },
    given: { type: 'string' },
    family: { type: 'string' },
    emails: { type: 'json', array: true },
    phones: { type: 'json', array: true },
    notes: { type: 'text' },
    ...searchDocumentFields,
  },
  indexes: [],
  relations: {},
  searchFields: ['given', 'family', 'emails', 'phones', 'notes'],
  searchPhrases: [
    ['given', 'family'],
    ['family', 'given'],
  ],
}
const schema: StorageSchema = { version: 1, models: { person: personModel } }

const givenNames = [
  '伟',
  '芳',
  '秀英',
  'Ada',
  'Zoë',
  'José',
  'Søren',
  'Łukasz',
  '민준',
  'さくら',
  'Ünal',
  'Ana',
]
const familyNames = [
  '张',
  '王',
  '欧阳',
  'Lovelace',
  'Hopper',
  'Müller',
  'Ørsted',
  '김',
  '佐藤',
  'Nguyễn',
  'Ó Briain',
]
const notes = [
  '北京星辰科技有限公司',
  '上海星辰贸易',
  '東京タワーの近く',
  '서울특별시 강남구',
  'Crème brûlée at the café',
  'ＡＢＣ Ｆｕｌｌ-width',
  'straße and STRASSE',
  'call +86 138-0013-8000 after 9',
  'ada.lovelace@example.com wrote',
  'Co-op: 50% off!',
]
const emails = ['ada.lovelace@example.com', 'zhang.wei@xingchen.cn', 'müller@beispiel.de', 'sakura@例え.jp']
const phones = ['+86 138-0013-8000', '+44 20 7946 0958', '(010) 6552-9988', '+82 2-312-3456']

const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 })
const record = fc.record({
  given: orNull(fc.constantFrom(...givenNames)),
  family: orNull(fc.constantFrom(...familyNames)),
  emails: fc.subarray(emails, { maxLength: 2 }),
  phones: fc.subarray(phones, { maxLength: 2 }),
  notes: orNull(fc.constantFrom(...notes)),
})

/** A query cut from the corpus: a substring, a prefix, a whole value, with case changed or accents dropped. */
const corpus = [...givenNames, ...familyNames, ...notes, ...emails, ...phones]
const cut = fc
  .tuple(fc.constantFrom(...corpus), fc.nat(), fc.nat(), fc.constantFrom('as is', 'upper', 'lower', 'bare'))
  .map(([value, a, b, style]) => {
    const points = Array.from(value)
    const start = a % points.length
    const end = start + 1 + (b % (points.length - start))
    const piece = points.slice(start, end).join('')
    if (style === 'upper') return piece.toUpperCase()
    if (style === 'lower') return piece.toLowerCase()
    if (style === 'bare') return piece.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    return piece
  })
const query = fc.oneof(
  cut,
  fc.tuple(cut, cut).map(([a, b]) => `${a} ${b}`),
  fc.constantFrom('张伟', '伟 张', 'Ada Lov', 'Lov', 'Hop', '北京星辰', '星辰', '138 0013', 'ZOE', 'ørsted'),
  fc.string({ unit: fc.constantFrom(...'星辰张伟adoe@.-+ 8 '), maxLength: 6 }),
)

let backend: PgTestBackend
let postgres: PostgresStorage
const sqlite = createSqliteStorage({ file: ':memory:' })
const memory = createMemoryStorage()
const adapters = (): [string, StorageAdapter][] => [
  ['memory', memory],
  ['sqlite', sqlite],
  ['postgres', postgres],
]
let tenants = 0
let queriesRun = 0
let queriesWithHits = 0

beforeAll(async () => {
  backend = await openTestBackend('search_differential')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  for (const [, storage] of adapters()) await storage.migrations.apply(schema)
})

afterAll(async () => {
  for (const [, storage] of adapters()) await storage.close()
  await backend?.dispose()
})

async function searchEverywhere(tenantId: string, text: string, limit: number) {
  const out: Record<string, unknown[]> = {}
  for (const [name, storage] of adapters()) {
    const rows = await storage.search!({ model: personModel, schema, tenantId, query: text, limit })
    out[name] = rows.map((row) => row['id'])
  }
  return out
}

describe('search: memory, SQLite and Postgres agree', () => {
  it('on random multilingual records and queries: same ids, same order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(query, fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 8 }),
        async (people, queries) => {
          const tenantId = `search${++tenants}`
          const at = new Date(Date.UTC(2025, 0, 1))
          const rows: StorageRow[] = people.map((fields, i) =>
            withSearchDocument(personModel, {
              id: `per_${String(i).padStart(2, '0')}`,
              tenantId,
              createdAt: at,
              updatedAt: at,
              version: 1,
              archivedAt: null,
              ...fields,
            }),
          )
          for (const [, storage] of adapters()) {
            await storage.createMany({ model: personModel, schema, tenantId, data: rows })
          }
          for (const [text, limit] of queries) {
            const ids = await searchEverywhere(tenantId, text, limit)
            queriesRun++
            if (ids['memory']!.length > 0) queriesWithHits++
            expect(ids['sqlite'], JSON.stringify({ text, limit })).toEqual(ids['memory'])
            expect(ids['postgres'], JSON.stringify({ text, limit })).toEqual(ids['memory'])
          }
        },
      ),
      { numRuns: backend.kind === 'server' ? 120 : 50 },
    )
    // The queries are cut from the records, so most of them find something: the agreement is not vacuous.
    expect(queriesWithHits / queriesRun).toBeGreaterThan(0.15)
  })
})

describe('the search semantics through createCrm, on every adapter', () => {
  const crms = () =>
    adapters().map(([name, storage]) => [name, createCrm({ storage, tenantId: `crm_${name}` })] as const)

  beforeAll(async () => {
    for (const [, crm] of crms()) {
      await crm.migrate()
      await crm.companies.create({ name: '北京星辰科技有限公司', domain: 'xingchen.cn' })
      await crm.companies.create({ name: '星辰', domain: 'stars.example' })
      await crm.contacts.create({ lastName: '张', firstName: '伟' })
      await crm.contacts.create({
        firstName: 'Ada',
        lastName: 'Lovelace',
        emails: [{ address: 'Ada.Lovelace@Example.com', primary: true }],
        phones: [{ number: '+442079460958' }],
      })
      await crm.contacts.create({ firstName: 'Grace', lastName: 'Hopper', title: 'Rear Admiral' })
      await crm.contacts.create({ firstName: 'Zoë', lastName: 'Ørsted' })
    }
  })

  const expectations: [string, 'companies' | 'contacts', string[]][] = [
    ['星辰', 'companies', ['星辰', '北京星辰科技有限公司']],
    ['北京星辰', 'companies', ['北京星辰科技有限公司']],
    ['科技有限', 'companies', ['北京星辰科技有限公司']],
    ['xingchen', 'companies', ['北京星辰科技有限公司']],
    ['张伟', 'contacts', ['张 伟']],
    ['Lov', 'contacts', ['Lovelace Ada']],
    ['Hop', 'contacts', ['Hopper Grace']],
    ['Ada Lov', 'contacts', ['Lovelace Ada']],
    ['ada.lovelace@example.com', 'contacts', ['Lovelace Ada']],
    ['ADA.LOVELACE@EXAMPLE.COM', 'contacts', ['Lovelace Ada']],
    ['example.com', 'contacts', ['Lovelace Ada']],
    ['+44 20 7946 0958', 'contacts', ['Lovelace Ada']],
    ['7946 0958', 'contacts', ['Lovelace Ada']],
    ['zoe orsted', 'contacts', ['Ørsted Zoë']],
    ['admiral', 'contacts', ['Hopper Grace']],
  ]

  it.each(expectations)('%s finds %s %j', async (text, entity, expected) => {
    for (const [name, crm] of crms()) {
      const found =
        entity === 'companies'
          ? (await crm.companies.search(text)).map((c) => c.name)
          : (await crm.contacts.search(text)).map((c) => `${c.lastName} ${c.firstName}`)
      expect(found, name).toEqual(expected)
    }
  })
  it('refuses a NUL, a lone surrogate and unknown options with VALIDATION_FAILED on every adapter, writing nothing', async () => {
    for (const [name, crm] of crms()) {
      const before = await crm.contacts.count()
      for (const [text, options] of [
        ['a\u0000b', {}],
        ['a\uDC00', {}],
        ['ada', { limt: 5 }],
      ] as const) {
        const err = await crm.contacts.search(text, options as never).catch((e: unknown) => e)
        expect(isRapportError(err, 'VALIDATION_FAILED'), `${name} ${JSON.stringify([text, options])}`).toBe(
          true,
        )
      }
      expect(await crm.contacts.count(), name).toBe(before)
    }
  })
})
