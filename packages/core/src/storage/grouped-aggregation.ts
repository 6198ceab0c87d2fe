import type { ModelScope } from './model-definition.js'
import type { FieldRef, StorageFilter, StorageValue } from './storage-filter.js'

/**
 * One grouping key of {@link AggregateRowsArgs}:
 * - `field`: the value of a plain scalar column (no JSON path, no array, not `json`);
 * - `case`: the index of the first of `cases` the row satisfies, or `cases.length` when it satisfies none (SQL's
 *   `CASE WHEN … THEN 0 WHEN … THEN 1 ELSE n END`). The cases may not use `exists`. This is how buckets are made,
 *   e.g. aging buckets as `dueDate >= '2026-03-31'`, `dueDate >= '2026-03-01'`, … with no date function in SQL.
 */
export type AggregateGroupKey =
  | { readonly kind: 'field'; readonly ref: FieldRef }
  | { readonly kind: 'case'; readonly cases: readonly StorageFilter[] }

/**
 * One measure of {@link AggregateRowsArgs}: the number of rows, or the sum of an `integer` column (exact: minor
 * units; `null` values are skipped and an empty sum is 0). Sums of floating-point columns are not offered: their
 * result would depend on the order each engine adds in.
 */
export type AggregateMeasure = { readonly kind: 'count' } | { readonly kind: 'sum'; readonly ref: FieldRef }

/**
 * Arguments of {@link StorageOperations.aggregate}: `GROUP BY` the keys, compute the measures. `where` already holds
 * every restriction (tenant aside): the caller's filter, archived rows, access scopes. The adapter only groups.
 */
export interface AggregateRowsArgs extends ModelScope {
  /** The rows to aggregate. */
  readonly where: StorageFilter
  /** The grouping keys, in order; none gives exactly one group (the totals, zeros when no row matches). */
  readonly groupBy: readonly AggregateGroupKey[]
  /** The measures, in order (at least one). */
  readonly measures: readonly AggregateMeasure[]
}

/** One group of an aggregate: its key values (in `groupBy` order; a `case` key is a number) and its measures. */
export interface AggregateGroupRow {
  /** The key values, decoded like row values (`Date` for `datetime`, booleans as booleans). */
  readonly keys: readonly StorageValue[]
  /** The measures, in `measures` order. */
  readonly values: readonly number[]
}
