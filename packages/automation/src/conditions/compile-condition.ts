import type { FilterDuration, ValidationIssue } from '@rapport/core'
import { foldAscii, orderValues, sameValue } from './compare-values.js'
import type { CompiledCondition, ConditionTrace, RecordSnapshot } from './condition-types.js'
import type { CatalogField, FieldCatalog } from './field-catalog.js'
import { suggestPaths } from './field-catalog.js'
import { shiftDate, utcDateString } from './shift-date.js'

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
type Expected = (s: RecordSnapshot) => unknown

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

const COMPARE = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte'])
const TEXT = new Set(['contains', 'startsWith', 'endsWith'])
const CHANGE = new Set(['changed', 'changedFrom', 'changedTo', 'increasedBy', 'decreasedBy'])
const ALL_OPS = [...COMPARE, 'in', 'nin', ...TEXT, 'isNull', 'between', ...CHANGE]

/** Signals that validation already recorded an issue for this subtree. */
const INVALID: Node = { test: () => false, trace: () => ({ path: '', kind: 'condition', result: false }) }

/**
 * Validates a condition against an entity's fields and compiles it once into synchronous closures. Every problem is
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
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
  if ('exists' in raw) {
    return issue(
      state,
      [...path, 'exists'],
      '`exists` is not available in rule conditions (they run on one record); use a schedule trigger `where`',
      'invalid_value',
    )
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

/** Reads a dot path; a path that crosses an array maps over its elements (flattened). */
function makeReader(path: string): (record: Readonly<Record<string, unknown>> | null) => unknown {
  const keys = path.split('.')
  if (keys.length === 1) {
    const k = keys[0] as string
    return (r) => (r === null ? null : (r[k] ?? null))
  }
  if (keys.length === 2) {
    const [k1, k2] = keys as [string, string]
    return (r) => {
      if (r === null) return null
      const v = r[k1]
      if (v === null || v === undefined) return null
      if (Array.isArray(v)) return v.map((e) => (isPlainObject(e) ? (e[k2] ?? null) : null))
      return typeof v === 'object' ? ((v as Record<string, unknown>)[k2] ?? null) : null
    }
  }
  return (r) => {
    let values: unknown[] = [r]
    let crossed = false
    for (const key of keys) {
      const next: unknown[] = []
      for (const v of values) {
        if (Array.isArray(v)) {
          crossed = true
          for (const e of v) if (isPlainObject(e)) next.push(e[key] ?? null)
        } else if (isPlainObject(v)) next.push(v[key] ?? null)
        else next.push(null)
      }
      values = next
    }
    return crossed ? values : (values[0] ?? null)
  }
}

/** Normalises a record value for comparison with a field of type `type`. */
function normaliser(field: CatalogField): (v: unknown) => unknown {
  switch (field.type) {
    case 'datetime':
      return (v) => {
        if (v instanceof Date) return v.getTime()
        if (typeof v === 'string') {
          const t = Date.parse(v)
          return Number.isNaN(t) ? v : t
        }
        return v ?? null
      }
    case 'date':
      return (v) => (v instanceof Date ? utcDateString(v) : (v ?? null))
    default:
      return (v) => (v instanceof Date ? v.getTime() : (v ?? null))
  }
}

const DURATION_KEYS = new Set(['years', 'months', 'weeks', 'days', 'hours', 'minutes'])

function parseDuration(raw: unknown): FilterDuration | undefined {
  if (!isPlainObject(raw)) return undefined
  const entries = Object.entries(raw)
  if (entries.length === 0) return undefined
  for (const [k, v] of entries) {
    if (!DURATION_KEYS.has(k) || typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000)
      return undefined
  }
  return raw as FilterDuration
}

/**
 * Checks one value against the field's type and returns how to compute it per evaluation (constants are computed
 * once).
 */
