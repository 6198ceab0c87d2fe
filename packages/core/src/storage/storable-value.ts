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
 * The paths a walk visits, kept as parent links (entry → its parent entry and its key in that parent) so a walk
 * allocates no path per value; a path is built only for a value that has an issue.
 */
class WalkPaths {
  readonly #parent: number[] = [-1]
  readonly #key: (string | number)[] = ['']
  readonly #prefix: readonly (string | number)[]

  constructor(prefix: readonly (string | number)[]) {
    this.#prefix = prefix
  }

  /** Records the child `key` of entry `parent`; returns the child's entry. */
  child(parent: number, key: string | number): number {
    this.#parent.push(parent)
    return this.#key.push(key) - 1
  }

  /** The path of `entry` (the root is entry 0), with `last` appended when given. */
  path(entry: number, last?: string): (string | number)[] {
    const keys: (string | number)[] = last === undefined ? [] : [last]
    for (let e = entry; e > 0; e = this.#parent[e]!) keys.push(this.#key[e]!)
    keys.reverse()
    return [...this.#prefix, ...keys]
  }
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
  const paths = new WalkPaths(prefix)
  // Pending values and their entries, side by side (last in, first out).
  const values: unknown[] = [input]
  const entries: number[] = [0]
  const seen = new Set<object>()
  while (values.length > 0 && issues.length < max) {
    const value = values.pop()
    const entry = entries.pop()!
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value)
      if (reason)
        issues.push({ path: paths.path(entry), message: `The text ${reason}`, code: 'invalid_value' })
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    if (value instanceof Date) {
      const reason = unstorableInstantReason(value)
      if (reason)
        issues.push({ path: paths.path(entry), message: `The date ${reason}`, code: 'invalid_value' })
      continue
    }
    if (seen.has(value)) continue
    seen.add(value)
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        values.push(value[i])
        entries.push(paths.child(entry, i))
      }
      continue
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') {
        issues.push({
          path: paths.path(entry, key),
          message: 'Unrecognized key "__proto__"',
          code: 'unrecognized_keys',
        })
        continue
      }
      const reason = unstorableTextReason(key)
      if (reason) {
        issues.push({ path: paths.path(entry, key), message: `The key ${reason}`, code: 'invalid_value' })
        continue
      }
      values.push((value as Record<string, unknown>)[key])
      entries.push(paths.child(entry, key))
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
  const paths = new WalkPaths(prefix)
  // Pending (input, parsed) pairs and their entries, side by side (last in, first out). A parsed scalar has nothing
  // below it to check, so it is never pushed.
  const raws: unknown[] = [raw]
  const parsedValues: unknown[] = [parsed]
  const entries: number[] = [0]
  while (raws.length > 0 && issues.length < max) {
    const input = raws.pop()
    const value = parsedValues.pop()
    const entry = entries.pop()!
    if (typeof value !== 'object' || value === null) continue
    const isArray = Array.isArray(value)
    if (!isArray && !isPlainObject(value)) continue
    if (typeof input !== 'object' || input === null) continue
    if (isArray) {
      if (!Array.isArray(input)) continue
      for (let i = 0; i < value.length; i++) {
        const member: unknown = value[i]
        if (typeof member !== 'object' || member === null) continue
        raws.push(input[i])
        parsedValues.push(member)
        entries.push(paths.child(entry, i))
      }
      continue
    }
    if (!isPlainObject(input)) {
      issues.push({
        path: paths.path(entry),
        message: `Expected a plain object, got ${describeObject(input)}`,
        code: 'invalid_value',
      })
      continue
    }
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key]
      if (typeof member !== 'object' || member === null || !Object.hasOwn(input, key)) continue
      raws.push((input as Record<string, unknown>)[key])
      parsedValues.push(member)
      entries.push(paths.child(entry, key))
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
