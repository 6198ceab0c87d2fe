import { createFilterPredicate } from '@rapport/core/filter'
import { sameValue } from '@rapport/core/services'
import type { ModelDefinition, StorageFilter } from '@rapport/core/storage'
import { evaluateStorageFilter } from '@rapport/core/storage'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileCondition } from './compile-condition.js'
import type { Condition } from './condition-types.js'
import { fieldCatalogOf } from './field-catalog.js'

const model: ModelDefinition = {
  name: 'thing',
  table: 'thing',
  idPrefix: 'thg',
  fields: {
    id: { type: 'string', required: true },
    tenantId: { type: 'string', required: true },
    name: { type: 'string' },
    n: { type: 'number' },
    tags: { type: 'json', array: true },
  },
  indexes: [],
  relations: {},
  searchFields: [],
}
const catalog = fieldCatalogOf(model)
const refs = {
  name: { field: 'name', type: 'string' },
  n: { field: 'n', type: 'number' },
  tags: { field: 'tags', type: 'string', array: true },
} as const

const str = fc.constantFrom('a', 'A', 'ab', 'Ab', 'b', 'é', 'É', '😀', 'z', '')
const num = fc.constantFrom(-1, 0, 0.5, 1, 2, 10)
const row = fc.record({
  id: fc.constant('thg_1'),
  name: fc.option(str, { nil: null }),
  n: fc.option(num, { nil: null }),
  tags: fc.array(str, { maxLength: 3 }),
})

type Pair = { condition: Condition; filter: StorageFilter }

const leaf: fc.Arbitrary<Pair> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('name', 'tags'),
      fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'),
      fc.option(str, { nil: null }),
    )
    .filter(([, op, v]) => v !== null || op === 'eq' || op === 'ne')
    // Ordered comparisons on arrays are refused by core (and so by rule registration).
    .filter(([field, op]) => field !== 'tags' || op === 'eq' || op === 'ne')
    .map(([field, op, value]) => ({
      condition: { field, op, value } as Condition,
      filter:
        value === null
          ? ({ kind: 'isNull', ref: refs[field as 'name'], isNull: op === 'eq' } as StorageFilter)
          : ({ kind: 'compare', ref: refs[field as 'name'], op, value } as StorageFilter),
    })),
  fc.tuple(fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'), num).map(([op, value]) => ({
    condition: { field: 'n', op, value } as Condition,
    filter: { kind: 'compare', ref: refs.n, op, value } as StorageFilter,
  })),
  fc
    .tuple(fc.constantFrom('name', 'tags'), fc.boolean(), fc.array(str, { maxLength: 3 }))
    .map(([field, negate, values]) => ({
      condition: { field, op: negate ? 'nin' : 'in', value: values } as Condition,
      filter: { kind: 'in', ref: refs[field as 'name'], values, negate } as StorageFilter,
    })),
  fc
    .tuple(
      // Text operators need a string field; core refuses them on arrays.
      fc.constantFrom('name'),
      fc.constantFrom('contains', 'startsWith', 'endsWith'),
      str,
      fc.boolean(),
    )
    .map(([field, op, value, caseInsensitive]) => ({
      condition: { field, op, value, caseInsensitive } as Condition,
      filter: { kind: 'text', ref: refs[field as 'name'], op, value, caseInsensitive } as StorageFilter,
    })),
  fc.tuple(fc.constantFrom('name', 'n', 'tags'), fc.boolean()).map(([field, isNull]) => ({
    condition: { field, op: 'isNull', value: isNull } as Condition,
    filter: { kind: 'isNull', ref: refs[field as 'name'], isNull } as StorageFilter,
  })),
)

const tree: fc.Arbitrary<Pair> = fc.letrec<{ node: Pair }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 3 }).map((xs) => ({
      condition: { and: xs.map((x) => x.condition) },
      filter: { kind: 'and', filters: xs.map((x) => x.filter) } as StorageFilter,
    })),
    fc.array(tie('node'), { maxLength: 3 }).map((xs) => ({
      condition: { or: xs.map((x) => x.condition) },
      filter: { kind: 'or', filters: xs.map((x) => x.filter) } as StorageFilter,
    })),
    tie('node').map((x) => ({
      condition: { not: x.condition },
      filter: { kind: 'not', filter: x.filter } as StorageFilter,
    })),
  ),
})).node

