/**
 * Property tests for the filter language: random filters over random records, checked against a deliberately naive
 * reference interpreter written here from the documented semantics (storage-filter.ts, filter-types.ts and
 * docs/guides/filters.md). The reference shares no code with the implementation: it interprets the *public* filter
 * directly, recursively, with none of the compilation, coercion or closure building.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FieldRef, ResolvedRelation, StorageRow } from '../storage/storage-filter.js'
import { valuePool } from '../testing/value-pool.js'
import { createFilterPredicate } from './create-filter-predicate.js'
import type { FilterContext, FilterTarget } from './filter-target.js'

// ---------------------------------------------------------------------------------------------------------------
// The entity under test, described once for the target and once (independently) for the reference.

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date'
interface Spec {
  readonly kind: Kind
  /** Where the value lives: a column, or a key of the `custom` JSON column. */
  readonly column: string
  readonly jsonKey?: string
  readonly array?: boolean
}

const personFields: Record<string, Spec> = {
  name: { kind: 'string', column: 'name' },
  age: { kind: 'integer', column: 'age' },
  score: { kind: 'number', column: 'score' },
  active: { kind: 'boolean', column: 'active' },
  seenAt: { kind: 'datetime', column: 'seenAt' },
  birthday: { kind: 'date', column: 'birthday' },
  tags: { kind: 'string', column: 'tags', array: true },
  'custom.tier': { kind: 'string', column: 'custom', jsonKey: 'tier' },
  'custom.seats': { kind: 'integer', column: 'custom', jsonKey: 'seats' },
  'custom.since': { kind: 'datetime', column: 'custom', jsonKey: 'since' },
}
const dealFields: Record<string, Spec> = {
  status: { kind: 'string', column: 'status' },
  amount: { kind: 'integer', column: 'amount' },
}

const dealsRelation: ResolvedRelation = {
  kind: 'direct',
  model: 'deal',
  localField: 'id',
  relatedField: 'personId',
}

function targetFor(
  entity: string,
  fields: Record<string, Spec>,
  relations: () => Record<string, FilterTarget>,
) {
  const target: FilterTarget = {
    entity,
    resolveField(path) {
      if (!Object.hasOwn(fields, path)) return undefined
      const spec = fields[path]!
      const ref: FieldRef = {
        field: spec.column,
        type: spec.kind,
        ...(spec.jsonKey === undefined ? {} : { path: [spec.jsonKey] }),
        ...(spec.array ? { array: true } : {}),
      }
      return ref
    },
    resolveRelation(name) {
      const all = relations()
      return Object.hasOwn(all, name) ? { relation: dealsRelation, target: all[name]! } : undefined
    },
    fieldPaths: () => Object.keys(fields),
  }
  return target
}

const dealTarget = targetFor('deal', dealFields, () => ({}))
const personTarget = targetFor('person', personFields, () => ({ deals: dealTarget }))

const NOW = Date.parse('2025-06-15T12:00:00.000Z')
const DAY = 86_400_000
const context: FilterContext = {
  now: new Date(NOW),
  tenantId: 'ten_1',
  actor: { id: 'ab' },
  vars: { word: 'É' },
}

// ---------------------------------------------------------------------------------------------------------------
// Value pools: small, so random filters and records collide often; full of edge cases.

// Strings, integers and numbers come from the one value pool every differential test shares (see valuePool).
const STRINGS = valuePool.strings
const INTEGERS = valuePool.integers
const NUMBERS = valuePool.numbers
const INSTANTS = [
  NOW,
  NOW + 1,
  NOW - 1,
  NOW - DAY,
  NOW - 30 * DAY,
  NOW - 31 * DAY,
  NOW + 3 * DAY,
  Date.parse('2000-01-01'),
]
const DATES = ['2024-02-29', '2025-01-01', '2025-01-02', '2024-12-31', '2025-06-15']
const TAGS = ['vip', 'Vip', 'beta', 'alpha']
const DEAL_STATUSES = ['open', 'won', 'lost', 'Open']

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values)

/** A filter value of a kind, in every spelling the public language accepts. */
function filterValue(spec: Spec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'string':
      return spec.array
        ? pick(TAGS)
        : fc.oneof(pick(STRINGS), fc.constant({ $var: 'actor.id' }), fc.constant({ $var: 'vars.word' }))
    case 'integer':
      return pick(INTEGERS)
    case 'number':
      return fc.oneof(pick(NUMBERS), pick(INTEGERS.slice(0, 6)))
    case 'boolean':
      return fc.boolean()
    case 'date':
      return pick(DATES)
    case 'datetime':
      return fc.oneof(
        pick(INSTANTS).map((t) => new Date(t)),
        pick(INSTANTS).map((t) => new Date(t).toISOString()),
        // The same instant written with an offset.
        pick(INSTANTS).map((t) => `${new Date(t + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`),
        fc.constant('2025-06-15'),
        fc.constantFrom(0, 1, 30, 31).map((days) => ({ $ago: { days } })),
        fc.constantFrom(1, 3).map((days) => ({ $fromNow: { days } })),
        fc.constant({ $var: 'now' }),
      )
  }
}

