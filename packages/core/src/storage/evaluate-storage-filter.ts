import { RapportError } from '../errors/rapport-error.js'
import { compareStorageValues, compareStringsByCodePoint, readFieldRef } from './compare-storage-values.js'
import { expandKeysetAfter } from './keyset-after.js'
import type {
  CompareOperator,
  FieldRef,
  ResolvedRelation,
  StorageFilter,
  StorageRow,
  StorageValue,
  TextOperator,
} from './storage-filter.js'

/** What {@link compileStorageFilter} needs besides the filter: how to reach related rows for `exists` and `count` nodes. */
export interface CompileStorageFilterOptions {
  /**
   * The rows related to `row` through `relation`, already confined to the same tenant and joined as described on
   * {@link ResolvedRelation}. Called lazily, only when an `exists` or `count` node is reached for a row; iteration stops as
   * soon as the answer is known (the first matching row for `exists`).
   */
  related(relation: ResolvedRelation, row: StorageRow): Iterable<StorageRow>
}

/** A compiled {@link StorageFilter}: strictly `true` or `false` for every row, and never throws on odd data. */
export type StoragePredicate = (row: StorageRow) => boolean

/** A test on one value already read from a row. */
type ValueTest = (value: StorageValue) => boolean

const alwaysTrue: StoragePredicate = () => true
const alwaysFalse: StoragePredicate = () => false

/**
 * Compiles a {@link StorageFilter} into a predicate, walking the tree once: every node becomes a closure with its
 * constants prepared up front (folded needles, membership sets, timestamps), so evaluating a row does no tree walk,
 * no allocation and no type dispatch on the filter. This is the reference semantics of the storage port; the
 * in-memory adapter uses it directly and SQL adapters are tested against it.
 *
 * Semantics, exactly as documented on {@link StorageFilter}:
 * - a missing column, a missing JSON key and `null` are the same value, `null`;
 * - `eq`/`ne` treat `null` as an ordinary value; `lt`/`lte`/`gt`/`gte` are false when either side is `null`;
 * - `in` is true when the value equals a member (`null` may be a member); `nin` is its exact negation;
 * - `text` is false unless the value is a string; it is case-sensitive by code point, and `caseInsensitive` folds
 *   ASCII A–Z only (`'É'` never matches `'é'`);
 * - values of different kinds (a number against a string, a `Date` against an ISO string) are never equal and never
 *   ordered, so `eq` is false, `ne` is true and ordered comparisons are false;
 * - `array` refs: `eq`/`in` test membership, `ne`/`nin` are their negations, ordered and `text` tests hold when
 *   some element satisfies them, and `null`/`isNull` mean "null, missing or empty"; `null` elements inside an array
 *   never match anything (arrays hold scalars);
 * - `and []` is true, `or []` is false, `not` is the exact negation of its child.
 *
 * @throws `RapportError('INVALID_FILTER')` when the tree contains a node kind or operator it does not know.
 *
 * @example
 * ```ts
 * import { compileStorageFilter, type StorageFilter } from '@rapport/core/storage'
 *
 * const isGold: StorageFilter = {
 *   kind: 'compare',
 *   ref: { field: 'custom', path: ['tier'], type: 'string' },
 *   op: 'eq',
 *   value: 'gold',
 * }
 * const matches = compileStorageFilter(isGold, { related: () => [] })
 * matches({ id: 'con_1', custom: { tier: 'gold' } }) // true
 * matches({ id: 'con_2', custom: null }) // false
 * ```
 */
export function compileStorageFilter(
  filter: StorageFilter,
  options: CompileStorageFilterOptions,
): StoragePredicate {
  return compileNode(filter, options)
}

/**
 * Evaluates a {@link StorageFilter} against one row. A convenience over {@link compileStorageFilter}; compile once
 * and reuse the predicate when testing many rows.
 *
 * @example
 * ```ts
 * import { evaluateStorageFilter } from '@rapport/core/storage'
 *
 * evaluateStorageFilter(
 *   { kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true },
 *   { id: 'con_1', archivedAt: null },
 *   { related: () => [] },
 * ) // true
 * ```
 */
export function evaluateStorageFilter(
  filter: StorageFilter,
  row: StorageRow,
  options: CompileStorageFilterOptions,
): boolean {
  return compileStorageFilter(filter, options)(row)
}

