import { isInstantInRange } from '../filter/parse-instant.js'

const NUL = '\u0000'
// With the `u` flag a surrogate pair is one astral code point, so only unpaired halves match `\p{Cs}`.
const LONE_SURROGATE = /\p{Cs}/u

/**
 * Why a string cannot be stored identically on every adapter, or `undefined` when it can. Postgres refuses NUL
 * (U+0000) in `text` and `jsonb`; a lone surrogate (half of a UTF-16 pair) has no UTF-8 encoding, so drivers silently
 * replace it with U+FFFD. Core rejects both, so memory, SQLite and Postgres all answer the same way.
 *
 * @example
 * ```ts
 * import { unstorableTextReason } from '@rapport/core/storage'
 *
 * unstorableTextReason('Ada') // undefined
 * unstorableTextReason('a\u0000b') // 'contains a NUL character (U+0000)'
 * ```
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes(NUL)) return 'contains a NUL character (U+0000)'
  if (LONE_SURROGATE.test(text))
    return 'contains a lone surrogate (an unpaired UTF-16 code unit U+D800–U+DFFF)'
  return undefined
}

/**
 * Why an instant cannot be stored identically on every adapter, or `undefined`: an invalid `Date`, or a year outside
 * 0000–9999 (Postgres refuses some of them, SQLite stores them as strings that no longer sort).
 */
export function unstorableInstantReason(date: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return 'is an invalid Date'
  if (!isInstantInRange(date)) return 'falls outside the years 0000–9999'
  return undefined
}

/** One value that cannot be stored identically everywhere, with its path in the input. */
export interface UnstorableValue {
  readonly path: (string | number)[]
  readonly message: string
  /** `unrecognized_keys` for a `__proto__` key, `invalid_value` otherwise. */
  readonly code: 'invalid_value' | 'unrecognized_keys'
}

/**
 * Walks an input value (iteratively, never recursing) and lists what no adapter may store differently: strings and
 * object keys with NUL or lone surrogates, dates outside years 0000–9999, and own `__proto__` keys (`JSON.parse`
 * creates them; copying such an object would silently drop the key or change its prototype). At most `max` issues
 * are returned.
 */
export function findUnstorableValues(
  input: unknown,
  prefix: readonly (string | number)[] = [],
  max = 20,
): UnstorableValue[] {
  const issues: UnstorableValue[] = []
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [...prefix] }]
  const seen = new Set<object>()
  while (stack.length > 0 && issues.length < max) {
    const { value, path } = stack.pop()!
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value)
      if (reason) issues.push({ path, message: `The text ${reason}`, code: 'invalid_value' })
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (value instanceof Date) {
      const reason = unstorableInstantReason(value)
      if (reason) issues.push({ path, message: `The date ${reason}`, code: 'invalid_value' })
      continue
    }
    if (seen.has(value)) continue
    seen.add(value)
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] })
      continue
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') {
        issues.push({
          path: [...path, key],
          message: 'Unrecognized key "__proto__"',
          code: 'unrecognized_keys',
        })
        continue
      }
      const reason = unstorableTextReason(key)
      if (reason) {
        issues.push({ path: [...path, key], message: `The key ${reason}`, code: 'invalid_value' })
        continue
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] })
    }
  }
  return issues
}

/**
 * Lists the places where the input held an object that is not a plain object (a `Date`, `Map`, class instance…) and
 * the schema turned it into a plain object: zod accepts any object for an all-optional object schema, so
 * `address: new Date()` would be stored as `{}`. `raw` is the input, `parsed` its validated form.
 */
export function findObjectsReplacedByShapes(
  raw: unknown,
  parsed: unknown,
  prefix: readonly (string | number)[] = [],
  max = 20,
): UnstorableValue[] {
  const issues: UnstorableValue[] = []
  const stack: { raw: unknown; parsed: unknown; path: (string | number)[] }[] = [
    { raw, parsed, path: [...prefix] },
  ]
  while (stack.length > 0 && issues.length < max) {
    const item = stack.pop()!
    if (!isPlainObject(item.parsed) && !Array.isArray(item.parsed)) continue
    if (typeof item.raw !== 'object' || item.raw === null) continue
    if (Array.isArray(item.parsed)) {
      if (!Array.isArray(item.raw)) continue
      item.parsed.forEach((member, i) => {
        stack.push({ raw: (item.raw as unknown[])[i], parsed: member, path: [...item.path, i] })
      })
      continue
    }
    if (!isPlainObject(item.raw)) {
      issues.push({
        path: item.path,
        message: `Expected a plain object, got ${describeObject(item.raw)}`,
        code: 'invalid_value',
      })
      continue
    }
    for (const [key, member] of Object.entries(item.parsed)) {
      if (Object.hasOwn(item.raw, key)) {
        stack.push({
          raw: (item.raw as Record<string, unknown>)[key],
          parsed: member,
          path: [...item.path, key],
        })
      }
    }
  }
  return issues
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function describeObject(value: object): string {
  if (value instanceof Date) return 'a Date'
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name
  return name ? `an instance of ${name}` : 'an object'
}
