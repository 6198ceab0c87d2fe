import type { AggregateGroupRow, AggregateRowsArgs } from './grouped-aggregation.js'
import type { ModelScope, StorageSchema } from './model-definition.js'
import type { AggregateCustomerOrdersArgs, CustomerOrderAggregate } from './order-aggregation.js'
import type { StorageFilter, StorageOrderBy, StorageRow } from './storage-filter.js'

/**
 * What an adapter can do. Core and the conformance kit adapt to these flags instead of checking adapter types.
 */
export interface StorageCapabilities {
  /** `transaction()` is atomic and isolated; when false, the transaction suites are skipped with this reason. */
  readonly transactions: boolean
  /** The adapter implements `search()`; otherwise core falls back to `contains` filters. */
  readonly fullTextSearch: boolean
  /** Filters and ordering on `json` paths (custom fields) are supported. */
  readonly jsonPaths: boolean
  /** Several processes may write the same database; conflicts still surface as `VERSION_CONFLICT`. */
  readonly concurrentWriters: boolean
  /** The largest number of rows the adapter writes per statement; `createMany` chunks above it. */
  readonly maxRowsPerStatement?: number
  /**
   * The adapter implements `aggregateCustomerOrders()` (per-customer order summaries computed inside the database);
   * otherwise core streams `findMany` pages and aggregates them itself.
   */
  readonly orderAggregation?: boolean
  /**
   * The adapter implements `aggregate()` (grouped counts and sums computed inside the database); otherwise core
   * streams `findMany` pages and groups them itself (`aggregateRowsByScan()`).
   */
  readonly aggregation?: boolean
  /**
   * Given `fields` (fields the model has), `findById` and `findMany` rows hold exactly those fields and no other, in
   * the order of `model.fields`, each present (`null` where unset), in a fresh object per row. Core then hands such a
   * row out as the record itself instead of copying it into a second object (a list page reads 50 of them).
   */
  readonly exactReadFields?: boolean
  /**
   * `search()` honours `readableFields` (ranks by the keys of the fields a caller may read, from the source bits of
   * `searchKeys`); otherwise core over-fetches and re-ranks a masked caller's results itself.
   */
  readonly readableSearch?: boolean
}

/** Arguments of {@link StorageOperations.findMany}. */
export interface FindManyArgs extends ModelScope {
  /** Rows must satisfy this filter; all rows of the tenant when absent. */
  readonly where?: StorageFilter
  /** Sort keys, applied in order. Unordered when empty. */
  readonly orderBy?: readonly StorageOrderBy[]
  /** At most this many rows. */
  readonly limit?: number
  /** Skip this many rows first (simple UIs; core's `list()` uses keyset cursors instead). */
  readonly offset?: number
  /** The fields the caller reads from each row; see {@link ReadFields}. */
  readonly fields?: ReadFields
}

/**
 * The fields a caller will read from the rows it asks for (core passes the fields its records are built from). An
 * adapter may then read and decode only these, skipping derived columns no record shows; it must still return every
 * one of them (`null` where unset), and returning more is always correct, so an adapter may ignore the hint. Pass the
 * same array on every call (adapters cache per array); absent, every field.
 */
export type ReadFields = readonly string[]

/** Arguments of {@link StorageOperations.findById}. */
export interface FindByIdArgs extends ModelScope {
  /** The row's id. */
  readonly id: string
  /** The fields the caller reads; see {@link ReadFields}. */
  readonly fields?: ReadFields
}

/** One part of {@link StorageOperations.newestKeys}: a model's rows matching `where`, dated by the field `at`. */
export interface NewestKeysPart {
  readonly model: ModelScope['model']
  /** Rows must satisfy this filter; all rows of the tenant when absent. */
  readonly where?: StorageFilter
  /** A top-level, non-null datetime field of the model. */
  readonly at: string
  /**
   * The top-level string field returned as the key's `id`, which also breaks ties of `at` (default `id`). A part over
   * an index model names the indexed row's id: the timeline reads a contact's activities from `recordLink` rows
   * (`sourceAt`, `sourceId`).
   */
  readonly id?: string
  /**
   * Rows sharing both `at` and the id field give one key (SQL `select distinct`). A part over an index model whose
   * rows repeat a key needs it: a company's activities read from their `recordLink` rows, where an activity linked to
   * the company and to one of its people has two rows.
   */
  readonly distinct?: boolean
}

