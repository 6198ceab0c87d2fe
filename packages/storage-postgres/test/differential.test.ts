import type {
  FieldRef,
  StorageAdapter,
  StorageFilter,
  StorageOrderBy,
  StorageRow,
  StorageValue,
} from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import { companyModel, contactModel, differentialSchema, systemColumns } from './differential-schema.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * Three adapters, one semantics: random StorageFilters over random rows select the same ids in the same order in
 * memory (the reference), SQLite and Postgres. The value pools are small on purpose so filters hit equal values, case
 * variants (ASCII and not), LIKE wildcards, code-point edge cases (astral vs high-BMP characters) and nulls.
 */
const strings = [
  '',
  'a',
  'A',
  'ab',
  'aB',
  'Ab',
  'b',
  'é',
  'É',
  'ß',
  'İ',
  '\u212A', // KELVIN SIGN: lower() folds it to 'k', ASCII folding must not
  'k',
  'K',
  'z',
  '%',
  '_',
  'a_b',
  'a%b',
  'back\\slash',
  '😀',
  '\uFF5E', // above every surrogate in UTF-16, below every astral character by code point
  'a😀',
  'a b',
]
const ints = [-3, -1, 0, 1, 2, 10, 2 ** 40, Number.MAX_SAFE_INTEGER]
const nums = [-2.5, -0.5, 0, 0.25, 1, 1.5, 1e10]
const instants = [0, 1, 999, 1000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => new Date(ms))
const days = ['1999-12-31', '2000-01-01', '2025-06-30']
const tiers = ['gold', 'Gold', 'GOLD', 'silver', 'é']

const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 })
const str = fc.constantFrom(...strings)

const contactFields = fc.record({
  firstName: orNull(str),
  notes: orNull(str),
  ownerId: orNull(fc.constantFrom('u1', 'u2', 'u3')),
  score: orNull(fc.constantFrom(...ints)),
  rating: orNull(fc.constantFrom(...nums)),
  vip: orNull(fc.boolean()),
  birthday: orNull(fc.constantFrom(...days)),
  lastSeenAt: orNull(fc.constantFrom(...instants)),
  tags: orNull(fc.uniqueArray(fc.constantFrom('x', 'y', 'X', '😀'), { maxLength: 3 })),
  custom: orNull(
    fc.record(
      {
        tier: orNull(fc.constantFrom(...tiers)),
        n: orNull(fc.constantFrom(...ints, 0.5)),
        flag: orNull(fc.boolean()),
        since: orNull(fc.constantFrom(...instants).map((d) => d.toISOString())),
      },
      { requiredKeys: [] },
    ),
  ),
  company: fc.constantFrom(null, 0, 1, 2),
})

type Scalar = { ref: FieldRef; values: fc.Arbitrary<StorageValue> }
const scalars: Scalar[] = [
  { ref: { field: 'id', type: 'string' }, values: fc.constantFrom('con_0', 'con_3', 'con_7') },
  { ref: { field: 'firstName', type: 'string' }, values: str },
  { ref: { field: 'notes', type: 'text' }, values: str },
  { ref: { field: 'ownerId', type: 'string' }, values: fc.constantFrom('u1', 'u2', 'u9') },
  { ref: { field: 'score', type: 'integer' }, values: fc.constantFrom(...ints) },
  { ref: { field: 'rating', type: 'number' }, values: fc.constantFrom(...nums) },
  { ref: { field: 'vip', type: 'boolean' }, values: fc.boolean() },
  { ref: { field: 'birthday', type: 'date' }, values: fc.constantFrom(...days) },
  { ref: { field: 'lastSeenAt', type: 'datetime' }, values: fc.constantFrom(...instants) },
  { ref: { field: 'custom', path: ['tier'], type: 'string' }, values: fc.constantFrom(...tiers) },
  { ref: { field: 'custom', path: ['n'], type: 'number' }, values: fc.constantFrom(...ints, 0.5) },
  { ref: { field: 'custom', path: ['flag'], type: 'boolean' }, values: fc.boolean() },
  {
    ref: { field: 'custom', path: ['since'], type: 'datetime' },
    values: fc.constantFrom(...instants).map((d) => d.toISOString()),
  },
]
const textRefs = scalars.filter((s) => s.ref.type === 'string' || s.ref.type === 'text').map((s) => s.ref)
const tagsRef: FieldRef = { field: 'tags', type: 'string', array: true }

const leaf: fc.Arbitrary<StorageFilter> = fc.oneof(
  fc.constantFrom(...scalars).chain(({ ref, values }) =>
    fc.oneof(
      fc.record({
        kind: fc.constant('compare' as const),
        ref: fc.constant(ref),
        op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte' as const),
        value: orNull(values),
      }),
      fc.record({
        kind: fc.constant('in' as const),
        ref: fc.constant(ref),
        values: fc.array(orNull(values), { maxLength: 4 }),
        negate: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('isNull' as const), ref: fc.constant(ref), isNull: fc.boolean() }),
    ),
  ),
  fc.record({
    kind: fc.constant('text' as const),
    ref: fc.constantFrom(...textRefs),
    op: fc.constantFrom('contains', 'startsWith', 'endsWith' as const),
    value: str,
    caseInsensitive: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('in' as const),
    ref: fc.constant(tagsRef),
    values: fc.array(orNull(fc.constantFrom('x', 'y', 'X', 'w', '😀')), { maxLength: 3 }),
    negate: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('compare' as const),
    ref: fc.constant(tagsRef),
    op: fc.constantFrom('eq', 'ne' as const),
    value: orNull(fc.constantFrom('x', 'X', 'w')),
  }),
  fc.record({ kind: fc.constant('isNull' as const), ref: fc.constant(tagsRef), isNull: fc.boolean() }),
  fc.record({ kind: fc.constant('const' as const), value: fc.boolean() }),
)

