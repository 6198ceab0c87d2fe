import type { Session } from '../crm/session.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import { archiveState } from './entity-archive.js'
import type { EntityBehaviour, EntityContext } from './entity-behaviour.js'
import { checkCreateBatch, updateMany } from './entity-bulk.js'
import { createRecords } from './entity-create.js'
import { deleteRecord } from './entity-delete.js'
import { recordNotFound } from './entity-errors.js'
import { countRecords, listPage } from './entity-list.js'
import { compileMatcher } from './entity-matcher.js'
import { loadRow, visibleRecord } from './entity-scope.js'
import { searchRecords } from './entity-search.js'
import { parsePatch, updateRecord } from './entity-update.js'
import { parseWriteOptions } from './entity-versioning.js'
import type {
  CountOptions,
  ListOptions,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './list-options.js'
import { checkPayload } from './record-validation.js'

export type { EntityBehaviour } from './entity-behaviour.js'

/**
 * The CRUD, list and search service of one entity, bound to a session (tenant, actor, transaction).
 *
 * Each concept lives in its own file and works from an `EntityContext`: creation (`entity-create`), updates
 * and their retries (`entity-update`, `entity-versioning`), batches (`entity-bulk`), paging (`entity-list`),
 * search (`entity-search`), archive and delete, access scope (`entity-scope`), hooks and events.
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
export class EntityService<R, C, U> {
  readonly #ctx: EntityContext

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity, behaviour: EntityBehaviour = {}) {
    this.#ctx = { session, entity, behaviour }
  }

  /** The entity name, e.g. `contact`. */
  get entityName(): string {
    return this.#ctx.entity.name
  }

  /**
   * Creates a record. Validation failures throw `VALIDATION_FAILED` with per-field issues and write nothing.
   */
  async create(input: C): Promise<R> {
    const [record] = await createRecords(this.#ctx, [input], false)
    return this.#visible(record as Record<string, unknown>) as R
  }

  /**
   * Creates many records in one transaction: all are validated first, and either all are written or none.
   */
  async createMany(inputs: readonly C[]): Promise<R[]> {
    checkCreateBatch(this.#ctx, inputs)
    if (inputs.length === 0) return []
    return (await createRecords(this.#ctx, inputs, true)).map((r) => this.#visible(r)) as R[]
  }

  /** The record with this id; `NOT_FOUND` when it does not exist (or is outside the caller's scope). */
  async get(id: string): Promise<R> {
    const record = await this.find(id)
    if (!record) throw recordNotFound(this.#ctx.entity.name, id)
    return record
  }

  /** The record with this id, or `null`. Archived records are returned too (check `archivedAt`). */
  async find(id: string): Promise<R | null> {
    if (typeof id !== 'string' || id.length === 0) return null
    const ctx = this.#ctx
    return ctx.session.read(async () => {
      const row = await loadRow(ctx, ctx.session, id, 'read')
      return row ? (this.#visible(ctx.entity.fromRow(row)) as R) : null
    })
  }

  /**
   * Applies a partial update. With `expectedVersion`, a stale version throws `VERSION_CONFLICT` and writes nothing;
   * without it, the update re-reads and retries when it loses a race, so concurrent updates are never lost.
   * `custom` values merge key by key (`null` removes a key). An update that changes nothing writes nothing.
   */
  async update(id: string, patch: U, options: WriteOptions = {}): Promise<R> {
    const ctx = this.#ctx
    const opts = parseWriteOptions(ctx, options)
    checkPayload(ctx.entity.name, patch, ctx.session.runtime.limits.maxRecordBytes)
    const parsedPatch = parsePatch(ctx, patch as Record<string, unknown>, [])
    return ctx.session.write(
      async (session) =>
        this.#visible(await updateRecord(ctx, session, id, parsedPatch, opts.expectedVersion)) as R,
    )
  }

  /** Applies many updates in one transaction; any failure rolls all of them back. */
  async updateMany(items: readonly UpdateManyItem<U>[]): Promise<R[]> {
    return (await updateMany(this.#ctx, items)).map((r) => this.#visible(r)) as R[]
  }

  /** Soft-deletes a record: it disappears from `list()` and `count()` unless `includeArchived`. */
  async archive(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#visible(
      await archiveState(this.#ctx, id, true, parseWriteOptions(this.#ctx, options).expectedVersion),
    ) as R
  }

  /** Restores an archived record. */
  async restore(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#visible(
      await archiveState(this.#ctx, id, false, parseWriteOptions(this.#ctx, options).expectedVersion),
    ) as R
  }

  /** Deletes a record for good. Links to it are removed; references to it follow their `onDelete` rule. */
  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    await deleteRecord(this.#ctx, id, parseWriteOptions(this.#ctx, options).expectedVersion)
  }

  /**
   * One page of records, ordered and filtered, with a keyset cursor for the next page.
   */
  async list(options: ListOptions = {}): Promise<Page<R>> {
    return (await listPage(this.#ctx, options)) as Page<R>
  }

  /** Every record matching `where`, page by page; convenient for exports and batch jobs. */
  async *iterate(options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<R, void, undefined> {
    let cursor: string | null = null
    do {
      const page: Page<R> = await this.list({ ...options, cursor, limit: options.limit ?? 500 })
      yield* page.items
      cursor = page.nextCursor
    } while (cursor)
  }

  /** How many records match `where`. */
  async count(options: CountOptions = {}): Promise<number> {
    return countRecords(this.#ctx, options)
  }

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
  async matcher(where: unknown): Promise<(record: object) => boolean> {
    const test = await compileMatcher(this.#ctx, where)
    return (record) => test(record as Readonly<Record<string, unknown>>)
  }

  /**
   * Full-text search over the entity's search fields (names, emails, notes…), best match first. Adapters without
   * full-text search fall back to case-insensitive substring matching.
   */
  async search(query: string, options: SearchOptions = {}): Promise<R[]> {
    return (await searchRecords(this.#ctx, query, options)) as R[]
  }

  /** A record as the session's actor may see it (hidden fields removed, masked fields masked). */
  #visible(record: Record<string, unknown>): Record<string, unknown> {
    return visibleRecord(this.#ctx, this.#ctx.session, record)
  }
}