function compileValue(raw: unknown, field: CatalogField, path: Path, state: State): Expected | undefined {
  const norm = normaliser(field)
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw)
    if (keys.length === 1 && (keys[0] === '$ago' || keys[0] === '$fromNow')) {
      if (field.type !== 'datetime' && field.type !== 'date' && field.type !== 'json') {
        issue(state, path, `Relative dates only apply to date and datetime fields`, 'invalid_type')
        return undefined
      }
      const duration = parseDuration(raw[keys[0] as string])
      if (!duration) {
        issue(state, [...path, keys[0] as string], 'Expected a duration like { days: 15 }', 'invalid_value')
        return undefined
      }
      const sign = keys[0] === '$ago' ? -1 : 1
      if (field.type === 'date') return (s) => utcDateString(shiftDate(s.now, duration, sign))
      if (field.type === 'json') return (s) => shiftDate(s.now, duration, sign).toISOString()
      return (s) => shiftDate(s.now, duration, sign).getTime()
    }
    if (keys.length === 1 && keys[0] === '$var' && raw['$var'] === 'now') {
      if (field.type === 'date') return (s) => utcDateString(s.now)
      if (field.type === 'json') return (s) => s.now.toISOString()
      return (s) => s.now.getTime()
    }
    issue(state, path, 'Expected a value, { $ago: duration }, { $fromNow: duration } or { $var: "now" }')
    return undefined
  }
  const bad = (expected: string) => {
    issue(state, path, `Expected ${expected} for the ${field.type} field`, 'invalid_type')
    return undefined
  }
  if (raw === null) return () => null
  switch (field.type) {
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) return bad('an integer')
      break
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad('a finite number')
      break
    case 'boolean':
      if (typeof raw !== 'boolean') return bad('true or false')
      break
    case 'string':
    case 'text':
      if (typeof raw !== 'string') return bad('a string')
      break
    case 'date':
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return bad('a YYYY-MM-DD date')
      break
    case 'datetime':
      if (!(raw instanceof Date) && (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))))
        return bad('an ISO-8601 instant')
      break
    default:
      if (!['string', 'number', 'boolean'].includes(typeof raw) && !(raw instanceof Date))
        return bad('a string, number or boolean')
  }
  const value = norm(raw)
  return () => value
}

