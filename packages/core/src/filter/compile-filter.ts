import { RapportError } from '../errors/rapport-error.js'
import type { FieldRef, ResolvedRelation, StorageFilter, StorageValue } from '../storage/storage-filter.js'
import type { BoundValue, ParsedValue } from './bind-filter-value.js'
import {
  bindForValidation,
  bindWithContext,
  describeValue,
  fromZodIssue,
  parseFilterValue,
  ZOD_PARSE_OPTIONS,
} from './bind-filter-value.js'
import { checkFilterBounds } from './check-filter-bounds.js'
import { coerceFilterValue } from './coerce-filter-value.js'
import { childPath, indexPath, invalidFilter, quote } from './filter-error.js'
import { resolveFilterLimits } from './filter-limits.js'
import type { CountOperator, FilterOperator } from './filter-node-schemas.js'
import { ALL_OPERATORS, conditionSchemas, groupSchemas, MAX_COUNT } from './filter-node-schemas.js'
import type { FilterContext, FilterLimits, FilterTarget } from './filter-target.js'
import type { Filter } from './filter-types.js'
import { suggestFieldPaths } from './suggest-field-paths.js'

/** How one compilation binds placeholders and which limits apply. */
interface Compilation {
  readonly limits: FilterLimits
  readonly bind: (value: ParsedValue, path: string) => BoundValue
}

const OPERATORS: ReadonlySet<string> = new Set(ALL_OPERATORS)
const GROUP_KEYS = ['and', 'or', 'not', 'exists', 'count'] as const
const TRUE: StorageFilter = Object.freeze({ kind: 'const', value: true })
const FALSE: StorageFilter = Object.freeze({ kind: 'const', value: false })

/**
 * Compiles a filter from the public language (usually untrusted JSON) into the resolved, bound
 * {@link StorageFilter} adapters evaluate. In order:
 *
 * 1. **Bounds**, before anything else and without recursion: depth, node count, list and string lengths
 *    ({@link FilterLimits}), so a 5,000-deep or million-node tree is rejected at once.
 * 2. **Shape**, node by node with strict zod schemas: unknown keys, unknown operators and wrong value shapes are
 *    rejected with the exact path (`and[2].or[0].value`).
 * 3. **Fields and relations** are resolved through the {@link FilterTarget}; no user string ever reaches an adapter
 *    as an identifier. Unknown fields list close matches.
 * 4. **Placeholders** are bound from the {@link FilterContext}: `{ $var: 'now' | 'tenantId' | 'actor.…' | 'vars.…' }`,
 *    `{ $ago: duration }` and `{ $fromNow: duration }` (date-fns calendar arithmetic, in UTC).
 * 5. **Values** are checked and coerced to the field's type (ISO strings to `Date` for datetime columns, to
 *    normalised ISO strings for datetime JSON paths, safe integers, real calendar dates…).
 *
 * It also normalises: `eq null`/`ne null` become `isNull`, `between` becomes `gte` and `lte`, `in []` becomes
 * `false` and `nin []` `true`, `and []` `true` and `or []` `false`, an `exists` without `where` tests for any
 * related record, and a `count` comparison becomes an inclusive range of counts (`ne` its negation).
 *
 * @param filter - The filter, typically straight from a request body or a saved segment.
 * @param target - The entity the filter runs against.
 * @param context - The values placeholders bind to.
 * @param limits - Overrides of {@link DEFAULT_FILTER_LIMITS}.
 * @returns The storage filter; it holds no placeholders and only resolved fields.
 * @throws `RapportError('INVALID_FILTER')` with `details: { path, reason }` for any problem in the filter (plus
 *   `field` and `suggestions` for unknown fields; also when reading the filter throws, e.g. a throwing getter), and `RapportError('INVALID_CONFIG')` for invalid `limits` or a
 *   `context.now` that is not a valid `Date`.
 *
 * @example
 * ```ts
 * import { compileFilter, type Filter, type FilterTarget } from '@rapport/core/filter'
 *
 * declare const contactTarget: FilterTarget
 * const recentlyTouchedMine: Filter = {
 *   and: [
 *     { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
 *     { field: 'updatedAt', op: 'gte', value: { $ago: { days: 30 } } },
 *   ],
 * }
 * const where = compileFilter(recentlyTouchedMine, contactTarget, {
 *   now: new Date(),
 *   tenantId: 'ten_1',
 *   actor: { id: 'usr_1' },
 * })
 * ```
 */
