import type { Filter } from '../filter/filter-types.js'
import type { StorageValue } from '../storage/storage-filter.js'

/**
 * Buckets for `aggregate()`: a record falls in bucket `i` when it matches `cases[i]` and none before it, and in bucket
 * `cases.length` when it matches none. The cases are filters on the entity's own fields (no `exists`).
 *
 * @example
 * ```ts
 * const due: AggregateBuckets = {
 *   name: 'age',
 *   cases: [{ field: 'dueDate', op: 'gte', value: '2026-03-31' }, { field: 'dueDate', op: 'gte', value: '2026-03-01' }],
 * } // 0: not yet due, 1: up to 30 days late, 2: older
 * ```
 */
export interface AggregateBuckets {
  /** The key's name in each group's `key`. */
  readonly name: string
  /** At most 32 filters. */
  readonly cases: readonly Filter[]
}

/** A measure of `aggregate()`: how many records, or the exact sum of an integer field (e.g. `amount.amountMinor`). */
export type AggregateMeasureOption = { readonly count: true } | { readonly sum: string }

/** Options of `aggregate()`. */
export interface AggregateOptions {
  /** Records must match this filter (the caller's read scope applies too). */
  readonly where?: Filter
  /** Include archived records (excluded by default). */
  readonly includeArchived?: boolean
  /** Up to 4 keys: field names (plain columns: no custom field, array or JSON) or buckets. None: one total group. */
  readonly groupBy?: readonly (string | AggregateBuckets)[]
  /** Up to 8 measures by name. */
  readonly measures: Readonly<Record<string, AggregateMeasureOption>>
}

/** One group of an aggregate. */
export interface AggregateGroup {
  /** Key values by name: field values as stored, bucket numbers for buckets. */
  readonly key: Readonly<Record<string, StorageValue>>
  /** Measures by name. */
  readonly values: Readonly<Record<string, number>>
}

/** The result of `aggregate()`. */
export interface AggregateResult {
  /** The groups, sorted by their keys (in `groupBy` order); exactly one when there is no `groupBy`. */
  readonly groups: readonly AggregateGroup[]
  /** `storage` when the adapter grouped inside the database, `scan` when core streamed the records. */
  readonly source: 'storage' | 'scan'
}