/** A stored value of a kind, as an adapter returns it (datetime JSON paths hold normalised ISO strings). */
function storedValue(spec: Spec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'string':
      return pick(spec.column === 'status' ? DEAL_STATUSES : STRINGS)
    case 'integer':
      return pick(INTEGERS)
    case 'number':
      return fc.oneof(pick(NUMBERS), pick(INTEGERS))
    case 'boolean':
      return fc.boolean()
    case 'date':
      return pick(DATES)
    case 'datetime':
      return pick(INSTANTS).map((t) => (spec.jsonKey === undefined ? new Date(t) : new Date(t).toISOString()))
  }
}

function condition(fields: Record<string, Spec>): fc.Arbitrary<unknown> {
  return fc.constantFrom(...Object.keys(fields)).chain((field) => {
    const spec = fields[field]!
    const value = filterValue(spec)
    const nullable = fc.oneof(fc.constant(null), value)
    const options: fc.Arbitrary<unknown>[] = [
      fc.record({ field: fc.constant(field), op: fc.constantFrom('eq', 'ne'), value: nullable }),
      fc.record({
        field: fc.constant(field),
        op: fc.constantFrom('in', 'nin'),
        value: fc.array(nullable, { maxLength: 4 }),
      }),
      fc.record({ field: fc.constant(field), op: fc.constant('isNull'), value: fc.boolean() }),
    ]
    if (!spec.array) {
      options.push(
        fc.record({ field: fc.constant(field), op: fc.constantFrom('lt', 'lte', 'gt', 'gte'), value }),
        fc.record({ field: fc.constant(field), op: fc.constant('between'), value: fc.tuple(value, value) }),
      )
    }
    if (spec.kind === 'string' && !spec.array) {
      options.push(
        fc.record(
          {
            field: fc.constant(field),
            op: fc.constantFrom('contains', 'startsWith', 'endsWith'),
            value: fc.oneof(pick(STRINGS), fc.constant({ $var: 'vars.word' })),
            caseInsensitive: fc.boolean(),
          },
          { requiredKeys: ['field', 'op', 'value'] },
        ),
      )
    }
    return fc.oneof(...options)
  })
}

function tree(
  leaf: fc.Arbitrary<unknown>,
  extra: (tie: (key: 'node') => fc.Arbitrary<unknown>) => fc.Arbitrary<unknown>[],
) {
  return fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
      ...extra(tie),
    ),
  })).node
}

const dealFilter = tree(condition(dealFields), () => [])
const personFilter = tree(condition(personFields), () => [
  fc.record({ exists: fc.constant('deals'), where: dealFilter }, { requiredKeys: ['exists'] }),
])

const MISSING = Symbol('missing')

/** A row with each column missing, null or a value; `custom` JSON with keys missing, null, a value or wrong-typed. */
function rowOf(fields: Record<string, Spec>, id: string): fc.Arbitrary<StorageRow> {
  const columns: Record<string, fc.Arbitrary<unknown>> = {}
  const customKeys: Record<string, fc.Arbitrary<unknown>> = {}
  for (const spec of Object.values(fields)) {
    const maybe = (value: fc.Arbitrary<unknown>) => fc.oneof(fc.constant(MISSING), fc.constant(null), value)
    if (spec.jsonKey !== undefined) {
      // A custom field whose type changed leaves wrong-typed values behind: numbers where strings are declared and
      // the reverse; they must never match a typed comparison.
      const wrong =
        spec.kind === 'string' ? fc.constant(5) : spec.kind === 'integer' ? fc.constant('5') : fc.constant(7)
      customKeys[spec.jsonKey] = fc.oneof(fc.constant(MISSING), fc.constant(null), storedValue(spec), wrong)
    } else if (spec.array) {
      const element = fc.oneof(
        { weight: 4, arbitrary: pick(TAGS) },
        { weight: 1, arbitrary: fc.constant(null) },
      )
      columns[spec.column] = fc.oneof(
        fc.constant(MISSING),
        fc.constant(null),
        fc.array(element, { maxLength: 3 }),
        pick(TAGS),
      )
    } else {
      columns[spec.column] = maybe(storedValue(spec))
    }
  }
  if (Object.keys(customKeys).length > 0) {
    columns['custom'] = fc.oneof(
      fc.constant(MISSING),
      fc.constant(null),
      fc.constant([]),
      fc.record(customKeys),
    )
  }
  return fc.record(columns).map((drawn) => {
    const row: StorageRow = { id }
    for (const [key, value] of Object.entries(drawn)) {
      if (value === MISSING) continue
      if (key === 'custom' && value !== null && !Array.isArray(value)) {
        const custom: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          if (v !== MISSING) custom[k] = v
        row[key] = custom as StorageRow[string]
      } else {
        row[key] = value as StorageRow[string]
      }
    }
    return row
  })
}

