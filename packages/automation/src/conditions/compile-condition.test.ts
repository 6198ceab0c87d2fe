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
      fc.constantFrom('name', 'tags'),
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
