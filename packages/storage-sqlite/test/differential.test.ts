import type { FieldRef, StorageFilter, StorageOrderBy, StorageRow, StorageValue } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'
import { companyModel, contactModel, systemColumns, testSchema } from './test-schema.js'

// Small value pools so random filters hit equal values, case variants, prefixes, code-point edge cases and nulls.
const strings = [
  '',
  'a',
  'A',
  'ab',
  'aB',
  'Ab',
  'abc',
  'b',
  'é',
  'É',
  'z',
  'Z',
  '😀',
  '\uffff',
  'a😀',
  'ß',
  'a b',
]
const ints = [-3, -1, 0, 1, 2, 3, 10, 2 ** 40]
const nums = [-2.5, -0.5, 0, 0.25, 1, 1.5, 1e10]
const instants = [0, 1, 999, 1000, 1_700_000_000_000, 1_700_000_000_001].map((ms) => new Date(ms))
const days = ['1999-12-31', '2000-01-01', '2025-06-30']
const tiers = ['gold', 'Gold', 'silver', 'bronze']

const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 })
const str = fc.constantFrom(...strings)

const contactFields = fc.record({
  firstName: orNull(str),
  lastName: orNull(str),
  ownerId: orNull(fc.constantFrom('u1', 'u2', 'u3')),
  score: orNull(fc.constantFrom(...ints)),
  rating: orNull(fc.constantFrom(...nums)),
  vip: orNull(fc.boolean()),
  birthday: orNull(fc.constantFrom(...days)),
  lastSeenAt: orNull(fc.constantFrom(...instants)),
  notes: orNull(str),
  tags: orNull(fc.uniqueArray(fc.constantFrom('x', 'y', 'z', 'X'), { maxLength: 3 })),
  custom: orNull(
    fc.record(
      {
        tier: orNull(fc.constantFrom(...tiers)),
        n: orNull(fc.constantFrom(...ints)),
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
  { ref: { field: 'lastName', type: 'string' }, values: str },
  { ref: { field: 'notes', type: 'text' }, values: str },
  { ref: { field: 'ownerId', type: 'string' }, values: fc.constantFrom('u1', 'u2', 'u9') },
  { ref: { field: 'score', type: 'integer' }, values: fc.constantFrom(...ints) },
  { ref: { field: 'rating', type: 'number' }, values: fc.constantFrom(...nums) },
  { ref: { field: 'vip', type: 'boolean' }, values: fc.boolean() },
  { ref: { field: 'birthday', type: 'date' }, values: fc.constantFrom(...days) },
  { ref: { field: 'lastSeenAt', type: 'datetime' }, values: fc.constantFrom(...instants) },
  { ref: { field: 'custom', path: ['tier'], type: 'string' }, values: fc.constantFrom(...tiers) },
  { ref: { field: 'custom', path: ['n'], type: 'integer' }, values: fc.constantFrom(...ints) },
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
    values: fc.array(orNull(fc.constantFrom('x', 'y', 'X', 'w')), { maxLength: 3 }),
    negate: fc.boolean(),
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
  { name: 'globex', domain: 'globex.example' },
]

describe('differential: SQLite agrees with the in-memory reference adapter', () => {
  let sqlite: SqliteStorage
  const memory = createMemoryStorage()
  beforeAll(async () => {
    sqlite = createSqliteStorage({ file: ':memory:' })
    await sqlite.migrations.apply(testSchema)
    await memory.migrations.apply(testSchema)
  })
  afterAll(async () => {
    await sqlite.close()
    await memory.close()
  })

  let run = 0
  it('random filters over random rows select the same ids in the same order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(contactFields, { minLength: 0, maxLength: 12 }),
        filter,
        orderBy,
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        async (people, where, order, limit) => {
          const tenantId = `diff${++run}`
          const companyRows: StorageRow[] = companies.map((c, i) => ({
            ...systemColumns(`com_${i}`, tenantId),
            ...c,
          }))
          const contactRows: StorageRow[] = people.map(({ company, ...fields }, i) => ({
            ...systemColumns(`con_${i}`, tenantId),
            ...fields,
            companyId: company === null ? null : `com_${company}`,
          }))
          for (const storage of [sqlite, memory]) {
            await storage.createMany({ model: companyModel, schema: testSchema, tenantId, data: companyRows })
            await storage.createMany({ model: contactModel, schema: testSchema, tenantId, data: contactRows })
          }
          const args = { model: contactModel, schema: testSchema, tenantId, where, orderBy: order, limit }
          const ids = async (s: typeof memory) => (await s.findMany(args)).map((r) => r['id'])
          expect(await ids(sqlite)).toEqual(await ids(memory))
          const count = { model: contactModel, schema: testSchema, tenantId, where }
          expect(await sqlite.count(count)).toBe(await memory.count(count))
        },
      ),
      { numRuns: 300 },
    )
  })
})
