/**
 * The input checks every public function of `@rapport/analytics` runs before it computes anything, so that malformed
 * input ends in one typed {@link AnalyticsError} (`INVALID_INPUT`, naming the offending field) and never in a silent
 * `NaN`, a fallback to a default, or a raw `TypeError`/`RangeError`.
 *
 * @internal
 */
import { AnalyticsError } from '../clv/analytics-error.js'

/** A short, JSON-safe rendering of an offending value for messages and `details`. @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date'
  return 'an object'
}

/** The offending value as it can go into JSON `details`: short strings, finite numbers and booleans as they are. */
function detailValue(value: unknown): unknown {
  if (typeof value === 'string' && value.length <= 200) return value
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || value === null) {
    return value
  }
  return describeValue(value)
}

/**
 * Throws `INVALID_INPUT` for `what` (a path such as `deals[3].status`), with `details.field` = that path and
 * `details.value` = the offending value (rendered as text when it is not JSON-safe).
 *
 * @internal
 */
export function invalid(
  what: string,
  expected: string,
  value: unknown,
  details: Record<string, unknown> = {},
): never {
  throw new AnalyticsError('INVALID_INPUT', `${what} must be ${expected}, got ${describeValue(value)}`, {
    ...details,
    field: what,
    value: detailValue(value),
  })
}

/** Bounds of {@link checkNumber}. @internal */
export interface NumberRule {
  /** Inclusive lower bound. */
  readonly min?: number
  /** Exclusive lower bound. */
  readonly above?: number
  /** Inclusive upper bound. */
  readonly max?: number
  /** Exclusive upper bound. */
  readonly below?: number
  /** Must be an integer. */
  readonly integer?: boolean
}

function describeRule(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : 'a finite number']
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`)
  if (rule.above !== undefined) parts.push(`> ${rule.above}`)
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`)
  if (rule.below !== undefined) parts.push(`< ${rule.below}`)
  return parts.join(' ')
}

/** A finite number (of type `number`, never a numeric string) within the rule's bounds. @internal */
export function checkNumber(
  value: unknown,
  what: string,
  rule: NumberRule = {},
  details: Record<string, unknown> = {},
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (rule.integer && !Number.isInteger(value)) ||
    (rule.min !== undefined && !(value >= rule.min)) ||
    (rule.above !== undefined && !(value > rule.above)) ||
    (rule.max !== undefined && !(value <= rule.max)) ||
    (rule.below !== undefined && !(value < rule.below))
  ) {
    invalid(what, describeRule(rule), value, details)
  }
  return value
}

/** Like {@link checkNumber}, but `undefined` yields `fallback`. @internal */
export function optionalNumber(
  value: unknown,
  what: string,
  fallback: number,
  rule: NumberRule = {},
): number {
  return value === undefined ? fallback : checkNumber(value, what, rule)
}

/** A real number for a special function: any `number` but `NaN` (±∞ only when `allowInfinite`). @internal */
export function checkReal(value: unknown, what: string, allowInfinite = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || (!allowInfinite && !Number.isFinite(value))) {
    invalid(what, allowInfinite ? 'a number (not NaN)' : 'a finite number', value)
  }
  return value
}

/** One of the listed strings. @internal */
export function checkEnum<T extends string>(
  value: unknown,
  what: string,
  allowed: readonly T[],
  details: Record<string, unknown> = {},
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(what, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value, { ...details, allowed })
  }
  return value as T
}

/** Like {@link checkEnum}, but `undefined` yields `fallback`. @internal */
export function optionalEnum<T extends string>(
  value: unknown,
  what: string,
  allowed: readonly T[],
  fallback: T,
): T {
  return value === undefined ? fallback : checkEnum(value, what, allowed)
}

/** A boolean (not a truthy string such as `"yes"`). @internal */
export function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') invalid(what, 'a boolean', value)
  return value
}

/** Like {@link checkBoolean}, but `undefined` yields `fallback`. @internal */
export function optionalBoolean(value: unknown, what: string, fallback: boolean): boolean {
  return value === undefined ? fallback : checkBoolean(value, what)
}

/** A function. @internal */
export function checkFunction<F>(value: unknown, what: string): F {
  if (typeof value !== 'function') invalid(what, 'a function', value)
  return value as F
}

/** A string (non-empty unless `allowEmpty`). @internal */
export function checkString(
  value: unknown,
  what: string,
  allowEmpty = false,
  details: Record<string, unknown> = {},
): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    invalid(what, allowEmpty ? 'a string' : 'a non-empty string', value, details)
  }
  return value
}

/** An identifier: a string or a finite number (never `NaN`, which equals nothing and so breaks grouping). @internal */
export function checkId(
  value: unknown,
  what: string,
  details: Record<string, unknown> = {},
): string | number {
  if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
    invalid(what, 'a string or a finite number', value, details)
  }
  return value
}

/** An array (a plain JS array, not a string or array-like). @internal */
export function checkArray<T>(value: unknown, what: string, { nonEmpty = false } = {}): readonly T[] {
  if (!Array.isArray(value)) invalid(what, 'an array', value)
  if (nonEmpty && value.length === 0) invalid(what, 'a non-empty array', value)
  return value as readonly T[]
}

/** A non-null, non-array object. @internal */
export function checkObject(
  value: unknown,
  what: string,
  details: Record<string, unknown> = {},
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(what, 'an object', value, details)
  }
  return value as Record<string, unknown>
}

/**
 * An options object with only the listed keys (`undefined` allowed when the options are optional): a misspelt option
 * (`maxIteration`) is an error, not silently ignored. Keys whose value is `undefined` count as absent.
 *
 * @internal
 */
export function checkOptions<O>(
  value: O | undefined,
  what: string,
  known: readonly string[],
  { required = false } = {},
): O {
  if (value === undefined && !required) return {} as O
  const record = checkObject(value, what)
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined && !known.includes(key)) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `${what} has an unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}`,
        { field: `${what}.${key}`, known },
      )
    }
  }
  return value as O
}

/** Throws `DUPLICATE_ID` when an id occurs twice, naming it and both positions. @internal */
export function checkUniqueIds(ids: readonly (string | number)[], what: string): void {
  const seen = new Map<string | number, number>()
  ids.forEach((id, index) => {
    const first = seen.get(id)
    if (first !== undefined) {
      throw new AnalyticsError(
        'DUPLICATE_ID',
        `${what}: id ${describeValue(id)} occurs twice (at ${first} and ${index}); each row must describe a different entity`,
        { id, indexes: [first, index] },
      )
    }
    seen.set(id, index)
  })
}

/**
 * Throws `DUPLICATE_ID` when two rows carry the same `customerId` (rows without one are not checked): a customer
 * listed twice would otherwise be counted twice in a fit, without a word. @internal
 */
export function checkDistinctCustomerIds(rows: readonly unknown[], what = 'customers'): void {
  let seen: Map<unknown, number> | null = null
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]
    if (typeof row !== 'object' || row === null || !('customerId' in row)) continue
    const id = (row as { customerId: unknown }).customerId
    if (id === undefined) continue
    seen ??= new Map()
    const first = seen.get(id)
    if (first !== undefined) {
      throw new AnalyticsError(
        'DUPLICATE_ID',
        `${what}: customerId ${describeValue(id)} occurs twice (at ${first} and ${index}); each row must describe a different customer`,
        { id, indexes: [first, index] },
      )
    }
    seen.set(id, index)
  }
}