interface World {
  readonly people: StorageRow[]
  readonly deals: Map<string, StorageRow[]>
}

const world: fc.Arbitrary<World> = fc.integer({ min: 0, max: 12 }).chain((count) => {
  const people = Array.from({ length: count }, (_, i) => rowOf(personFields, `per_${i}`))
  const deals = Array.from({ length: count }, (_, i) =>
    fc
      .array(rowOf(dealFields, 'deal'), { maxLength: 3 })
      .map((rows) => rows.map((row, j) => ({ ...row, id: `deal_${i}_${j}`, personId: `per_${i}` }))),
  )
  return fc.tuple(fc.tuple(...people), fc.tuple(...deals)).map(([p, d]) => ({
    people: p,
    deals: new Map(p.map((row, i) => [String(row['id']), d[i]!])),
  }))
})

// ---------------------------------------------------------------------------------------------------------------
// The reference interpreter.

function read(row: StorageRow, spec: Spec): unknown {
  const column = Object.hasOwn(row, spec.column) ? row[spec.column] : null
  if (spec.jsonKey === undefined) return column ?? null
  if (column === null || typeof column !== 'object' || Array.isArray(column) || column instanceof Date)
    return null
  return Object.hasOwn(column, spec.jsonKey)
    ? ((column as Record<string, unknown>)[spec.jsonKey] ?? null)
    : null
}

/** A public filter value as the reference sees it: placeholders bound, datetimes as epoch milliseconds. */
function bind(value: unknown, spec: Spec): unknown {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const placeholder = value as Record<string, unknown>
    if ('$var' in placeholder) {
      if (placeholder['$var'] === 'now') return NOW
      if (placeholder['$var'] === 'actor.id') return 'ab'
      return 'É'
    }
    if ('$ago' in placeholder) return NOW - (placeholder['$ago'] as { days: number }).days * DAY
    if ('$fromNow' in placeholder) return NOW + (placeholder['$fromNow'] as { days: number }).days * DAY
  }
  if (spec.kind === 'datetime' && value !== null)
    return value instanceof Date ? value.getTime() : Date.parse(String(value))
  return value
}

/** The stored value as the reference compares it: datetimes (Date or ISO string) as epoch milliseconds. */
function normalise(stored: unknown, spec: Spec): unknown {
  if (spec.kind !== 'datetime' || stored === null) return stored
  if (stored instanceof Date) return stored.getTime()
  if (typeof stored === 'string') return Date.parse(stored)
  return { wrongType: stored }
}

function sameKind(a: unknown, b: unknown): boolean {
  return typeof a === typeof b && typeof a !== 'object'
}

function equal(stored: unknown, wanted: unknown): boolean {
  if (wanted === null || stored === null) return wanted === stored
  return sameKind(stored, wanted) && stored === wanted
}

function codePoints(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0)!)
}

/** -1, 0, 1, or undefined when the two cannot be ordered (null, different kinds). */
function order(stored: unknown, wanted: unknown): number | undefined {
  if (stored === null || wanted === null || !sameKind(stored, wanted)) return undefined
  if (typeof stored === 'string') {
    const a = codePoints(stored)
    const b = codePoints(wanted as string)
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
  }
  if (typeof stored === 'boolean') return stored === wanted ? 0 : stored ? 1 : -1
  const x = stored as number
  const y = wanted as number
  return x === y ? 0 : x < y ? -1 : 1
}

function lowerAscii(text: string): string {
  let out = ''
  for (const char of text)
    out += char >= 'A' && char <= 'Z' ? String.fromCharCode(char.charCodeAt(0) + 32) : char
  return out
}