describe('compiled conditions', () => {
  it('agree with the storage port reference evaluator (differential, two-valued logic, code points, ASCII folding)', () => {
    fc.assert(
      fc.property(tree, row, ({ condition, filter }, r) => {
        const compiled = compileCondition(condition, catalog)
        if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues))
        const snapshot = { record: r, before: null, now: new Date(0) }
        const expected = evaluateStorageFilter(filter, r, { related: () => [] })
        expect(compiled.condition.test(snapshot)).toBe(expected)
        expect(compiled.condition.trace(snapshot).result).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('relative dates are computed from the evaluation time', () => {
    const c = compileCondition(
      { field: 'createdAt', op: 'gte', value: { $ago: { days: 15 } } },
      fieldCatalogOf({
        ...model,
        fields: { ...model.fields, createdAt: { type: 'datetime' } },
      }),
    )
    if (!c.ok) throw new Error('invalid')
    const record = { createdAt: new Date('2026-03-01T00:00:00Z') }
    expect(c.condition.test({ record, before: null, now: new Date('2026-03-16T00:00:00Z') })).toBe(true)
    expect(c.condition.test({ record, before: null, now: new Date('2026-03-16T00:00:00.001Z') })).toBe(false)
  })

  it('change predicates need a change: changed, changedFrom/To, increasedBy/decreasedBy', () => {
    const test = (
      condition: Condition,
      before: Record<string, unknown> | null,
      record: Record<string, unknown>,
    ) => {
      const c = compileCondition(condition, catalog)
      if (!c.ok) throw new Error('invalid')
      return c.condition.test({ record, before, now: new Date(0) })
    }
    expect(test({ field: 'name', op: 'changed' }, { name: 'a' }, { name: 'a' })).toBe(false)
    expect(test({ field: 'name', op: 'changed' }, { name: 'a' }, { name: 'b' })).toBe(true)
    expect(test({ field: 'name', op: 'changedTo', value: 'b' }, null, { name: 'b' })).toBe(true)
    expect(test({ field: 'name', op: 'changedFrom', value: 'a' }, { name: 'a' }, { name: 'b' })).toBe(true)
    expect(test({ field: 'name', op: 'changedFrom', value: 'x' }, { name: 'a' }, { name: 'b' })).toBe(false)
    expect(test({ field: 'n', op: 'increasedBy', value: 2 }, { n: 1 }, { n: 3 })).toBe(true)
    expect(test({ field: 'n', op: 'increasedBy', value: 2 }, { n: 1 }, { n: 2.5 })).toBe(false)
    expect(test({ field: 'n', op: 'decreasedBy', value: 1 }, { n: 3 }, { n: 1 })).toBe(true)
    expect(test({ field: 'n', op: 'increasedBy', value: 1 }, { n: null }, { n: 5 })).toBe(false)
  })
})

describe('one filter semantics: automation conditions vs core', () => {
  const jsonModel: ModelDefinition = {
    ...model,
    fields: { ...model.fields, custom: { type: 'json' }, emailAddresses: { type: 'json', array: true } },
    lowerCasedFields: ['emailAddresses'],
  }
  const jsonCatalog = fieldCatalogOf(jsonModel)
  const compile = (condition: Condition) => {
    const c = compileCondition(condition, jsonCatalog)
    if (!c.ok) throw new Error(JSON.stringify(c.issues))
    return c.condition
  }
  const snapshot = (record: Record<string, unknown>, before: Record<string, unknown> | null = null) => ({
    record,
    before,
    now: new Date(0),
  })

  it('null and undefined (and a missing key) are the same value, as in core', () => {
    for (const record of [{ name: null }, { name: undefined }, {}]) {
      expect(compile({ field: 'name', op: 'eq', value: null }).test(snapshot(record))).toBe(true)
      expect(compile({ field: 'name', op: 'isNull', value: true }).test(snapshot(record))).toBe(true)
      expect(compile({ field: 'name', op: 'ne', value: 'a' }).test(snapshot(record))).toBe(true)
      expect(compile({ field: 'name', op: 'in', value: [null] }).test(snapshot(record))).toBe(true)
      expect(compile({ field: 'custom.tier', op: 'eq', value: null }).test(snapshot(record))).toBe(true)
      expect(compile({ field: 'name', op: 'changed' }).test(snapshot(record, { name: null }))).toBe(false)
      expect(compile({ field: 'name', op: 'changed' }).test(snapshot({ name: null }, record))).toBe(false)
    }
  })

  it('{ x: 1, y: undefined } and { x: 1 } are the same value for change predicates, as in core', () => {
    const before = { custom: { x: 1 } }
    const after = { custom: { x: 1, y: undefined } }
    expect(compile({ field: 'custom', op: 'changed' }).test(snapshot(after, before))).toBe(false)
    expect(compile({ field: 'custom.y', op: 'changed' }).test(snapshot(after, before))).toBe(false)
    expect(compile({ field: 'custom.y', op: 'isNull', value: true }).test(snapshot(after))).toBe(true)
  })

  it('lower-cased keys (emails) match case-insensitively, as core filters do', () => {
    const record = { emailAddresses: ['Dora.Ma@Example.com'] }
    expect(
      compile({ field: 'emailAddresses', op: 'eq', value: 'dora.ma@EXAMPLE.com' }).test(snapshot(record)),
    ).toBe(true)
    expect(
      compile({ field: 'emailAddresses', op: 'changedTo', value: 'DORA.MA@example.com' }).test(
        snapshot(record, { emailAddresses: [] }),
      ),
    ).toBe(true)
  })

  /** Values with undefined, missing keys and nulls: the cases the two implementations used to disagree on. */
  const value = fc.constantFrom<unknown>(undefined, null, 'a', 'A', 'b', 1, 2)
  const rec = fc.record(
    { name: value, n: fc.constantFrom<unknown>(undefined, null, 0, 1, 2.5) },
    { requiredKeys: [] },
  )

  it('change predicates agree with core: changed ⇔ !sameValue, changedTo/From ⇔ changed ∧ core eq', () => {
    fc.assert(
      fc.property(rec, rec, fc.constantFrom<unknown>(null, 'a', 'b'), (before, after, want) => {
        const changed = !sameValue(before['name'], after['name'])
        expect(compile({ field: 'name', op: 'changed' }).test(snapshot(after, before))).toBe(changed)
        const eq = (side: Record<string, unknown>) =>
          evaluateStorageFilter(
            want === null
              ? { kind: 'isNull', ref: refs.name, isNull: true }
              : { kind: 'compare', ref: refs.name, op: 'eq', value: want as string },
            { name: (side['name'] ?? null) as never },
            { related: () => [] },
          )
        const to = compile({ field: 'name', op: 'changedTo', value: want as string }).test(
          snapshot(after, before),
        )
        expect(to).toBe(changed && eq(after))
        const from = compile({ field: 'name', op: 'changedFrom', value: want as string }).test(
          snapshot(after, before),
        )
        expect(from).toBe(changed && eq(before))
      }),
      { numRuns: 500 },
    )
  })

  it('conditions agree with core createFilterPredicate on records with undefined values', () => {
    const target = {
      entity: 'thing',
      resolveField: (p: string) => (p === 'name' ? refs.name : p === 'n' ? refs.n : undefined),
      resolveRelation: () => undefined,
      fieldPaths: () => ['name', 'n'],
    }
    fc.assert(
      fc.property(
        tree.filter((t) => !JSON.stringify(t.condition).includes('tags')),
        rec,
        ({ condition }, r) => {
          const core = createFilterPredicate(
            condition,
            target,
            { now: new Date(0), tenantId: 't' },
            { related: () => [] },
          )
          const row = { name: (r['name'] ?? null) as never, n: (r['n'] ?? null) as never }
          expect(compile(condition).test(snapshot(r))).toBe(core(row))
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('paths into JSON (custom fields) take the type of the compared value', () => {
  const catalog = fieldCatalogOf({ ...model, fields: { ...model.fields, custom: { type: 'json' } } })
  const test = (condition: Condition, custom: Record<string, unknown>, now = new Date(0)) => {
    const c = compileCondition(condition, catalog)
    if (!c.ok) throw new Error(JSON.stringify(c.issues))
    return c.condition.test({ record: { custom }, before: null, now })
  }
  it('numbers compare numerically, instants as ISO strings, $ago from the evaluation time', () => {
    expect(test({ field: 'custom.score', op: 'gte', value: 5 }, { score: 10 })).toBe(true)
    expect(test({ field: 'custom.score', op: 'lt', value: 5 }, { score: 10 })).toBe(false)
    expect(test({ field: 'custom.score', op: 'between', value: [1, 10] }, { score: 10 })).toBe(true)
    const renewal = { renewsAt: '2026-03-01T00:00:00.000Z' }
    const now = new Date('2026-03-16T00:00:00Z')
    expect(test({ field: 'custom.renewsAt', op: 'lte', value: { $ago: { days: 15 } } }, renewal, now)).toBe(
      true,
    )
    expect(test({ field: 'custom.renewsAt', op: 'gt', value: { $ago: { days: 14 } } }, renewal, now)).toBe(
      false,
    )
    expect(test({ field: 'custom.tier', op: 'eq', value: 'gold' }, { tier: 'gold' })).toBe(true)
  })
})
