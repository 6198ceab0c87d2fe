import { isRapportError } from '@rapport/core'
import type { ValidationIssue } from '@rapport/core/errors'
import type { FilterTarget } from '@rapport/core/filter'
import { compileFilter, validateFilter } from '@rapport/core/filter'
import { sameValue } from '@rapport/core/services'
import type { StoragePredicate, StorageRow, StorageValue } from '@rapport/core/storage'
import { compileStorageFilter } from '@rapport/core/storage'
import { isPlainObject, leafTarget, readerOf, refOf } from './condition-paths.js'
import type { CompiledCondition, ConditionTrace, RecordSnapshot } from './condition-types.js'
import type { CatalogField, FieldCatalog } from './field-catalog.js'

/** Bounds of a condition tree, checked while compiling. */
export interface ConditionLimits {
  /** Maximum nesting depth of `and`/`or`/`not` (default 32). */
  readonly maxDepth: number
  /** Maximum number of nodes (default 1,000). */
  readonly maxNodes: number
  /** Maximum length of an `in`/`nin` list (default 1,000). */
  readonly maxListLength: number
}

/** The default {@link ConditionLimits}. */
export const DEFAULT_CONDITION_LIMITS: ConditionLimits = Object.freeze({
  maxDepth: 32,
  maxNodes: 1000,
  maxListLength: 1000,
})

type Path = readonly (string | number)[]
type Test = (s: RecordSnapshot) => boolean

interface Node {
  readonly test: Test
  readonly trace: (s: RecordSnapshot) => ConditionTrace
}

interface State {
  readonly catalog: FieldCatalog
  readonly limits: ConditionLimits
  readonly issues: ValidationIssue[]
  readonly reads: Set<string>
  nodes: number
  usesChanges: boolean
}

const CHANGE = new Set(['changed', 'changedFrom', 'changedTo', 'increasedBy', 'decreasedBy'])

/** Signals that validation already recorded an issue for this subtree. */
const INVALID: Node = { test: () => false, trace: () => ({ path: '', kind: 'condition', result: false }) }

/**
 * Validates a condition against an entity's fields and compiles it once into synchronous closures. Conditions have
 * exactly core's filter semantics: every `{ field, op, value }` leaf is compiled by core's `compileFilter` and
 * evaluated by `compileStorageFilter`, the reference evaluator every storage adapter is tested against (two-valued
 * logic, `null` ≡ missing, code-point ordering, ASCII case folding, lower-cased email keys). Only the change
 * predicates (`changed`, `changedFrom`, `changedTo`, `increasedBy`, `decreasedBy`) are automation's own; they
 * compare with core's `sameValue` and core's `eq`. Every problem is
 * reported with the exact path of the bad part (`conditions.and[1].value`), all at once.
 *
 * @param condition - The condition, usually straight from JSON.
 * @param catalog - The fields of the entity the condition runs on.
 * @param basePath - Where the condition sits in its rule, for issue paths (default `['conditions']`).
 * @returns The compiled condition, or the list of issues.
 *
 * @example
 * ```ts
 * import type { StorageSchema } from '@rapport/core/storage'
 *
 * declare const schema: StorageSchema // e.g. the `schema` a plugin receives
 * const compiled = compileCondition(
 *   { and: [{ field: 'stageId', op: 'changedTo', value: 'stg_won' }, { field: 'amount.amountMinor', op: 'gte', value: 100_000 }] },
 *   fieldCatalogOf(schema.models['deal']!),
 * )
 * if (compiled.ok) compiled.condition.test({ record: after, before, now: new Date() })
 * else console.log(compiled.issues) // [{ path: ['conditions', 'and', 0, 'field'], … }]
 * ```
 */