function reference(
  filter: unknown,
  row: StorageRow,
  fields: Record<string, Spec>,
  deals: World['deals'],
): boolean {
  const node = filter as Record<string, unknown>
  if ('and' in node) return (node['and'] as unknown[]).every((child) => reference(child, row, fields, deals))
  if ('or' in node) return (node['or'] as unknown[]).some((child) => reference(child, row, fields, deals))
  if ('not' in node) return !reference(node['not'], row, fields, deals)
  if ('exists' in node) {
    const related = deals.get(String(row['id'])) ?? []
    return related.some(
      (deal) => node['where'] === undefined || reference(node['where'], deal, dealFields, deals),
    )
  }
  const spec = fields[node['field'] as string]!
  const op = node['op'] as string
  const raw = read(row, spec)

  if (spec.array) {
    const elements = raw === null ? [] : Array.isArray(raw) ? raw : [raw]
    const has = (wanted: unknown) =>
      wanted === null ? elements.length === 0 : elements.some((e) => e !== null && equal(e, wanted))
    switch (op) {
      case 'eq':
        return has(node['value'])
      case 'ne':
        return !has(node['value'])
      case 'in':
        return (node['value'] as unknown[]).some(has)
      case 'nin':
        return !(node['value'] as unknown[]).some(has)
      case 'isNull':
        return (elements.length === 0) === node['value']
    }
    throw new Error(`reference: ${op} on an array`)
  }

  const stored = normalise(raw, spec)
  const value = (v: unknown) => bind(v, spec)
  switch (op) {
    case 'eq':
      return equal(stored, value(node['value']))
    case 'ne':
      return !equal(stored, value(node['value']))
    case 'lt':
      return (order(stored, value(node['value'])) ?? 0) < 0
    case 'lte': {
      const o = order(stored, value(node['value']))
      return o !== undefined && o <= 0
    }
    case 'gt':
      return (order(stored, value(node['value'])) ?? 0) > 0
    case 'gte': {
      const o = order(stored, value(node['value']))
      return o !== undefined && o >= 0
    }
    case 'between': {
      const [from, to] = node['value'] as [unknown, unknown]
      const low = order(stored, value(from))
      const high = order(stored, value(to))
      return low !== undefined && low >= 0 && high !== undefined && high <= 0
    }
    case 'in':
      return (node['value'] as unknown[]).some((member) => equal(stored, value(member)))
    case 'nin':
      return !(node['value'] as unknown[]).some((member) => equal(stored, value(member)))
    case 'isNull':
      return (stored === null) === node['value']
    default: {
      if (typeof stored !== 'string') return false
      const fold = node['caseInsensitive'] === true ? lowerAscii : (text: string) => text
      const haystack = fold(stored)
      const needle = fold(value(node['value']) as string)
      if (op === 'contains') return haystack.includes(needle)
      if (op === 'startsWith') return haystack.startsWith(needle)
      return haystack.endsWith(needle)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

function predicateFor(filter: unknown, deals: World['deals']) {
  return createFilterPredicate(filter, personTarget, context, {
    related: (relation, row) => {
      expect(relation).toBe(dealsRelation)
      return deals.get(String(row[relation.kind === 'direct' ? relation.localField : 'id'])) ?? []
    },
  })
}

// Thousands of random cases take a few seconds, more on a loaded CI machine: a generous timeout, never a timing assertion.
describe('filter properties', { timeout: 60_000 }, () => {
  it('the compiled evaluator agrees with a naive reference interpreter on random filters and records', () => {
    fc.assert(
      fc.property(personFilter, world, (filter, { people, deals }) => {
        const predicate = predicateFor(filter, deals)
        for (const row of people) {
          expect(predicate(row), JSON.stringify({ filter, row })).toBe(
            reference(filter, row, personFields, deals),
          )
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('not(f) is the exact complement of f, nulls and missing keys included', () => {
    fc.assert(
      fc.property(personFilter, world, (filter, { people, deals }) => {
        const positive = predicateFor(filter, deals)
        const negative = predicateFor({ not: filter }, deals)
        for (const row of people) expect(negative(row)).toBe(!positive(row))
      }),
      { numRuns: 500 },
    )
  })

  it('nin is the exact complement of in, and ne of eq', () => {
    const listCondition = fc.constantFrom(...Object.keys(personFields)).chain((field) => {
      const spec = personFields[field]!
      return fc.record({
        field: fc.constant(field),
        list: fc.array(fc.oneof(fc.constant(null), filterValue(spec)), { maxLength: 4 }),
      })
    })
    fc.assert(
      fc.property(listCondition, world, ({ field, list }, { people, deals }) => {
        const inList = predicateFor({ field, op: 'in', value: list }, deals)
        const notInList = predicateFor({ field, op: 'nin', value: list }, deals)
        const first = list[0] ?? null
        const eq = predicateFor({ field, op: 'eq', value: first }, deals)
        const ne = predicateFor({ field, op: 'ne', value: first }, deals)
        for (const row of people) {
          expect(notInList(row)).toBe(!inList(row))
          expect(ne(row)).toBe(!eq(row))
        }
      }),
      { numRuns: 500 },
    )
  })
})