export function compileFilter(
  filter: unknown,
  target: FilterTarget,
  context: FilterContext,
  limits?: Partial<FilterLimits>,
): StorageFilter {
  const resolved = resolveFilterLimits(limits)
  const bind = bindWithContext(context)
  return readingSafely(() => {
    checkFilterBounds(filter, resolved)
    return compileNode(filter, '', target, { limits: resolved, bind })
  })
}

/**
 * Checks a filter at save time (saved segments, automation conditions, access scopes) without binding it: bounds,
 * shape, fields, relations, operator/field compatibility and literal values are all checked exactly as
 * {@link compileFilter} does. Variable names are checked too, but `tenantId`, `actor.*` and `vars.*` can only be
 * bound, and so type-checked, at query time; `now`, `$ago` and `$fromNow` are checked against the current time.
 *
 * @throws `RapportError('INVALID_FILTER')` with `details: { path, reason }`.
 *
 * @example
 * ```ts
 * import { type FilterTarget, validateFilter } from '@rapport/core/filter'
 *
 * declare const dealTarget: FilterTarget
 * const input: unknown = JSON.parse('{"field":"stage","op":"in","value":["won","lost"]}')
 * validateFilter(input, dealTarget) // throws INVALID_FILTER, or narrows `input` to `Filter`
 * ```
 */
export function validateFilter(
  filter: unknown,
  target: FilterTarget,
  limits?: Partial<FilterLimits>,
): asserts filter is Filter {
  const resolved = resolveFilterLimits(limits)
  readingSafely(() => {
    checkFilterBounds(filter, resolved)
    compileNode(filter, '', target, { limits: resolved, bind: bindForValidation() })
  })
}

/**
 * Runs a compilation step over untrusted input. A filter is data, but a caller may hand over an object with a
 * throwing getter or a Proxy; whatever reading it throws becomes `INVALID_FILTER` (with the original error as
 * `cause`), as `create()` turns the same input into `VALIDATION_FAILED`.
 */
function readingSafely<T>(compile: () => T): T {
  try {
    return compile()
  } catch (error) {
    throw asFilterReadError(error)
  }
}

/**
 * What reading an untrusted filter threw, as the error callers get: a `RapportError` stays as it is, anything else
 * (a throwing getter, a Proxy trap) becomes `INVALID_FILTER` with the original error as `cause`. Every walker of a
 * caller's filter uses it, so the answer does not depend on which walker touched the bad node first.
 *
 * @internal
 */
export function asFilterReadError(error: unknown): RapportError {
  if (error instanceof RapportError) return error
  const reason = error instanceof Error ? error.message : String(error)
  const failure = invalidFilter('', `the filter could not be read (${reason.slice(0, 200)})`)
  return new RapportError(failure.code, failure.message, { details: failure.details, cause: error })
}

function compileNode(
  raw: unknown,
  path: string,
  target: FilterTarget,
  compilation: Compilation,
): StorageFilter {
  if (!isPlainObject(raw)) throw invalidFilter(path, `expected a filter object, got ${describeValue(raw)}`)
  const group = GROUP_KEYS.find((key) => Object.hasOwn(raw, key))
  switch (group) {
    case 'and':
    case 'or': {
      const parsed = groupSchemas[group].safeParse(raw, ZOD_PARSE_OPTIONS)
      if (!parsed.success) throw fromZodIssue(path, parsed.error)
      const members = (parsed.data as Record<string, unknown[]>)[group]!
      const listPath = childPath(path, group)
      const filters = members.map((member, i) =>
        compileNode(member, indexPath(listPath, i), target, compilation),
      )
      if (filters.length === 0) return group === 'and' ? TRUE : FALSE
      return filters.length === 1 ? filters[0]! : { kind: group, filters }
    }
    case 'not': {
      const parsed = groupSchemas.not.safeParse(raw, ZOD_PARSE_OPTIONS)
      if (!parsed.success) throw fromZodIssue(path, parsed.error)
      return {
        kind: 'not',
        filter: compileNode(parsed.data.not, childPath(path, 'not'), target, compilation),
      }
    }
    case 'exists': {
      const parsed = groupSchemas.exists.safeParse(raw, ZOD_PARSE_OPTIONS)
      if (!parsed.success) throw fromZodIssue(path, parsed.error)
      const { relation, filter } = compileRelated(
        parsed.data.exists,
        'exists',
        parsed.data.where,
        path,
        target,
        compilation,
      )
      return { kind: 'exists', relation, filter }
    }
    case 'count': {
      const parsed = groupSchemas.count.safeParse(raw, ZOD_PARSE_OPTIONS)
      if (!parsed.success) throw fromZodIssue(path, parsed.error)
      const { count, where, op, value } = parsed.data
      const range = countRange(op, value, childPath(path, 'value'))
      const { relation, filter } = compileRelated(count, 'count', where, path, target, compilation)
      if (range === 'all') return TRUE
      if (range === 'none') return FALSE
      const node: StorageFilter = { kind: 'count', relation, filter, min: range.min, max: range.max }
      return range.negate ? { kind: 'not', filter: node } : node
    }
    default:
      if (Object.hasOwn(raw, 'field') || Object.hasOwn(raw, 'op')) {
        return compileCondition(raw, path, target, compilation)
      }
      throw invalidFilter(
        path,
        'expected a condition { field, op, value } or a group { and: [...] }, { or: [...] }, { not: ... }, { exists: ... }, { count: ..., op, value }',
      )
  }
}

