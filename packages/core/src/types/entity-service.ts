import type { AggregateOptions, AggregateResult } from '../services/aggregate-options.js'
import type {
  CountOptions,
  CreateManyOptions,
  DeleteManyItem,
  ListOptions,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from '../services/list-options.js'

/**
 * The CRUD, list and search service of one entity, bound to a session (tenant, actor, transaction).
 *
 * @typeParam R - the record type
 * @typeParam C - the create input type
 * @typeParam U - the update input type
 *
 * @example
 * ```ts
 * const ada = await crm.contacts.create({ firstName: 'Ada', emails: [{ address: 'ada@example.com' }] })
 * const renamed = await crm.contacts.update(ada.id, { lastName: 'Lovelace' }, { expectedVersion: ada.version })
 * const page = await crm.contacts.list({ where: { field: 'lastName', op: 'startsWith', value: 'Love' } })
 * ```
 */
export interface EntityService<R, C, U> {
  /** The entity name, e.g. `contact`. */
  readonly entityName: string
  /** Creates a record. Validation failures throw `VALIDATION_FAILED` with per-field issues and write nothing. */
  create(input: C): Promise<R>
  /**
   * Creates many records in one transaction: all are validated first, and either all are written or none. Given
   * `options.originOf`, each item is recorded with its own write origin (see {@link CreateManyOptions}).
   */
  createMany(inputs: readonly C[], options?: CreateManyOptions): Promise<R[]>
  /** The record with this id; `NOT_FOUND` when it does not exist (or is outside the caller's scope). */
  get(id: string): Promise<R>
  /** The record with this id, or `null`. Archived records are returned too (check `archivedAt`). */
  find(id: string): Promise<R | null>
  /**
   * Applies a partial update. With `expectedVersion`, a stale version throws `VERSION_CONFLICT` and writes nothing;
   * without it, the update re-reads and retries when it loses a race, so concurrent updates are never lost.
   * `custom` values merge key by key (`null` removes a key). An update that changes nothing writes nothing.
   */
  update(id: string, patch: U, options?: WriteOptions): Promise<R>
  /** Applies many updates in one transaction; any failure rolls all of them back. */
  updateMany(items: readonly UpdateManyItem<U>[]): Promise<R[]>
  /** Soft-deletes a record: it disappears from `list()` and `count()` unless `includeArchived`. */
  archive(id: string, options?: WriteOptions): Promise<R>
  /** Restores an archived record. */
  restore(id: string, options?: WriteOptions): Promise<R>
  /** Deletes a record for good. Links to it are removed; references to it follow their `onDelete` rule. */
  delete(id: string, options?: WriteOptions): Promise<void>
  /**
   * Deletes many records for good in one transaction, as `delete` does each of them in order (the same hooks, link
   * clean-up, `<entity>.deleted` events and errors: `NOT_FOUND`, `FORBIDDEN`, `VERSION_CONFLICT`, `HOOK_REJECTED`),
   * with one read and one delete statement per batch instead of per record. Any failure rolls all of them back.
   *
   * @example
   * ```ts
   * const stale = await crm.tasks.list({ where: { field: 'status', op: 'eq', value: 'cancelled' }, limit: 500 })
   * await crm.tasks.deleteMany(stale.items.map((t) => ({ id: t.id, expectedVersion: t.version })))
   * ```
   */
  deleteMany(items: readonly DeleteManyItem[]): Promise<void>
  /** One page of records, ordered and filtered, with a keyset cursor for the next page. */
  list(options?: ListOptions): Promise<Page<R>>
  /** Every record matching `where`, page by page; convenient for exports and batch jobs. */
  iterate(options?: Omit<ListOptions, 'cursor'>): AsyncGenerator<R, void, undefined>
  /** How many records match `where`. */
  count(options?: CountOptions): Promise<number>
  /**
   * Grouped counts and exact integer sums of the records matching `where` within the caller's scope, computed inside
   * the database on adapters with `capabilities.aggregation` (both SQL adapters) and by core's scan otherwise; every
   * adapter returns the same groups. Keys are plain fields or buckets (the first matching filter of a list).
   *
   * @throws `VALIDATION_FAILED` for a field that cannot be grouped or summed, `INVALID_FILTER` for a bad filter or a
   *   bucket using `exists`, `FIELD_FORBIDDEN` for a field the caller cannot read in clear.
   *
   * @example
   * ```ts
   * const { groups } = await crm.deals.aggregate({
   *   groupBy: ['status', { name: 'size', cases: [{ field: 'amount.amountMinor', op: 'lt', value: 1_000_000 }] }],
   *   measures: { deals: { count: true }, total: { sum: 'amount.amountMinor' } },
   * })
   * // [{ key: { status: 'open', size: 0 }, values: { deals: 12, total: 4_200_000 } }, …]
   * ```
   */
  aggregate(options: AggregateOptions): Promise<AggregateResult>
  /**
   * Compiles a filter once into a synchronous test of records of this entity, with exactly the semantics `list`
   * gives it (core's reference evaluator over the record's storage row). For checking records already in memory:
   * validation rules, import rows, a merge result before it is written. Placeholders are bound when compiling; the
   * filter may not use `exists`. The caller's field access is not checked: nothing is read from storage.
   *
   * @throws `RapportError('INVALID_FILTER')` for an invalid filter or one using `exists`.
   *
   * @example
   * ```ts
   * const isWonWithoutAmount = await crm.deals.matcher({
   *   and: [{ field: 'status', op: 'eq', value: 'won' }, { field: 'amount.amountMinor', op: 'isNull', value: true }],
   * })
   * isWonWithoutAmount(deal) // true or false
   * ```
   */
  matcher(where: unknown): Promise<(record: object) => boolean>
  /**
   * Full-text search over the entity's search fields (names, emails, notes…), best match first. Adapters without
   * full-text search fall back to case-insensitive substring matching.
   */
  search(query: string, options?: SearchOptions): Promise<R[]>
}