export function compileCondition(
  condition: unknown,
  catalog: FieldCatalog,
  basePath: readonly (string | number)[] = ['conditions'],
  limits: ConditionLimits = DEFAULT_CONDITION_LIMITS,
):
  | { readonly ok: true; readonly condition: CompiledCondition }
  | { readonly ok: false; readonly issues: ValidationIssue[] } {
  const state: State = { catalog, limits, issues: [], reads: new Set(), nodes: 0, usesChanges: false }
  const root = compileNode(condition, basePath, 0, state)
  if (state.issues.length > 0) return { ok: false, issues: state.issues }
  return {
    ok: true,
    condition: Object.freeze({
      test: root.test,
      trace: root.trace,
      reads: [...state.reads],
      usesChanges: state.usesChanges,
    }),
  }
}

function issue(state: State, path: Path, message: string, code = 'invalid_value'): Node {
  state.issues.push({ path, message, code })
  return INVALID
}

function pathString(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

function compileNode(raw: unknown, path: Path, depth: number, state: State): Node {
  if (++state.nodes > state.limits.maxNodes) {
    return issue(state, path, `A condition may have at most ${state.limits.maxNodes} nodes`, 'too_big')
  }
  if (depth > state.limits.maxDepth) {
    return issue(state, path, `Conditions may nest at most ${state.limits.maxDepth} levels deep`, 'too_big')
  }
  if (!isPlainObject(raw)) return issue(state, path, 'Expected a condition object', 'invalid_type')
  const keys = Object.keys(raw)
  if ('and' in raw || 'or' in raw) {
    const kind = 'and' in raw ? 'and' : 'or'
    if (keys.length !== 1)
      return issue(state, path, `A group has only the key "${kind}"`, 'unrecognized_keys')
    const members = raw[kind]
    if (!Array.isArray(members))
      return issue(state, [...path, kind], 'Expected a list of conditions', 'invalid_type')
    const children = members.map((m, i) => compileNode(m, [...path, kind, i], depth + 1, state))
    return group(kind, children, pathString(path))
  }
  if ('not' in raw) {
    if (keys.length !== 1) return issue(state, path, 'A negation has only the key "not"', 'unrecognized_keys')
    const child = compileNode(raw['not'], [...path, 'not'], depth + 1, state)
    const p = pathString(path)
    return {
      test: (s) => !child.test(s),
      trace: (s) => {
        const c = child.trace(s)
        return { path: p, kind: 'not', result: !c.result, children: [c] }
      },
    }
  }
  for (const key of ['exists', 'count'] as const) {
    if (key in raw) {
      return issue(
        state,
        [...path, key],
        `\`${key}\` is not available in rule conditions (they run on one record); use a schedule trigger \`where\``,
        'invalid_value',
      )
    }
  }
  return compileLeaf(raw, path, state)
}

function group(kind: 'and' | 'or', children: Node[], p: string): Node {
  const tests = children.map((c) => c.test)
  let test: Test
  if (kind === 'and') {
    if (tests.length === 0) test = () => true
    else if (tests.length === 1) test = tests[0] as Test
    else if (tests.length === 2) {
      const [a, b] = tests as [Test, Test]
      test = (s) => a(s) && b(s)
    } else if (tests.length === 3) {
      const [a, b, c] = tests as [Test, Test, Test]
      test = (s) => a(s) && b(s) && c(s)
    } else {
      test = (s) => {
        for (let i = 0; i < tests.length; i++) if (!(tests[i] as Test)(s)) return false
        return true
      }
    }
  } else if (tests.length === 0) test = () => false
  else if (tests.length === 1) test = tests[0] as Test
  else if (tests.length === 2) {
    const [a, b] = tests as [Test, Test]
    test = (s) => a(s) || b(s)
  } else {
    test = (s) => {
      for (let i = 0; i < tests.length; i++) if ((tests[i] as Test)(s)) return true
      return false
    }
  }
  return {
    test,
    trace: (s) => {
      const traced = children.map((c) => c.trace(s))
      const result = kind === 'and' ? traced.every((t) => t.result) : traced.some((t) => t.result)
      return { path: p, kind, result, children: traced }
    },
  }
}

/** The variables a rule condition may use: only the evaluation time (rules run for no actor and bind no vars). */
function checkPlaceholders(value: unknown, path: Path, state: State): boolean {
  const stack: { v: unknown; p: Path }[] = [{ v: value, p: path }]
  let dynamic = false
  while (stack.length > 0) {
    const { v, p } = stack.pop()!
    if (Array.isArray(v)) {
      for (const [i, e] of v.entries()) stack.push({ v: e, p: [...p, i] })
    } else if (isPlainObject(v)) {
      if (Object.hasOwn(v, '$ago') || Object.hasOwn(v, '$fromNow')) dynamic = true
      if (Object.hasOwn(v, '$var')) {
        if (v['$var'] !== 'now') {
          issue(state, [...p, '$var'], 'Rule conditions can only use { $var: "now" }', 'invalid_value')
        }
        dynamic = true
      }
    }
  }
  return dynamic
}

/** Converts core's `INVALID_FILTER` path (`value[0].$ago`) into issue path segments. */
function filterPath(path: unknown): (string | number)[] {
  if (typeof path !== 'string' || path === '') return []
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!))
}