/** Resolves the relation of an `exists` or `count` node and compiles its `where` against the related entity. */
function compileRelated(
  name: string,
  key: 'exists' | 'count',
  where: unknown,
  path: string,
  target: FilterTarget,
  compilation: Compilation,
): { relation: ResolvedRelation; filter: StorageFilter } {
  const resolved = target.resolveRelation(name)
  if (resolved === undefined) {
    const known = target.relationNames?.() ?? []
    throw invalidFilter(
      childPath(path, key),
      `unknown relation ${quote(name)} on ${target.entity}; ${
        known.length > 0 ? `known relations: ${known.join(', ')}` : `${target.entity} has no relations`
      }`,
      { relation: name, entity: target.entity, relations: known },
    )
  }
  const filter =
    where === undefined ? TRUE : compileNode(where, childPath(path, 'where'), resolved.target, compilation)
  return { relation: resolved.relation, filter }
}

/** A count literal: a whole number from 0 to {@link MAX_COUNT}. */
function wholeCount(raw: unknown, path: string): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_COUNT) return raw
  throw invalidFilter(path, `expected a whole number from 0 to ${MAX_COUNT}, got ${describeValue(raw)}`)
}

/** A count comparison as a range of counts: every count, none, or `[min, max]` (negated for `ne`). */
type CountRange = 'all' | 'none' | { min: number; max: number | null; negate: boolean }

/**
 * Normalises a count comparison to the storage node's inclusive range, so adapters see one shape: `gte 0` holds for
 * every record and `lt 0` for none; `ne n` is the negation of `[n, n]`.
 */
function countRange(op: CountOperator, raw: unknown, path: string): CountRange {
  if (op === 'between') {
    if (!Array.isArray(raw) || raw.length !== 2) {
      throw invalidFilter(path, `between needs [from, to], two whole numbers from 0 to ${MAX_COUNT}`)
    }
    const from = wholeCount(raw[0], indexPath(path, 0))
    const to = wholeCount(raw[1], indexPath(path, 1))
    if (from > to) throw invalidFilter(path, `between needs from <= to, got [${from}, ${to}]`)
    return from === 0 && to === MAX_COUNT ? 'all' : { min: from, max: to, negate: false }
  }
  if (Array.isArray(raw)) throw invalidFilter(path, `${op} needs one whole number, not a list`)
  const value = wholeCount(raw, path)
  switch (op) {
    case 'eq':
      return { min: value, max: value, negate: false }
    case 'ne':
      return { min: value, max: value, negate: true }
    case 'lt':
      return value === 0 ? 'none' : { min: 0, max: value - 1, negate: false }
    case 'lte':
      return { min: 0, max: value, negate: false }
    case 'gt':
      return value === MAX_COUNT ? 'none' : { min: value + 1, max: null, negate: false }
    default:
      return value === 0 ? 'all' : { min: value, max: null, negate: false }
  }
}

