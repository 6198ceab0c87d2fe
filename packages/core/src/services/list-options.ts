import type { WriteOrigin } from '../crm/write-origin.js'
import type { Filter } from '../filter/filter-types.js'

/** One sort key of `list()`: a field path such as `updatedAt`, `amount.amountMinor` or `custom.tier`. */
export interface OrderBy {
  readonly field: string
  readonly direction?: 'asc' | 'desc'
}

/**
 * Options of `list()`. Pages use keyset cursors: stable under concurrent inserts, and as fast on page 1,000 as on
 * page 1. The ordering always ends with `id`, so it is total.
 */
export interface ListOptions {
  /** Records must match this filter. */
  readonly where?: Filter
  /** Sort keys (default: `id` ascending, which is creation order). */
  readonly orderBy?: readonly OrderBy[]
  /** Page size (default 50, at most the CRM's `maxPageSize`). */
  readonly limit?: number
  /** The `nextCursor` of the previous page, with the same `where` and `orderBy`. */
  readonly cursor?: string | null
  /** Include archived records (excluded by default). */
  readonly includeArchived?: boolean
}

/** One page of `list()`. */
export interface Page<R> {
  readonly items: R[]
  /** Pass to the next `list()` call; `null` on the last page. */
  readonly nextCursor: string | null
  readonly hasMore: boolean
}

/** Options of `count()`. */
export interface CountOptions {
  readonly where?: Filter
  readonly includeArchived?: boolean
}

/** Options of `search()`. */
export interface SearchOptions {
  /** Further restricts the matches. */
  readonly where?: Filter
  /** At most this many results (default 20). */
  readonly limit?: number
  readonly includeArchived?: boolean
}

/**
 * Options of `createMany()`.
 *
 * @example
 * ```ts
 * // Each task is recorded (audit, `beforeCommit` hooks) as caused by its own run, in one insert.
 * await crm.tasks.createMany(runs.map((r) => ({ title: r.title })), {
 *   originOf: (i) => ({ channel: 'automation', channelRef: 'rule_1', causationId: runs[i]!.id }),
 * })
 * ```
 */
export interface CreateManyOptions {
  /**
   * The write origin of the item at `index`, in place of the session's (`crm.scoped({ origin })`) for that item:
   * its `<entity>.created` event, the `after` hooks and `beforeCommit` hooks see it, as if the item were created
   * alone by a session with that origin joined to the transaction. `undefined` keeps the session's origin. A
   * malformed origin is `INVALID_CONFIG` and nothing is written.
   */
  readonly originOf?: (index: number) => WriteOrigin | undefined
}

/** Options of writes to an existing record. */
export interface WriteOptions {
  /** Fail with `VERSION_CONFLICT` unless the stored record still has this version. */
  readonly expectedVersion?: number
}

/** One item of `updateMany()`. */
export interface UpdateManyItem<U> {
  readonly id: string
  readonly patch: U
  readonly expectedVersion?: number
}

/** One item of `deleteMany()`: the record's id and, optionally, the version it must still have. */
export interface DeleteManyItem {
  readonly id: string
  readonly expectedVersion?: number
}