function compileLeaf(raw: Record<string, unknown>, path: Path, state: State): Node {
  const fieldName = raw['field']
  const op = raw['op']
  if (typeof fieldName !== 'string' || fieldName.length === 0) {
    return issue(state, [...path, 'field'], 'Expected a field path', 'invalid_type')
  }
  const field = state.catalog.resolve(fieldName)
  const root = fieldName.includes('.') ? state.catalog.resolve(fieldName.split('.')[0]!) : undefined
  const ref = field ? refOf(fieldName, field, root?.array === true, raw) : undefined
  const read = readerOf(state.catalog, fieldName)
  const lowerCased = state.catalog.lowerCased?.has(fieldName) === true
  /** The one-field storage row a leaf is evaluated on: missing is null, lower-cased keys lower-cased. */
  const rowOf = (record: Readonly<Record<string, unknown>> | null): StorageRow => {
    let value = read(record)
    // A JSON path compared as an instant holds ISO strings, as custom datetime fields are stored.
    if (ref?.path !== undefined && value instanceof Date) value = value.toISOString()
    if (lowerCased) {
      const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v)
      value = Array.isArray(value) ? value.map(lower) : lower(value)
    }
    return { [fieldName]: (value ?? null) as StorageValue }
  }
  const target = leafTarget(state.catalog, fieldName, ref)
  const p = pathString(path)
  if (typeof op === 'string' && CHANGE.has(op)) {
    if (!ref) return unknownField(state, path, raw, target)
    state.reads.add(fieldName)
    return compileChange(raw, op, fieldName, field!, target, rowOf, read, p, path, state)
  }
  const dynamic = checkPlaceholders(raw['value'], [...path, 'value'], state)
  try {
    const leafFilter: unknown = raw
    validateFilter(leafFilter, target, { maxListLength: state.limits.maxListLength })
  } catch (error) {
    if (!isRapportError(error, 'INVALID_FILTER')) throw error
    const at = filterPath(error.details['path'])
    const code =
      error.details['field'] !== undefined && at[0] === 'field' ? 'unknown_field' : 'invalid_filter'
    return issue(state, [...path, ...at], String(error.details['reason'] ?? error.message), code)
  }
  state.reads.add(fieldName)
  const predicate = predicateOf(raw, target, dynamic)
  const check = (s: RecordSnapshot) => predicate(s.now)(rowOf(s.record))
  return {
    test: check,
    trace: (s) => ({
      path: p,
      kind: 'condition',
      field: fieldName,
      op: op as string,
      actual: read(s.record),
      expected: raw['value'],
      result: check(s),
    }),
  }
}

function unknownField(state: State, path: Path, raw: Record<string, unknown>, target: FilterTarget): Node {
  try {
    validateFilter({ field: raw['field'], op: 'isNull', value: true }, target)
  } catch (error) {
    if (isRapportError(error, 'INVALID_FILTER')) {
      return issue(state, [...path, 'field'], String(error.details['reason']), 'unknown_field')
    }
    throw error
  }
  return issue(state, [...path, 'field'], 'Unknown field', 'unknown_field')
}

