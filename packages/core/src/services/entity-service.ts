import { accessFieldRights, projectRecord } from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { StorageRow } from '../storage/storage-filter.js'
import type { EntityService } from '../types/entity-service.js'
import type { AggregateOptions, AggregateResult } from './aggregate-options.js'
import { aggregateRecords } from './entity-aggregate.js'
import { archiveState } from './entity-archive.js'
import type { EntityBehaviour, EntityContext } from './entity-behaviour.js'
import { checkCreateBatch, updateMany } from './entity-bulk.js'
import { createRecords } from './entity-create.js'
import { deleteMany, deleteRecord } from './entity-delete.js'
import { recordNotFound } from './entity-errors.js'
import { countRecords, listPage } from './entity-list.js'
import { compileMatcher } from './entity-matcher.js'
import { isExactRecord, loadRow, visibleRecord } from './entity-scope.js'
import { searchRecords } from './entity-search.js'
import { parsePatch, updateRecords } from './entity-update.js'
import { parseWriteOptions } from './entity-versioning.js'
import type {
  CountOptions,
  CreateManyOptions,
  DeleteManyItem,
  ListOptions,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './list-options.js'
import { checkPayload } from './record-validation.js'

export type { EntityBehaviour } from './entity-behaviour.js'

/** The implementation of {@link EntityService}. */
export class EntityServiceImpl<R, C, U> implements EntityService<R, C, U> {
  readonly #ctx: EntityContext

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity, behaviour: EntityBehaviour = {}) {
    this.#ctx = { session, entity, behaviour }
  }

  get entityName(): string {
    return this.#ctx.entity.name
  }

  async create(input: C): Promise<R> {
    const [record] = await createRecords(this.#ctx, [input], false)
    return this.#visible(record as Record<string, unknown>) as R
  }

  async createMany(inputs: readonly C[], options: CreateManyOptions = {}): Promise<R[]> {
    checkCreateBatch(this.#ctx, inputs)
    if (inputs.length === 0) return []
    const created = await createRecords(this.#ctx, inputs, true, options)
    // The actor's field rights, looked up once for the batch.
    const rights = accessFieldRights(this.#ctx.session, this.#ctx.entity.name)
    return created.map((r) => projectRecord(r, rights)) as R[]
  }

  async get(id: string): Promise<R> {
    const row = await this.#load(id)
    if (!row) throw recordNotFound(this.#ctx.entity.name, id)
    return this.#record(row)
  }

  async find(id: string): Promise<R | null> {
    const row = await this.#load(id)
    return row ? this.#record(row) : null
  }

  /** The stored row of a readable record, straight from `loadRow` (no wrapper promise per layer: `get` is hot). */
  #load(id: string): Promise<StorageRow | null> {
    if (typeof id !== 'string' || id.length === 0) return Promise.resolve(null)
    const ctx = this.#ctx
    return ctx.session.read(() => loadRow(ctx, ctx.session, id, 'read', ctx.entity.recordFields))
  }

  /** The record of a row `#load` read (a row read with the record's fields only, when `loadRow` could). */
  #record(row: StorageRow): R {
    const ctx = this.#ctx
    const exact = isExactRecord(ctx) && Object.keys(row).length === ctx.entity.recordFields.length
    // The row was read for this call alone: masking may edit it rather than copy it.
    return visibleRecord(ctx, ctx.session, exact ? row : ctx.entity.fromRow(row), true) as R
  }

  async update(id: string, patch: U, options: WriteOptions = {}): Promise<R> {
    const ctx = this.#ctx
    const opts = parseWriteOptions(ctx, options)
    checkPayload(ctx.entity.name, patch, ctx.session.runtime.limits.maxRecordBytes)
    const parsedPatch = parsePatch(ctx, patch as Record<string, unknown>, [])
    return ctx.session.write(async (session) => {
      const [updated] = await updateRecords(ctx, session, [
        { id, patch: parsedPatch, expectedVersion: opts.expectedVersion },
      ])
      return this.#visible(updated as Record<string, unknown>) as R
    })
  }

  async updateMany(items: readonly UpdateManyItem<U>[]): Promise<R[]> {
    return (await updateMany(this.#ctx, items)).map((r) => this.#visible(r)) as R[]
  }

  async archive(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#visible(
      await archiveState(this.#ctx, id, true, parseWriteOptions(this.#ctx, options).expectedVersion),
    ) as R
  }

  async restore(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#visible(
      await archiveState(this.#ctx, id, false, parseWriteOptions(this.#ctx, options).expectedVersion),
    ) as R
  }

  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    await deleteRecord(this.#ctx, id, parseWriteOptions(this.#ctx, options).expectedVersion)
  }

  async deleteMany(items: readonly DeleteManyItem[]): Promise<void> {
    await deleteMany(this.#ctx, items)
  }

  async list(options: ListOptions = {}): Promise<Page<R>> {
    return (await listPage(this.#ctx, options)) as Page<R>
  }

  async *iterate(options: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<R, void, undefined> {
    let cursor: string | null = null
    do {
      const page: Page<R> = await this.list({ ...options, cursor, limit: options.limit ?? 500 })
      yield* page.items
      cursor = page.nextCursor
    } while (cursor)
  }

  async count(options: CountOptions = {}): Promise<number> {
    return countRecords(this.#ctx, options)
  }

  async aggregate(options: AggregateOptions): Promise<AggregateResult> {
    return aggregateRecords(this.#ctx, options)
  }

  async matcher(where: unknown): Promise<(record: object) => boolean> {
    const test = await compileMatcher(this.#ctx, where)
    return (record) => test(record as Readonly<Record<string, unknown>>)
  }

  async search(query: string, options: SearchOptions = {}): Promise<R[]> {
    return (await searchRecords(this.#ctx, query, options)) as R[]
  }

  /** A record as the session's actor may see it (hidden fields removed, masked fields masked). */
  #visible(record: Record<string, unknown>): Record<string, unknown> {
    return visibleRecord(this.#ctx, this.#ctx.session, record)
  }
}