function compileLeaf(raw: Record<string, unknown>, path: Path, state: State): Node {
  const fieldName = raw['field']
  const op = raw['op']
  if (typeof fieldName !== 'string' || fieldName.length === 0) {
    return issue(state, [...path, 'field'], 'Expected a field path', 'invalid_type')
  }
  if (typeof op !== 'string' || !ALL_OPS.includes(op)) {
    return issue(
      state,
      [...path, 'op'],
      `Unknown operator ${JSON.stringify(op)}; expected one of ${ALL_OPS.join(', ')}`,
    )
  }
  const allowed = new Set(['field', 'op', 'value', ...(TEXT.has(op) ? ['caseInsensitive'] : [])])
  const extra = Object.keys(raw).filter((k) => !allowed.has(k))
  if (extra.length > 0)
    return issue(state, [...path, extra[0] as string], `Unknown key "${extra[0]}"`, 'unrecognized_keys')
  const field = state.catalog.resolve(fieldName)
  if (!field) {
    const suggestions = suggestPaths(state.catalog, fieldName)
    return issue(
      state,
      [...path, 'field'],
      `Unknown field "${fieldName}" on ${state.catalog.entity}${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ''}`,
      'unknown_field',
    )
  }
  state.reads.add(fieldName)
  const read = makeReader(fieldName)
  const norm = normaliser(field)
  const p = pathString(path)
  const valuePath = [...path, 'value']

  if (CHANGE.has(op)) return compileChange(raw, op, fieldName, field, read, norm, p, valuePath, state)

  if (op === 'isNull') {
    if (typeof raw['value'] !== 'boolean')
      return issue(state, valuePath, 'Expected true or false', 'invalid_type')
    const want = raw['value']
    const isNull = (v: unknown) => v === null || (Array.isArray(v) && v.every((e) => e === null))
    return leaf(
      p,
      fieldName,
      op,
      (s) => read(s.record),
      () => want,
      (v) => isNull(v) === want,
    )
  }
  if (op === 'in' || op === 'nin') {
    const list = raw['value']
    if (!Array.isArray(list)) return issue(state, valuePath, 'Expected a list of values', 'invalid_type')
    if (list.length > state.limits.maxListLength)
      return issue(state, valuePath, `At most ${state.limits.maxListLength} values`, 'too_big')
    const members = list.map((v, i) => compileValue(v, field, [...valuePath, i], state))
    if (members.some((m) => m === undefined)) return INVALID
    const constants = members.map((m) => (m as Expected)({ record: {}, before: null, now: new Date(0) }))
    const dynamic = list.some((v) => isPlainObject(v))
    const primitive = !dynamic && constants.every((c) => c === null || typeof c !== 'object')
    const set = new Set(constants)
    const has: (v: unknown, s?: RecordSnapshot) => boolean = primitive
      ? (v) => set.has(v)
      : (v, s) =>
          members.some((m) =>
            sameValue((m as Expected)(s ?? { record: {}, before: null, now: new Date(0) }), v),
          )
    const negate = op === 'nin'
    const expected = () => constants
    return leaf(
      p,
      fieldName,
      op,
      (s) => read(s.record),
      expected,
      (raw, s) => {
        const v = raw
        let hit: boolean
        if (Array.isArray(v)) {
          hit = false
          for (const e of v) if (e !== null && has(norm(e), s)) hit = true
        } else hit = has(norm(v), s)
        return negate ? !hit : hit
      },
    )
  }
  if (TEXT.has(op)) {
    if (field.type !== 'string' && field.type !== 'text' && field.type !== 'json') {
      return issue(
        state,
        [...path, 'op'],
        `"${op}" applies to text fields; "${fieldName}" is ${field.type}`,
        'invalid_type',
      )
    }
    if (typeof raw['value'] !== 'string') return issue(state, valuePath, 'Expected a string', 'invalid_type')
    if (raw['caseInsensitive'] !== undefined && typeof raw['caseInsensitive'] !== 'boolean') {
      return issue(state, [...path, 'caseInsensitive'], 'Expected true or false', 'invalid_type')
    }
    const ci = raw['caseInsensitive'] === true
    const needle = ci ? foldAscii(raw['value']) : raw['value']
    const one = (v: unknown): boolean => {
      if (typeof v !== 'string') return false
      const hay = ci ? foldAscii(v) : v
      return op === 'contains'
        ? hay.includes(needle)
        : op === 'startsWith'
          ? hay.startsWith(needle)
          : hay.endsWith(needle)
    }
    return leaf(
      p,
      fieldName,
      op,
      (s) => read(s.record),
      () => raw['value'],
      (v) => (Array.isArray(v) ? v.some(one) : one(v)),
    )
  }
  if (op === 'between') {
    const pair = raw['value']
    if (!Array.isArray(pair) || pair.length !== 2)
      return issue(state, valuePath, 'Expected a list of two values [from, to]', 'invalid_type')
    const lo = compileValue(pair[0], field, [...valuePath, 0], state)
    const hi = compileValue(pair[1], field, [...valuePath, 1], state)
    if (!lo || !hi) return INVALID
    const one = (v: unknown, a: unknown, b: unknown) => {
      const x = orderValues(v, a)
      const y = orderValues(v, b)
      return x !== undefined && y !== undefined && x >= 0 && y <= 0
    }
    return leaf(
      p,
      fieldName,
      op,
      (s) => read(s.record),
      (s) => [lo(s), hi(s)],
      (v, s) => {
        const a = lo(s)
        const b = hi(s)
        return Array.isArray(v) ? v.some((e) => one(norm(e), a, b)) : one(norm(v), a, b)
      },
    )
  }
  // compare
  const expected = compileValue(raw['value'], field, valuePath, state)
  if (!expected) return INVALID
  const isConst = !isPlainObject(raw['value'])
  const constant = isConst ? expected({ record: {}, before: null, now: new Date(0) }) : undefined
  const scalar = scalarCompare(op)
  const arrayMode = op === 'eq' || op === 'ne' ? 'membership' : 'some'
  const fn = (v: unknown, s: RecordSnapshot): boolean => {
    const want = isConst ? constant : expected(s)
    if (Array.isArray(v)) {
      if (arrayMode === 'membership') {
        if (want === null) return (op === 'eq') === v.every((e) => e === null)
        const hit = v.some((e) => e !== null && sameValue(norm(e), want))
        return op === 'eq' ? hit : !hit
      }
      return v.some((e) => e !== null && scalar(norm(e), want))
    }
    return scalar(norm(v), want)
  }
  // Fast path for the common case: a constant scalar compared with a scalar field.
  if (isConst && !field.array && (constant === null || typeof constant !== 'object')) {
    const k = constant
    const fast: Test =
      op === 'eq'
        ? field.type === 'json' || field.type === 'datetime'
          ? (s) => {
              const v = read(s.record)
              return Array.isArray(v) ? fn(v, s) : norm(v) === k
            }
          : (s) => {
              const v = read(s.record)
              return Array.isArray(v) ? fn(v, s) : v === k || (v === undefined && k === null)
            }
        : (s) => fn(read(s.record), s)
    return {
      test: fast,
      trace: (s) => {
        const actual = read(s.record)
        return {
          path: p,
          kind: 'condition',
          field: fieldName,
          op,
          actual,
          expected: k,
          result: fn(actual, s),
        }
      },
    }
  }
  return leaf(
    p,
    fieldName,
    op,
    (s) => read(s.record),
    (s) => (isConst ? constant : expected(s)),
    fn,
  )
}

