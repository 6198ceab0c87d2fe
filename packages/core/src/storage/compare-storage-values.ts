import type { FieldRef, StorageOrderBy, StorageRow, StorageValue } from './storage-filter.js'

/**
 * Reads the value a {@link FieldRef} points at: the column, then each key of `ref.path` into its JSON. A missing
 * column, a missing JSON key, a path through a non-object (array, scalar, `null`) and SQL NULL all read as `null`,
 * which is what makes "null ≡ missing" hold for the evaluator and the sort order alike.
 *
 * Only own properties are followed, so a path such as `['__proto__']` or `['constructor']` reads `null` instead of
 * reaching `Object.prototype`. Paths never index into arrays: `['emails', '0']` is `null`, because SQLite's
 * `json_extract` and Postgres' `#>` disagree on numeric keys.
 *
 * @example
 * ```ts
 * import { readFieldRef } from '@rapport/core/storage'
 *
 * readFieldRef({ custom: { tier: 'gold' } }, { field: 'custom', path: ['tier'], type: 'string' }) // 'gold'
 * readFieldRef({ custom: {} }, { field: 'custom', path: ['tier'], type: 'string' }) // null
 * ```
 */
export function readFieldRef(row: StorageRow, ref: FieldRef): StorageValue {
  let value: unknown = Object.hasOwn(row, ref.field) ? row[ref.field] : null
  if (ref.path !== undefined) {
    for (const key of ref.path) {
      if (!isPlainJsonObject(value) || !Object.hasOwn(value, key)) return null
      value = value[key]
    }
  }
  return value === undefined ? null : (value as StorageValue)
}

/** A JSON object: not `null`, not an array, not a `Date`. */
export function isPlainJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/**
 * The rank of each kind of value in the total order. Values of different kinds only meet when data does not match
 * its declared type (a custom field whose type changed); the order between kinds is deterministic but is not a
 * portability guarantee across adapters.
 */
const Rank = { Null: 0, Boolean: 1, Number: 2, String: 3, Date: 4, Array: 5, Object: 6 } as const
type Rank = (typeof Rank)[keyof typeof Rank]

function rankOf(value: unknown): Rank {
  if (value === null || value === undefined) return Rank.Null
  switch (typeof value) {
    case 'boolean':
      return Rank.Boolean
    case 'number':
      return Rank.Number
    case 'string':
      return Rank.String
    default:
      if (value instanceof Date) return Rank.Date
      return Array.isArray(value) ? Rank.Array : Rank.Object
  }
}

/**
 * Compares two strings by Unicode code point, the order of SQLite's `BINARY` collation and Postgres' `COLLATE "C"`
 * (both compare UTF-8 bytes, and UTF-8 byte order is code point order).
 *
 * JavaScript's `<` compares UTF-16 code units instead, which differs exactly when one string has a surrogate
 * (U+D800–U+DFFF, the halves of an astral character such as an emoji) where the other has a BMP character in
 * U+E000–U+FFFF: by code unit `'\u{1F600}' < '\uFF5E'`, by code point it is greater. So we scan to the first
 * differing code unit and, only there, lift surrogates above U+E000–U+FFFF before comparing.
 *
 * @returns a negative number, zero or a positive number.
 */
export function compareStringsByCodePoint(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return liftSurrogate(x) - liftSurrogate(y)
  }
  return a.length - b.length
}

/**
 * Maps a UTF-16 code unit so that code unit order becomes code point order: U+E000–U+FFFF move down by 0x800 and
 * surrogates move up by 0x2000, above them. Units below U+D800 are unchanged.
 */
function liftSurrogate(unit: number): number {
  if (unit < 0xd800) return unit
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000
}

