import fc from 'fast-check'
import type { FieldRef, StorageFilter, StorageOrderBy, StorageValue } from '../storage/storage-filter.js'
import { valuePool } from './value-pool.js'

const orNull = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 })
const str = fc.constantFrom(...valuePool.strings)
const isoInstant = fc.constantFrom(...valuePool.instants).map((d) => d.toISOString())

/**
 * The fields of a random contact of `differentialSchema` (from `@rapport/core/testing`), from `valuePool` (from `@rapport/core/testing`); `company` is the index of
 * one of {@link differentialCompanies} (or `null`).
 */
export const contactFieldsArbitrary = fc.record({
  firstName: orNull(str),
  lastName: orNull(str),
  notes: orNull(str),
  ownerId: orNull(fc.constantFrom('u1', 'u2', 'u3')),
  score: orNull(fc.constantFrom(...valuePool.integers)),
  rating: orNull(fc.constantFrom(...valuePool.numbers)),
  vip: orNull(fc.boolean()),
  birthday: orNull(fc.constantFrom(...valuePool.days)),
  lastSeenAt: orNull(fc.constantFrom(...valuePool.instants)),
  tags: orNull(fc.uniqueArray(fc.constantFrom(...valuePool.tags), { maxLength: 3 })),
  custom: orNull(
    fc.record(
      {
        tier: orNull(fc.constantFrom(...valuePool.tiers)),
        n: orNull(fc.constantFrom(...valuePool.integers, 0.5)),
        flag: orNull(fc.boolean()),
        since: orNull(isoInstant),
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
  { ref: { field: 'score', type: 'integer' }, values: fc.constantFrom(...valuePool.integers) },
  { ref: { field: 'rating', type: 'number' }, values: fc.constantFrom(...valuePool.numbers) },
  { ref: { field: 'vip', type: 'boolean' }, values: fc.boolean() },
  { ref: { field: 'birthday', type: 'date' }, values: fc.constantFrom(...valuePool.days) },
  { ref: { field: 'lastSeenAt', type: 'datetime' }, values: fc.constantFrom(...valuePool.instants) },
  { ref: { field: 'custom', path: ['tier'], type: 'string' }, values: fc.constantFrom(...valuePool.tiers) },
  {
    ref: { field: 'custom', path: ['n'], type: 'number' },
    values: fc.constantFrom(...valuePool.integers, 0.5),
  },
  { ref: { field: 'custom', path: ['flag'], type: 'boolean' }, values: fc.boolean() },
  { ref: { field: 'custom', path: ['since'], type: 'datetime' }, values: isoInstant },
]
const textRefs = scalars.filter((s) => s.ref.type === 'string' || s.ref.type === 'text').map((s) => s.ref)
const tagsRef: FieldRef = { field: 'tags', type: 'string', array: true }
// 'w' is in no row: membership tests must also miss.
const tagValue = fc.constantFrom(...valuePool.tags, 'w')

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
    values: fc.array(orNull(tagValue), { maxLength: 3 }),
    negate: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('compare' as const),
    ref: fc.constant(tagsRef),
    op: fc.constantFrom('eq', 'ne' as const),
    value: orNull(tagValue),
  }),
  fc.record({ kind: fc.constant('isNull' as const), ref: fc.constant(tagsRef), isNull: fc.boolean() }),
  fc.record({ kind: fc.constant('const' as const), value: fc.boolean() }),
)

/**
 * Random storage filters over the contacts of `differentialSchema` (from `@rapport/core/testing`): every operator on every column type and
 * JSON path, `and`/`or`/`not` up to depth 3, and `exists` on the contact's company.
 */
export const filterArbitrary: fc.Arbitrary<StorageFilter> = fc.letrec<{ filter: StorageFilter }>((tie) => ({
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
})).filter

/** Random orderings: up to two keys of any scalar column or JSON path, then `id` (so the order is total). */
export const orderByArbitrary: fc.Arbitrary<StorageOrderBy[]> = fc
  .array(
    fc.record({
      ref: fc.constantFrom(...scalars.map((s) => s.ref)),
      direction: fc.constantFrom('asc', 'desc' as const),
    }),
    { maxLength: 2 },
  )
  .map((keys) => [...keys, { ref: { field: 'id', type: 'string' }, direction: 'asc' }])

const refText = (ref: FieldRef) => JSON.stringify([ref.field, ref.path ?? null, ref.array ?? false])
const valuesOf = new Map<string, fc.Arbitrary<StorageValue>>([
  ...scalars.map((s) => [refText(s.ref), s.values] as const),
  [refText(tagsRef), tagValue],
])

/**
 * The same filter with other values in the same places (a `null` stays `null`): the same statement shape, which an
 * SQL adapter may compile once and reuse, so each differential query is also asked again with other values.
 */
export function sameShapeArbitrary(filter: StorageFilter): fc.Arbitrary<StorageFilter> {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return fc
        .tuple(...filter.filters.map(sameShapeArbitrary))
        .map((filters): StorageFilter => ({ kind: filter.kind, filters }))
    case 'not':
      return sameShapeArbitrary(filter.filter).map((f): StorageFilter => ({ kind: 'not', filter: f }))
    case 'compare': {
      const values = valuesOf.get(refText(filter.ref))
      if (filter.value === null || !values) return fc.constant(filter)
      return values.map((value): StorageFilter => ({ ...filter, value }))
    }
    case 'in': {
      const values = valuesOf.get(refText(filter.ref))
      if (!values) return fc.constant(filter)
      return fc
        .tuple(...filter.values.map((v) => (v === null ? fc.constant(null) : values)))
        .map((vs): StorageFilter => ({ ...filter, values: vs }))
    }
    default:
      return fc.constant(filter)
  }
}