function compileNode(node: StorageFilter, options: CompileStorageFilterOptions): StoragePredicate {
  switch (node.kind) {
    case 'and':
      return compileAnd(node.filters.map((child) => compileNode(child, options)))
    case 'or':
      return compileOr(node.filters.map((child) => compileNode(child, options)))
    case 'not': {
      const inner = compileNode(node.filter, options)
      return (row) => !inner(row)
    }
    case 'const':
      return node.value ? alwaysTrue : alwaysFalse
    case 'compare':
      return compareNode(node.ref, node.op, node.value)
    case 'in': {
      const predicate = onRef(node.ref, membershipTest(node.values), node.values.includes(null))
      return node.negate ? (row) => !predicate(row) : predicate
    }
    case 'text':
      return onRef(node.ref, textTest(node.op, node.value, node.caseInsensitive), false)
    case 'isNull': {
      const isNull = nullTest(node.ref)
      return node.isNull ? isNull : (row) => !isNull(row)
    }
    case 'after':
      return compileNode(expandKeysetAfter(node.orderBy, node.values), options)
    case 'exists': {
      const { relation } = node
      const inner = compileNode(node.filter, options)
      return (row) => {
        for (const related of options.related(relation, row)) if (inner(related)) return true
        return false
      }
    }
    case 'count':
      return countNode(node.relation, compileNode(node.filter, options), node.min, node.max, options)
    default:
      throw new RapportError('INVALID_FILTER', `Unknown storage filter node kind ${describe(node)}`, {
        details: { path: '', reason: 'unknown node kind' },
      })
  }
}

/**
 * Counts the related rows that pass `inner`, stopping as soon as the answer is known: past `max`, or at `min` when
 * the range is unbounded.
 */
function countNode(
  relation: ResolvedRelation,
  inner: StoragePredicate,
  min: number,
  max: number | null,
  options: CompileStorageFilterOptions,
): StoragePredicate {
  if (!Number.isSafeInteger(min) || min < 0 || (max !== null && (!Number.isSafeInteger(max) || max < min))) {
    throw new RapportError('INVALID_FILTER', `Invalid count range [${min}, ${max}]`, {
      details: { path: '', reason: 'invalid count range' },
    })
  }
  return (row) => {
    let n = 0
    for (const related of options.related(relation, row)) {
      if (!inner(related)) continue
      n++
      if (max === null ? n >= min : n > max) break
    }
    return n >= min && (max === null || n <= max)
  }
}

function compileAnd(children: StoragePredicate[]): StoragePredicate {
  if (children.length === 0) return alwaysTrue
  if (children.length === 1) return children[0]!
  return (row) => {
    for (const child of children) if (!child(row)) return false
    return true
  }
}

function compileOr(children: StoragePredicate[]): StoragePredicate {
  if (children.length === 0) return alwaysFalse
  if (children.length === 1) return children[0]!
  return (row) => {
    for (const child of children) if (child(row)) return true
    return false
  }
}

/**
 * Applies a value test to the value a ref points at. For `array` refs the test passes when some non-null element
 * passes it, and `matchesEmpty` says whether a null, missing or empty array passes (`eq null`, `in [null, …]`).
 */
function onRef(ref: FieldRef, test: ValueTest, matchesEmpty: boolean): StoragePredicate {
  if (!ref.array) return (row) => test(readFieldRef(row, ref))
  return (row) => {
    const elements = arrayElements(readFieldRef(row, ref))
    if (elements.length === 0) return matchesEmpty
    for (const element of elements) if (element !== null && test(element)) return true
    return false
  }
}

/** The elements of an `array` ref's value: `null` is empty, and a lone scalar counts as a one-element array. */
function arrayElements(value: StorageValue): readonly StorageValue[] {
  if (value === null) return []
  return Array.isArray(value) ? value : [value]
}

function nullTest(ref: FieldRef): StoragePredicate {
  if (ref.array) return (row) => arrayElements(readFieldRef(row, ref)).length === 0
  return (row) => readFieldRef(row, ref) === null
}