const { filter } = fc.letrec<{ filter: StorageFilter }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'filter' },
    leaf,
    fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    fc.record({
      kind: fc.constantFrom('and', 'or' as const),
      filters: fc.array(tie('filter'), { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('exists' as const),
      relation: fc.constant({
        kind: 'direct' as const,
        model: 'company',
        localField: 'companyId',
        relatedField: 'id',
      }),
      filter: fc.constantFrom<StorageFilter>(
        { kind: 'const', value: true },
        {
          kind: 'text',
          ref: { field: 'name', type: 'string' },
          op: 'startsWith',
          value: 'a',
          caseInsensitive: true,
        },
        { kind: 'isNull', ref: { field: 'domain', type: 'string' }, isNull: true },
      ),
    }),
  ),
}))

const orderBy: fc.Arbitrary<StorageOrderBy[]> = fc
  .array(
    fc.record({
      ref: fc.constantFrom(...scalars.map((s) => s.ref)),
      direction: fc.constantFrom('asc', 'desc' as const),
    }),
    { maxLength: 2 },
  )
  .map((keys) => [...keys, { ref: { field: 'id', type: 'string' }, direction: 'asc' }])

const companies = [
  { name: 'acme', domain: 'acme.example' },
  { name: 'Apex', domain: null },
  { name: 'Ärger', domain: 'globex.example' },
]

let backend: PgTestBackend
let postgres: PostgresStorage
const sqlite = createSqliteStorage({ file: ':memory:' })
const memory = createMemoryStorage()
const adapters = (): [string, StorageAdapter][] => [
  ['memory', memory],
  ['sqlite', sqlite],
  ['postgres', postgres],
]
let tenantCounter = 0

async function seed(people: readonly StorageRow[], tenantId: string): Promise<void> {
  const companyRows = companies.map((c, i) => ({ ...systemColumns(`com_${i}`, tenantId), ...c }))
  for (const [, storage] of adapters()) {
    await storage.createMany({ model: companyModel, schema: differentialSchema, tenantId, data: companyRows })
    await storage.createMany({ model: contactModel, schema: differentialSchema, tenantId, data: people })
  }
}

async function idsEverywhere(
  tenantId: string,
  where?: StorageFilter,
  order?: StorageOrderBy[],
  limit?: number,
) {
  const args = {
    model: contactModel,
    schema: differentialSchema,
    tenantId,
    ...(where ? { where } : {}),
    orderBy: order ?? [{ ref: { field: 'id', type: 'string' } as const, direction: 'asc' as const }],
    ...(limit !== undefined ? { limit } : {}),
  }
  const out: Record<string, unknown[]> = {}
  for (const [name, storage] of adapters()) out[name] = (await storage.findMany(args)).map((r) => r['id'])
  return out
}

beforeAll(async () => {
  backend = await openTestBackend('differential')
  postgres =
    backend.kind === 'server'
      ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
      : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  for (const [, storage] of adapters()) await storage.migrations.apply(differentialSchema)
})

afterAll(async () => {
  for (const [, storage] of adapters()) await storage.close()
  await backend?.dispose()
})

describe('memory, SQLite and Postgres agree', () => {
  it('on random filters, orderings and limits over random rows: same ids, same order, same counts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(contactFields, { maxLength: 14 }),
        fc.array(fc.tuple(filter, orderBy, fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (people, queries) => {
          const tenantId = `diff${++tenantCounter}`
          const rows: StorageRow[] = people.map(({ company, ...fields }, i) => ({
            ...systemColumns(`con_${i}`, tenantId),
            ...fields,
            companyId: company === null ? null : `com_${company}`,
          }))
          await seed(rows, tenantId)
          for (const [where, order, limit] of queries) {
            const ids = await idsEverywhere(tenantId, where, order, limit)
            expect(ids['sqlite'], JSON.stringify({ where, order, limit })).toEqual(ids['memory'])
            expect(ids['postgres'], JSON.stringify({ where, order, limit })).toEqual(ids['memory'])
            const counts = await Promise.all(
              adapters().map(([, s]) =>
                s.count({ model: contactModel, schema: differentialSchema, tenantId, where }),
              ),
            )
            expect(new Set(counts).size, JSON.stringify(where)).toBe(1)
          }
        },
      ),
      { numRuns: backend.kind === 'server' ? 150 : 60 },
    )
  })
})

describe('the agreed semantics, spelled out', () => {
  const tenantId = 'semantics'
  const names = ['a', 'B', 'b', 'é', 'É', '\u212A', 'k', '😀', '\uFF5E', '%', '_', null]
  beforeAll(async () => {
    await seed(
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
    const ids = await idsEverywhere(tenantId, undefined, [{ ref: firstName, direction: 'asc' }])
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
      const ids = await idsEverywhere(tenantId, ci(value))
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
      const ids = await idsEverywhere(tenantId, where)
      expect(ids['sqlite'], JSON.stringify(where)).toEqual(ids['memory'])
      expect(ids['postgres'], JSON.stringify(where)).toEqual(ids['memory'])
      expect(ids['postgres']!.length, JSON.stringify(where)).toBe(expected)
    }
  })
})
