import type { StorageFieldType } from './model-definition.js'

/**
 * A JSON value as stored in `json` columns.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * A value in a storage row or filter: scalars, `Date` for `datetime` columns, and JSON for `json` columns.
 */
export type StorageValue = string | number | boolean | Date | null | JsonValue

/** A storage row: field name to value. Adapters return every column of the model, `null` for SQL NULL. */
export type StorageRow = Record<string, StorageValue>

/**
 * A resolved reference to a value: a column, optionally a path into a `json` column (custom fields). `type` tells the
 * adapter how to compare: a `number` path compares numerically, a `string` path by code point, a `datetime` path
 * holds ISO-8601 UTC strings with milliseconds (`2025-01-02T03:04:05.678Z`), so it compares as a string.
 */
export interface FieldRef {
  /** The column name (a key of `ModelDefinition.fields`). */
  readonly field: string
  /** Keys into a `json` column; absent for plain columns. */
  readonly path?: readonly string[]
  /** The scalar type of the referenced value. */
  readonly type: Exclude<StorageFieldType, 'json'> | 'json'
  /** The value is an array of scalars; `in`/`eq` test membership, `isNull` tests emptiness. */
  readonly array?: boolean
}

/** Comparison operators on a single value. */
export type CompareOperator = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'

/** Text operators. */
export type TextOperator = 'contains' | 'startsWith' | 'endsWith'

/**
 * The filter tree adapters evaluate: already validated, bound (no placeholders, no relative dates), with every field
 * resolved against the schema. Core produces it from the public filter language.
 *
 * **Two-valued logic.** Every node is strictly true or false for every row. A missing JSON key and SQL NULL are the
 * same value, `null`:
 * - `compare` with `eq`/`ne` treats `null` as an ordinary value (`null eq null` is true, `null ne 'x'` is true);
 *   `lt`/`lte`/`gt`/`gte` are false when either side is `null`;
 * - `in` is true when the value equals a list member (`null` may be a member); `nin` (`negate`) is its exact
 *   negation;
 * - `text` is false on `null`;
 * - `not` is the exact negation of its child.
 *
 * **Case.** `compare` and `text` are case-sensitive and compare by code point. `text` with `caseInsensitive` folds
 * ASCII letters only (A–Z to a–z), the one folding SQLite, Postgres and JavaScript agree on.
 */
export type StorageFilter =
  | { readonly kind: 'and'; readonly filters: readonly StorageFilter[] }
  | { readonly kind: 'or'; readonly filters: readonly StorageFilter[] }
  | { readonly kind: 'not'; readonly filter: StorageFilter }
  | { readonly kind: 'const'; readonly value: boolean }
  | {
      readonly kind: 'compare'
      readonly ref: FieldRef
      readonly op: CompareOperator
      readonly value: StorageValue
    }
  | {
      readonly kind: 'in'
      readonly ref: FieldRef
      readonly values: readonly StorageValue[]
      readonly negate: boolean
    }
  | {
      readonly kind: 'text'
      readonly ref: FieldRef
      readonly op: TextOperator
      readonly value: string
      readonly caseInsensitive: boolean
    }
  | { readonly kind: 'isNull'; readonly ref: FieldRef; readonly isNull: boolean }
  | { readonly kind: 'exists'; readonly relation: ResolvedRelation; readonly filter: StorageFilter }
  | {
      /**
       * Rows strictly after the position `values` (one per key) in the ordering `orderBy`, nulls first ascending and
       * last descending: the keyset condition of a page that resumes after a row. It means exactly
       * `expandKeysetAfter(orderBy, values)`; SQL adapters compile it to a row-value comparison where that is exact.
       */
      readonly kind: 'after'
      readonly orderBy: readonly StorageOrderBy[]
      readonly values: readonly StorageValue[]
    }
  | {
      /**
       * The number of related rows (joined as for `exists`) that satisfy `filter` lies in `[min, max]`; `max: null`
       * is unbounded. Core produces `0 <= min <= max` (whole numbers), never `min = 0` with `max = null`.
       */
      readonly kind: 'count'
      readonly relation: ResolvedRelation
      readonly filter: StorageFilter
      readonly min: number
      readonly max: number | null
    }

/**
 * A relation resolved for an `exists` or `count` node. The related rows are those of `model` in the same tenant that satisfy the
 * join and `filter`:
 * - `direct`: `related[relatedField] = row[localField]`;
 * - `through`: some row of `through` with `through[throughFrom] = row.id`, `through[throughTo] = related.id` and
 *   every `throughWhere` column equal to its value.
 */
export type ResolvedRelation =
  | {
      readonly kind: 'direct'
      readonly model: string
      readonly localField: string
      readonly relatedField: string
    }
  | {
      readonly kind: 'through'
      readonly model: string
      readonly through: string
      readonly throughFrom: string
      readonly throughTo: string
      readonly throughWhere: Readonly<Record<string, string>>
    }

/**
 * One sort key. `null` sorts first ascending and last descending, on every adapter.
 */
export interface StorageOrderBy {
  /** The value to sort by. */
  readonly ref: FieldRef
  /** Sort direction. */
  readonly direction: 'asc' | 'desc'
}