function compareNode(ref: FieldRef, op: CompareOperator, value: StorageValue): StoragePredicate {
  switch (op) {
    case 'eq':
      return onRef(ref, equalityTest(value), value === null)
    case 'ne': {
      const eq = onRef(ref, equalityTest(value), value === null)
      return (row) => !eq(row)
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      // Ordered comparisons are false on null, on either side.
      return value === null ? alwaysFalse : onRef(ref, orderedTest(op, value), false)
    default:
      throw new RapportError('INVALID_FILTER', `Unknown comparison operator ${describe(op)}`, {
        details: { path: '', reason: 'unknown operator' },
      })
  }
}

/** Equality of a stored value with a constant: same kind and same value; `Date`s by instant; JSON deeply. */
function equalityTest(expected: StorageValue): ValueTest {
  if (expected === null) return (value) => value === null
  if (typeof expected !== 'object') return (value) => value === expected
  if (expected instanceof Date) {
    const time = expected.getTime()
    return (value) => value instanceof Date && value.getTime() === time
  }
  // JSON arrays and objects: equal when the total order says so (kinds must match, so 1 never equals '1').
  return (value) =>
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    compareStorageValues(value, expected) === 0
}

/**
 * An ordered comparison with a non-null constant. Only values of the constant's kind are ordered against it;
 * anything else (null, another kind, `NaN`, an invalid date) makes the comparison false.
 */
function orderedTest(op: 'lt' | 'lte' | 'gt' | 'gte', expected: StorageValue): ValueTest {
  const holds = signTest(op)
  switch (typeof expected) {
    case 'string':
      return (value) => typeof value === 'string' && holds(compareStringsByCodePoint(value, expected))
    case 'number':
      // `NaN` on either side makes every `<`/`>` comparison false in JavaScript, which is what we want.
      return (value) => typeof value === 'number' && holdsNumeric(op, value, expected)
    case 'boolean':
      return (value) => typeof value === 'boolean' && holds(Number(value) - Number(expected))
    default: {
      if (expected instanceof Date) {
        const time = expected.getTime()
        return (value) => value instanceof Date && holdsNumeric(op, value.getTime(), time)
      }
      // JSON arrays and objects have no order a SQL adapter could reproduce; ordered comparisons are false.
      return () => false
    }
  }
}

function signTest(op: 'lt' | 'lte' | 'gt' | 'gte'): (sign: number) => boolean {
  switch (op) {
    case 'lt':
      return (sign) => sign < 0
    case 'lte':
      return (sign) => sign <= 0
    case 'gt':
      return (sign) => sign > 0
    default:
      return (sign) => sign >= 0
  }
}

function holdsNumeric(op: 'lt' | 'lte' | 'gt' | 'gte', a: number, b: number): boolean {
  switch (op) {
    case 'lt':
      return a < b
    case 'lte':
      return a <= b
    case 'gt':
      return a > b
    default:
      return a >= b
  }
}

/**
 * Membership in a constant list, prepared as per-kind sets so a row costs one lookup. `null` members are handled by
 * the caller for array refs (they mean "empty") and here for scalar refs.
 */
function membershipTest(members: readonly StorageValue[]): ValueTest {
  const strings = new Set<string>()
  const numbers = new Set<number>()
  const times = new Set<number>()
  const booleans = new Set<boolean>()
  const complex: StorageValue[] = []
  let hasNull = false
  for (const member of members) {
    if (member === null) hasNull = true
    else if (typeof member === 'string') strings.add(member)
    else if (typeof member === 'number') {
      // `Set` uses SameValueZero, under which NaN equals NaN; `eq` never matches NaN, so neither does `in`.
      if (!Number.isNaN(member)) numbers.add(member)
    } else if (typeof member === 'boolean') booleans.add(member)
    else if (member instanceof Date) {
      if (!Number.isNaN(member.getTime())) times.add(member.getTime())
    } else complex.push(member)
  }
  const complexTests = complex.map(equalityTest)
  return (value) => {
    if (value === null) return hasNull
    switch (typeof value) {
      case 'string':
        return strings.has(value)
      case 'number':
        return numbers.has(value)
      case 'boolean':
        return booleans.has(value)
      default:
        if (value instanceof Date) return times.has(value.getTime())
        for (const test of complexTests) if (test(value)) return true
        return false
    }
  }
}

/** Folds ASCII A–Z to a–z and nothing else: the one case folding SQLite, Postgres and JavaScript agree on. */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

function textTest(op: TextOperator, needle: string, caseInsensitive: boolean): ValueTest {
  const prepared = caseInsensitive ? foldAsciiCase(needle) : needle
  const fold = caseInsensitive ? foldAsciiCase : (text: string) => text
  switch (op) {
    case 'contains':
      return (value) => typeof value === 'string' && fold(value).includes(prepared)
    case 'startsWith':
      return (value) => typeof value === 'string' && fold(value).startsWith(prepared)
    case 'endsWith':
      return (value) => typeof value === 'string' && fold(value).endsWith(prepared)
    default:
      throw new RapportError('INVALID_FILTER', `Unknown text operator ${describe(op)}`, {
        details: { path: '', reason: 'unknown operator' },
      })
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object' && value !== null && 'kind' in value)
    return JSON.stringify(String(value.kind))
  return String(value)
}