/** Arguments of {@link StorageOperations.newestKeys}. */
export interface NewestKeysArgs extends Omit<ModelScope, 'model'> {
  /** The parts, read in the args' tenant and schema. */
  readonly parts: readonly NewestKeysPart[]
  /** At most this many keys in all. */
  readonly limit: number
}

/** One key of {@link StorageOperations.newestKeys}: which part, the row's id and its `at`. */
export interface NewestKey {
  readonly part: number
  readonly id: string
  readonly at: Date
}

/** One row of {@link StorageOperations.updateByIds}. */
export interface UpdateByIdsRow {
  /** The row's id. */
  readonly id: string
  /** The fields to set. */
  readonly data: StorageRow
  /** Top-level fields the stored row must still equal for the update to happen (compare-and-set). */
  readonly match?: StorageRow
}

/** Arguments of {@link StorageOperations.updateByIds}. */
export interface UpdateByIdsArgs extends ModelScope {
  /** Distinct ids, each with the same `data` and `match` fields. */
  readonly rows: readonly UpdateByIdsRow[]
  /** A filter every updated row must satisfy as well. */
  readonly guard?: StorageFilter
}

/** Arguments of {@link StorageOperations.search}. */
export interface SearchArgs extends ModelScope {
  /** Free text typed by a user. */
  readonly query: string
  /** Further restricts the matches. */
  readonly where?: StorageFilter
  /** At most this many rows, best match first. */
  readonly limit: number
  /**
   * Match and rank only through these search fields (and the phrases made only of them): core passes the fields a
   * masked caller may read, and only when `capabilities.readableSearch`. The rows are then those matching the
   * document of these fields alone, ranked by it (`searchRowRank()` of `@rapport/core/search`, then id): SQL adapters
   * read the first two tiers from the keys whose source bits (in `searchKeys`) are these fields', and re-check the
   * rest with `searchRowMatcher()`. Absent: every search field.
   */
  readonly readableFields?: readonly string[]
}

/**
 * The model-agnostic operations every adapter implements. Core owns ids, validation, coercion and versions; the
 * adapter stores rows faithfully, applies filters with the documented semantics, and maps driver errors to
 * `RapportError` codes (`UNIQUE_VIOLATION`, `CONSTRAINT_VIOLATION`, `STORAGE_BUSY`, `STORAGE_FAILURE`).
 */
export interface StorageOperations {
  /** Inserts one row (all columns given by core) and returns it as stored. */
  create(args: ModelScope & { readonly data: StorageRow }): Promise<StorageRow>
  /**
   * Inserts many rows atomically: all or none. Must accept any number of rows, chunking under driver limits.
   */
  createMany(args: ModelScope & { readonly data: readonly StorageRow[] }): Promise<number>
  /** The row with this id in this tenant, or `null`. */
  findById(args: FindByIdArgs): Promise<StorageRow | null>
  /** The rows with these ids in this tenant, in any order; missing ids are omitted. */
  findByIds(args: ModelScope & { readonly ids: readonly string[] }): Promise<StorageRow[]>
  /** Rows matching `where`, ordered and paged. */
  findMany(args: FindManyArgs): Promise<StorageRow[]>
  /** How many rows match `where`. */
  count(args: ModelScope & { readonly where?: StorageFilter }): Promise<number>
  /** Full-text search; only called when `capabilities.fullTextSearch`. */
  search?(args: SearchArgs): Promise<StorageRow[]>
  /**
   * Sets `data` on the row with this id when it also satisfies `guard` (compare-and-set, e.g. `version = 3`).
   * Returns the updated row, or `null` when id and guard matched nothing. Never touches another row.
   */
  updateById(
    args: ModelScope & { readonly id: string; readonly data: StorageRow; readonly guard?: StorageFilter },
  ): Promise<StorageRow | null>
  /**
   * Optional: {@link StorageOperations.updateById} for many rows in one call, a batch of compare-and-sets. Each
   * row's `data` is set on the row with its `id` when that row also has each `match` field equal to its value (e.g.
   * `{ version: 3 }`) and satisfies `guard` (shared by every row, e.g. an access scope). Returns the rows updated, as
   * stored, in any order; a row whose id, match or guard failed is left out and never touched. The ids are distinct
   * and every row gives the same `data` and `match` fields. SQL adapters make it one statement per batch (Postgres:
   * `UPDATE … FROM unnest(column arrays)`); without it core calls `updateById` once per row, with the same result.
   */
  updateByIds?(args: UpdateByIdsArgs): Promise<StorageRow[]>
  /** Sets `data` on every row matching `where`; returns how many rows changed. */
  updateMany(args: ModelScope & { readonly where: StorageFilter; readonly data: StorageRow }): Promise<number>
  /** Deletes the row with this id when it satisfies `guard`; returns whether a row was deleted. */
  deleteById(args: ModelScope & { readonly id: string; readonly guard?: StorageFilter }): Promise<boolean>
  /** Deletes every row matching `where` (every row of the tenant when absent); returns how many. */
  deleteMany(args: ModelScope & { readonly where?: StorageFilter }): Promise<number>
  /**
   * Per-customer order summaries, grouped inside the database (one result row per customer, never one per order);
   * only called when `capabilities.orderAggregation`. Must return exactly what `aggregateCustomerOrdersByScan()`
   * returns for the same arguments (any order; core sorts).
   */
  aggregateCustomerOrders?(args: AggregateCustomerOrdersArgs): Promise<CustomerOrderAggregate[]>
  /**
   * Grouped counts and sums, computed inside the database (one result row per group, never one per record); only
   * called when `capabilities.aggregation`. Must return exactly what `aggregateRowsByScan()` returns for the same
   * arguments (any order; core sorts).
   */
  aggregate?(args: AggregateRowsArgs): Promise<AggregateGroupRow[]>
  /**
   * The newest `limit` rows over several models at once, as keys only: each part's rows matching its filter,
   * ordered by `at` descending then `id` descending (code-point order) across all parts, in one statement on SQL
   * adapters (the customer timeline reads its sources this way). Optional: without it core runs
   * `newestKeysByScan()` (each part with `findMany`, merged), which is the reference every adapter must match.
   */
  newestKeys?(args: NewestKeysArgs): Promise<NewestKey[]>
}