/**
 * Core's predicate for one leaf. A leaf without placeholders is compiled once; one with `$ago`/`$fromNow`/`now` is
 * bound to each evaluation's time (the last binding is kept, as runs in a batch share one `now`).
 */
function predicateOf(
  filter: unknown,
  target: FilterTarget,
  dynamic: boolean,
): (now: Date) => StoragePredicate {
  const compile = (now: Date) =>
    compileStorageFilter(compileFilter(filter, target, { now, tenantId: '' }), { related: () => [] })
  if (!dynamic) {
    const fixed = compile(new Date(0))
    return () => fixed
  }
  let boundAt = Number.NaN
  let bound: StoragePredicate = () => false
  return (now) => {
    if (now.getTime() !== boundAt) {
      bound = compile(now)
      boundAt = now.getTime()
    }
    return bound
  }
}

function compileChange(
  raw: Record<string, unknown>,
  op: string,
  fieldName: string,
  field: CatalogField,
  target: FilterTarget,
  rowOf: (record: Readonly<Record<string, unknown>> | null) => StorageRow,
  read: (record: Readonly<Record<string, unknown>> | null) => unknown,
  p: string,
  path: Path,
  state: State,
): Node {
  state.usesChanges = true
  const valuePath = [...path, 'value']
  const allowed = new Set(['field', 'op', 'value'])
  const extra = Object.keys(raw).find((k) => !allowed.has(k))
  if (extra !== undefined)
    return issue(state, [...path, extra], `Unknown key "${extra}"`, 'unrecognized_keys')
  const before = (s: RecordSnapshot) => rowOf(s.before)[fieldName]
  const after = (s: RecordSnapshot) => rowOf(s.record)[fieldName]
  // Core's record equality: null ≡ missing, undefined object keys ignored, Dates by instant.
  const changed = (s: RecordSnapshot) => !sameValue(before(s), after(s))
  let check: (s: RecordSnapshot) => boolean
  let expected: unknown
  if (op === 'changed') {
    if ('value' in raw && raw['value'] !== true)
      return issue(state, valuePath, '"changed" takes no value', 'invalid_value')
    check = changed
  } else if (op === 'changedFrom' || op === 'changedTo') {
    // "Equals value" is core's `eq`, on the side the predicate names.
    const eq = { field: fieldName, op: 'eq', value: raw['value'] }
    const dynamic = checkPlaceholders(raw['value'], valuePath, state)
    try {
      validateFilter(eq, target)
    } catch (error) {
      if (!isRapportError(error, 'INVALID_FILTER')) throw error
      const at = filterPath(error.details['path'])
      return issue(state, [...path, ...at], String(error.details['reason']), 'invalid_filter')
    }
    const equals = predicateOf(eq, target, dynamic)
    expected = raw['value']
    const side = op === 'changedFrom' ? (s: RecordSnapshot) => s.before : (s: RecordSnapshot) => s.record
    check = (s) => changed(s) && equals(s.now)(rowOf(side(s)))
  } else {
    if (field.type !== 'integer' && field.type !== 'number' && field.type !== 'json') {
      return issue(state, [...path, 'op'], `"${op}" applies to numeric fields`, 'invalid_type')
    }
    const by = raw['value']
    if (typeof by !== 'number' || !Number.isFinite(by) || by <= 0)
      return issue(state, valuePath, 'Expected a positive number', 'invalid_type')
    expected = by
    const sign = op === 'increasedBy' ? 1 : -1
    check = (s) => {
      const a = before(s)
      const b = after(s)
      return typeof a === 'number' && typeof b === 'number' && sign * (b - a) >= by
    }
  }
  return {
    test: check,
    trace: (s) => ({
      path: p,
      kind: 'condition',
      field: fieldName,
      op,
      actual: read(s.record),
      previous: read(s.before),
      ...(expected === undefined ? {} : { expected }),
      result: check(s),
    }),
  }
}