/** Orders numbers, putting `NaN` (never stored, but the order must stay total) before every other number. */
function compareNumbers(a: number, b: number): number {
  const aNaN = Number.isNaN(a)
  const bNaN = Number.isNaN(b)
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The total order adapters must reproduce when sorting (`StorageOrderBy`), used by the in-memory adapter and by
 * evaluators for `lt`/`lte`/`gt`/`gte`:
 *
 * - `null` (and `undefined`) sorts before everything, so it comes first ascending and last descending;
 * - numbers compare numerically (`-0` equals `0`);
 * - strings compare by Unicode code point (SQLite `BINARY`, Postgres `COLLATE "C"`), not by UTF-16 code unit and
 *   not by locale: `'B' < 'a'`, `'Z' < 'É'`, and astral characters sort after U+FFFF;
 * - `Date`s compare by instant (invalid dates first);
 * - booleans: `false < true`;
 * - arrays compare element by element, then by length; objects by their sorted keys, then their values.
 *
 * Values of different kinds (only possible when stored data does not match its declared type) order as
 * `null < boolean < number < string < Date < array < object`. The function never throws.
 *
 * @returns `-1`, `0` or `1`.
 *
 * @example
 * ```ts
 * import { compareStorageValues } from '@rapport/core/storage'
 *
 * ;['b', null, 'B', '\u{1F600}', '\uFF5E'].sort(compareStorageValues)
 * // [null, 'B', 'b', '\uFF5E', '\u{1F600}']
 * ```
 */
export function compareStorageValues(a: StorageValue | undefined, b: StorageValue | undefined): -1 | 0 | 1 {
  return Math.sign(compareAny(a, b)) as -1 | 0 | 1
}

function compareAny(a: unknown, b: unknown): number {
  const rankA = rankOf(a)
  const rankB = rankOf(b)
  if (rankA !== rankB) return rankA - rankB
  switch (rankA) {
    case Rank.Null:
      return 0
    case Rank.Boolean:
      return a === b ? 0 : a ? 1 : -1
    case Rank.Number:
      return compareNumbers(a as number, b as number)
    case Rank.String:
      return compareStringsByCodePoint(a as string, b as string)
    case Rank.Date:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime())
    case Rank.Array:
      return compareArrays(a as readonly unknown[], b as readonly unknown[])
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>)
  }
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const result = compareAny(a[i], b[i])
    if (result !== 0) return result
  }
  return a.length - b.length
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a).sort(compareStringsByCodePoint)
  const keysB = Object.keys(b).sort(compareStringsByCodePoint)
  const byKeys = compareArrays(keysA, keysB)
  if (byKeys !== 0) return byKeys
  for (const key of keysA) {
    const result = compareAny(a[key], b[key])
    if (result !== 0) return result
  }
  return 0
}

/**
 * Builds a row comparator for `Array.prototype.sort` from sort keys, applied in order: the first key that tells two
 * rows apart decides. Each key reads its value with {@link readFieldRef} and compares with
 * {@link compareStorageValues}; `desc` reverses it, so `null` comes first ascending and last descending. Rows equal
 * on every key compare as `0` (core appends `id` as the final tiebreaker itself).
 *
 * @example
 * ```ts
 * import { compareRows, type StorageRow } from '@rapport/core/storage'
 *
 * declare const rows: StorageRow[]
 * rows.sort(
 *   compareRows([
 *     { ref: { field: 'lastName', type: 'string' }, direction: 'asc' },
 *     { ref: { field: 'createdAt', type: 'datetime' }, direction: 'desc' },
 *   ]),
 * )
 * ```
 */
export function compareRows(orderBy: readonly StorageOrderBy[]): (a: StorageRow, b: StorageRow) => number {
  const keys = orderBy.map((key) => ({ ref: key.ref, sign: key.direction === 'desc' ? -1 : 1 }))
  return (a, b) => {
    for (const { ref, sign } of keys) {
      const result = compareStorageValues(readFieldRef(a, ref), readFieldRef(b, ref))
      if (result !== 0) return result * sign
    }
    return 0
  }
}