function compileCondition(
  raw: Record<string, unknown>,
  path: string,
  target: FilterTarget,
  compilation: Compilation,
): StorageFilter {
  const op = raw['op']
  if (typeof op !== 'string' || !OPERATORS.has(op)) {
    throw invalidFilter(
      childPath(path, 'op'),
      `unknown operator ${typeof op === 'string' ? quote(op) : describeValue(op)}; expected one of ${ALL_OPERATORS.join(', ')}`,
    )
  }
  const operator = op as FilterOperator
  const parsed = conditionSchemas[operator].safeParse(raw, ZOD_PARSE_OPTIONS)
  if (!parsed.success) throw fromZodIssue(path, parsed.error)
  const condition = parsed.data
  const ref = resolveField(target, condition.field, childPath(path, 'field'))
  checkOperatorSupported(operator, ref, condition.field, childPath(path, 'op'))
  const valuePath = childPath(path, 'value')
  const normalize = (bound: StorageValue): StorageValue =>
    typeof bound === 'string' && target.normalizeValue ? target.normalizeValue(condition.field, bound) : bound
  const value = (raw: unknown, at: string): StorageValue =>
    normalize(
      coerceFilterValue(compilation.bind(parseFilterValue(raw, at), at), {
        path: at,
        field: condition.field,
        ref,
        limits: compilation.limits,
      }),
    )

  switch (operator) {
    case 'eq':
    case 'ne': {
      const bound = value(condition.value, valuePath)
      if (bound === null) return { kind: 'isNull', ref, isNull: operator === 'eq' }
      return { kind: 'compare', ref, op: operator, value: bound }
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return {
        kind: 'compare',
        ref,
        op: operator,
        value: nonNull(value(condition.value, valuePath), operator, valuePath),
      }
    case 'in':
    case 'nin': {
      const members = condition.value as readonly unknown[]
      const values = members.map((member, i) => value(member, indexPath(valuePath, i)))
      if (values.length === 0) return operator === 'in' ? FALSE : TRUE
      return { kind: 'in', ref, values, negate: operator === 'nin' }
    }
    case 'between': {
      const range = condition.value as readonly unknown[]
      const from = nonNull(value(range[0], indexPath(valuePath, 0)), operator, indexPath(valuePath, 0))
      const to = nonNull(value(range[1], indexPath(valuePath, 1)), operator, indexPath(valuePath, 1))
      return {
        kind: 'and',
        filters: [
          { kind: 'compare', ref, op: 'gte', value: from },
          { kind: 'compare', ref, op: 'lte', value: to },
        ],
      }
    }
    case 'isNull':
      return { kind: 'isNull', ref, isNull: condition.value as boolean }
    default: {
      // contains, startsWith, endsWith
      const parsedValue = parseFilterValue(condition.value, valuePath)
      if (
        parsedValue.kind === 'relative' ||
        (parsedValue.kind === 'literal' && typeof parsedValue.value !== 'string')
      ) {
        throw invalidFilter(valuePath, `${operator} needs a string or a { $var } bound to a string`)
      }
      const needle = coerceFilterValue(compilation.bind(parsedValue, valuePath), {
        path: valuePath,
        field: condition.field,
        ref,
        limits: compilation.limits,
      })
      if (typeof needle !== 'string') throw invalidFilter(valuePath, `${operator} needs a string, got null`)
      return {
        kind: 'text',
        ref,
        op: operator,
        value: normalize(needle) as string,
        caseInsensitive: condition.caseInsensitive ?? false,
      }
    }
  }
}

function nonNull(value: StorageValue, operator: string, path: string): StorageValue {
  if (value === null) {
    throw invalidFilter(
      path,
      `${operator} cannot compare with null (it would never match); use isNull instead`,
    )
  }
  return value
}

function resolveField(target: FilterTarget, field: string, path: string): FieldRef {
  const ref = target.resolveField(field)
  if (ref !== undefined) return ref
  const known = target.fieldPaths()
  const suggestions = suggestFieldPaths(field, known)
  const hint =
    suggestions.length > 0
      ? `did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?`
      : `known fields: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, … (${known.length} in all)` : ''}`
  throw invalidFilter(path, `unknown field ${quote(field)} on ${target.entity}; ${hint}`, {
    field,
    entity: target.entity,
    suggestions,
  })
}

/**
 * Operators a field supports: ordered comparisons and `between` need an ordered scalar (not an array, not untyped
 * JSON); text operators need a `string`/`text` field that is not an array. Equality, lists and `isNull` work on
 * every field.
 */
function checkOperatorSupported(operator: FilterOperator, ref: FieldRef, field: string, path: string): void {
  const ordered = operator === 'lt' || operator === 'lte' || operator === 'gt' || operator === 'gte'
  if ((ordered || operator === 'between') && (ref.array || ref.type === 'json')) {
    throw invalidFilter(path, `${operator} is not supported on field ${quote(field)} (${describeRef(ref)})`, {
      field,
    })
  }
  const text = operator === 'contains' || operator === 'startsWith' || operator === 'endsWith'
  if (text && (ref.array || (ref.type !== 'string' && ref.type !== 'text'))) {
    throw invalidFilter(path, `${operator} needs a string field; ${quote(field)} is ${describeRef(ref)}`, {
      field,
    })
  }
}

function describeRef(ref: FieldRef): string {
  return ref.array ? `an array of ${ref.type}` : ref.type
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}