/** The operations available inside a transaction. Nested transactions are flattened by core. */
export type StorageTransaction = StorageOperations

/** SQL (or other) statements a migration would run, for teams with their own migration tooling. */
export interface MigrationPlan {
  /** Statements in execution order; empty when the storage is up to date. */
  readonly statements: readonly string[]
}

/** What `apply()` did. */
export interface MigrationReport {
  /** Names of the migrations that ran now, in order. */
  readonly applied: readonly string[]
  /** Names of the migrations that had already run. */
  readonly skipped: readonly string[]
}

/**
 * Schema management owned by the adapter. Nothing runs on import: the host calls `crm.migrate()`.
 */
export interface StorageMigrations {
  /** What `apply(schema)` would run, without running it. */
  plan(schema: StorageSchema): Promise<MigrationPlan>
  /** Brings the storage up to `schema`; idempotent, and serialised against concurrent migrators. */
  apply(schema: StorageSchema): Promise<MigrationReport>
}

/**
 * The storage port. Implement it to store Rapport's data anywhere, and prove it with
 * `runStorageConformance()` from `@rapport/core/testing`.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createMemoryStorage } from '@rapport/core/testing'
 *
 * const crm = createCrm({ storage: createMemoryStorage() })
 * ```
 */
export interface StorageAdapter extends StorageOperations {
  /** A short name for logs and test titles, e.g. `sqlite`. */
  readonly name: string
  /** What the adapter supports. */
  readonly capabilities: StorageCapabilities
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back when it throws (and rethrows). An adapter may
   * roll back and run `fn` again after a transient conflict (a deadlock, a serialization failure), so `fn` keeps its
   * effects inside `tx`, or collects them per call and acts on them only after `transaction()` resolves.
   */
  transaction<R>(fn: (tx: StorageTransaction) => Promise<R>): Promise<R>
  /** Schema management; adapters that need none (memory) may still implement it as a no-op. */
  readonly migrations: StorageMigrations
  /** Releases connections the adapter opened itself (never the host's own pool or Kysely instance). */
  close(): Promise<void>
  /**
   * Optional: makes deleted data physically unrecoverable from the live database where the engine keeps remnants
   * after a delete, e.g. SQLite merges full-text index segments (deleted rows' tokens stay in them until then) and
   * checkpoints and truncates the WAL. Run after an erasure, off the hot path. It cannot reach backups or replicas.
   */
  scrub?(schema: StorageSchema): Promise<void>
}