function scalarCompare(op: string): (a: unknown, b: unknown) => boolean {
  switch (op) {
    case 'eq':
      return (a, b) => a === b || sameValue(a, b)
    case 'ne':
      return (a, b) => !(a === b || sameValue(a, b))
    case 'lt':
      return (a, b) => orderValues(a, b) === -1
    case 'lte': {
      return (a, b) => {
        const o = orderValues(a, b)
        return o === -1 || o === 0
      }
    }
    case 'gt':
      return (a, b) => orderValues(a, b) === 1
    default:
      return (a, b) => {
        const o = orderValues(a, b)
        return o === 1 || o === 0
      }
  }
}

function leaf(
  p: string,
  field: string,
  op: string,
  actualOf: (s: RecordSnapshot) => unknown,
  expectedOf: (s: RecordSnapshot) => unknown,
  check: (actual: unknown, s: RecordSnapshot) => boolean,
): Node {
  return {
    test: (s) => check(actualOf(s), s),
    trace: (s) => {
      const actual = actualOf(s)
      return {
        path: p,
        kind: 'condition',
        field,
        op,
        actual,
        expected: expectedOf(s),
        result: check(actual, s),
      }
    },
  }
}

function compileChange(
  raw: Record<string, unknown>,
  op: string,
  fieldName: string,
  field: CatalogField,
  read: (r: Readonly<Record<string, unknown>> | null) => unknown,
  norm: (v: unknown) => unknown,
  p: string,
  valuePath: Path,
  state: State,
): Node {
  state.usesChanges = true
  const before = (s: RecordSnapshot) => norm(read(s.before))
  const after = (s: RecordSnapshot) => norm(read(s.record))
  const changed = (s: RecordSnapshot) => !sameValue(before(s), after(s))
  let check: (s: RecordSnapshot) => boolean
  let expected: unknown
  if (op === 'changed') {
    if ('value' in raw && raw['value'] !== true)
      return issue(state, valuePath, '"changed" takes no value', 'invalid_value')
    check = changed
  } else if (op === 'changedFrom' || op === 'changedTo') {
    const want = compileValue(raw['value'], field, valuePath, state)
    if (!want) return INVALID
    expected = raw['value']
    const side = op === 'changedFrom' ? before : after
    check = (s) => changed(s) && sameValue(side(s), want(s))
  } else {
    if (field.type !== 'integer' && field.type !== 'number' && field.type !== 'json') {
      return issue(
        state,
        [...valuePath.slice(0, -1), 'op'],
        `"${op}" applies to numeric fields`,
        'invalid_type',
      )
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
