import * as z from 'zod'
import type { Session } from '../crm/session.js'
import type { ResolvedEntity } from '../entities/resolved-entity.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import { isRapportError, RapportError } from '../errors/rapport-error.js'
import { compileFilter } from '../filter/compile-filter.js'
import type { Filter } from '../filter/filter-types.js'
import type { HookContext } from '../plugins/crm-plugin.js'
import type { StorageFilter, StorageOrderBy, StorageRow } from '../storage/storage-filter.js'
import { afterCursor, decodeCursor, encodeCursor } from './keyset-cursor.js'
import type {
  CountOptions,
  ListOptions,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './list-options.js'
import { checkPayload, failValidation, toIssues, validateRecord } from './record-validation.js'
import { sameValue } from './same-value.js'

/**
 * Entity-specific behaviour layered on the generic service by core (pipelines mint stage ids, activities keep
 * their record links, …).
 *
 * @internal
 */
export interface EntityBehaviour {
  /** Adjusts a validated record before it is written; may throw `VALIDATION_FAILED`. */
  prepare?(
    record: Record<string, unknown>,
    session: Session,
    current: Record<string, unknown> | null,
  ): Promise<void>
  /** Runs after the row is written, inside the transaction. */
  afterWrite?(
    record: Record<string, unknown>,
    session: Session,
    before: Record<string, unknown> | null,
  ): Promise<void>
  /** Runs before the row is deleted, inside the transaction. */
  beforeDelete?(record: Record<string, unknown>, session: Session): Promise<void>
}

/** How many times an update without `expectedVersion` re-reads and retries after losing a race. */
const MAX_UNVERSIONED_RETRIES = 5

const listOptionsSchema = z
  .object({
    where: z.unknown().optional(),
    orderBy: z
      .array(
        z
          .object({ field: z.string().min(1).max(200), direction: z.enum(['asc', 'desc']).optional() })
          .strict(),
      )
      .max(8)
      .optional(),
    limit: z.int().min(1).optional(),
    cursor: z.string().max(4096).nullable().optional(),
    includeArchived: z.boolean().optional(),
  })
  .strict()

const writeOptionsSchema = z.object({ expectedVersion: z.int().min(1).optional() }).strict()

/** Fields of the stored row core never changes after insert. */
const IMMUTABLE_COLUMNS = new Set(['id', 'tenantId', 'createdAt'])

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
export class EntityService<R, C, U> {
  readonly #session: Session
  readonly #entity: ResolvedEntity
  readonly #behaviour: EntityBehaviour

  /** @internal */
  constructor(session: Session, entity: ResolvedEntity, behaviour: EntityBehaviour = {}) {
    this.#session = session
    this.#entity = entity
    this.#behaviour = behaviour
  }

  /** The entity name, e.g. `contact`. */
  get entityName(): string {
    return this.#entity.name
  }

  /**
   * Creates a record. Validation failures throw `VALIDATION_FAILED` with per-field issues and write nothing.
   */
  async create(input: C): Promise<R> {
    const [record] = await this.#createAll([input], false)
    return record as R
  }

  /**
   * Creates many records in one transaction: all are validated first, and either all are written or none.
   */
  async createMany(inputs: readonly C[]): Promise<R[]> {
    if (!Array.isArray(inputs))
      failValidation(this.#entity.name, [{ path: [], message: 'Expected an array', code: 'invalid_type' }])
    if (inputs.length > this.#session.runtime.limits.maxBatchSize) {
      throw new RapportError(
        'PAYLOAD_TOO_LARGE',
        `createMany accepts at most ${this.#session.runtime.limits.maxBatchSize} records`,
        {
          details: {
            entity: this.#entity.name,
            size: inputs.length,
            limit: this.#session.runtime.limits.maxBatchSize,
          },
        },
      )
    }
    if (inputs.length === 0) return []
    return this.#createAll(inputs, true)
  }

  /** The record with this id; `NOT_FOUND` when it does not exist (or is outside the caller's scope). */
  async get(id: string): Promise<R> {
    const record = await this.find(id)
    if (!record) throw this.#notFound(id)
    return record
  }

  /** The record with this id, or `null`. Archived records are returned too (check `archivedAt`). */
  async find(id: string): Promise<R | null> {
    if (typeof id !== 'string' || id.length === 0) return null
    const session = this.#session
    return session.read(async () => {
      const row = await this.#load(session, id, 'read')
      return row ? (this.#entity.fromRow(row) as R) : null
    })
  }

  /**
   * Applies a partial update. With `expectedVersion`, a stale version throws `VERSION_CONFLICT` and writes nothing;
   * without it, the update re-reads and retries when it loses a race, so concurrent updates are never lost.
   * `custom` values merge key by key (`null` removes a key). An update that changes nothing writes nothing.
   */
  async update(id: string, patch: U, options: WriteOptions = {}): Promise<R> {
    const opts = this.#parseWriteOptions(options)
    checkPayload(this.#entity.name, patch, this.#session.runtime.limits.maxRecordBytes)
    const parsedPatch = this.#parsePatch(patch as Record<string, unknown>, [])
    return this.#session.write((session) => this.#updateOne(session, id, parsedPatch, opts.expectedVersion))
  }

  /** Applies many updates in one transaction; any failure rolls all of them back. */
  async updateMany(items: readonly UpdateManyItem<U>[]): Promise<R[]> {
    if (!Array.isArray(items))
      failValidation(this.#entity.name, [{ path: [], message: 'Expected an array', code: 'invalid_type' }])
    if (items.length > this.#session.runtime.limits.maxBatchSize) {
      throw new RapportError(
        'PAYLOAD_TOO_LARGE',
        `updateMany accepts at most ${this.#session.runtime.limits.maxBatchSize} items`,
      )
    }
    const issues: ValidationIssue[] = []
    const parsed = items.map((item, i) => {
      if (item === null || typeof item !== 'object' || typeof item.id !== 'string') {
        issues.push({ path: [i], message: 'Expected { id, patch, expectedVersion? }', code: 'invalid_type' })
        return null
      }
      checkPayload(this.#entity.name, item.patch, this.#session.runtime.limits.maxRecordBytes, [i, 'patch'])
      try {
        return {
          id: item.id,
          patch: this.#parsePatch(item.patch as Record<string, unknown>, [i, 'patch']),
          expectedVersion: this.#parseWriteOptions({
            ...(item.expectedVersion === undefined ? {} : { expectedVersion: item.expectedVersion }),
          }).expectedVersion,
        }
      } catch (error) {
        if (isRapportError(error, 'VALIDATION_FAILED')) issues.push(...error.issues)
        else throw error
        return null
      }
    })
    if (issues.length > 0) failValidation(this.#entity.name, issues)
    return this.#session.write(async (session) => {
      const out: R[] = []
      for (const item of parsed) {
        if (item) out.push(await this.#updateOne(session, item.id, item.patch, item.expectedVersion))
      }
      return out
    })
  }

  /** Soft-deletes a record: it disappears from `list()` and `count()` unless `includeArchived`. */
  async archive(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#setArchived(id, true, this.#parseWriteOptions(options).expectedVersion)
  }

  /** Restores an archived record. */
  async restore(id: string, options: WriteOptions = {}): Promise<R> {
    return this.#setArchived(id, false, this.#parseWriteOptions(options).expectedVersion)
  }

  /** Deletes a record for good. Links to it are removed; references to it follow their `onDelete` rule. */
  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    const { expectedVersion } = this.#parseWriteOptions(options)
    await this.#session.write(async (session) => {
      const row = await this.#load(session, id, 'write')
      if (!row) throw this.#notFound(id)
      const record = this.#entity.fromRow(row)
      this.#checkVersion(id, record, expectedVersion)
      const ctx = this.#hookContext(session)
      for (const hooks of this.#hooks()) {
        if ((await hooks.delete?.before?.(record, ctx)) === false) throw this.#rejected('delete')
      }
      await this.#behaviour.beforeDelete?.(record, session)
      const deleted = await session.ops.deleteById({
        ...this.#scope(session),
        id,
        guard: this.#versionGuard(record['version'] as number, await this.#scopeFilter(session, 'write')),
      })
      if (!deleted) throw this.#conflict(id, expectedVersion ?? (record['version'] as number))
      for (const hooks of this.#hooks()) await hooks.delete?.after?.(record, ctx)
      session.queue(`${this.#entity.name}.deleted`, this.#event(session, id, { record }))
    })
  }

  /**
   * One page of records, ordered and filtered, with a keyset cursor for the next page.
   */
  async list(options: ListOptions = {}): Promise<Page<R>> {
    const parsed = listOptionsSchema.safeParse(options)
    if (!parsed.success) failValidation(this.#entity.name, toIssues(parsed.error, ['options']))
    const opts = parsed.data
    const limits = this.#session.runtime.limits
    const limit = opts.limit ?? limits.defaultPageSize
    if (limit > limits.maxPageSize) {
      failValidation(this.#entity.name, [
        {
          path: ['options', 'limit'],
          message: `At most ${limits.maxPageSize} records per page`,
          code: 'too_big',
        },
      ])
    }
    const session = this.#session
    return session.read(async (ops) => {
      const target = await this.#target(session)
      const orderBy: StorageOrderBy[] = (opts.orderBy ?? []).map((o, i) => {
        const ref = target.resolveField(o.field)
        if (!ref || ref.array || ref.type === 'json') {
          failValidation(this.#entity.name, [
            {
              path: ['options', 'orderBy', i, 'field'],
              message: `Cannot sort by "${o.field}"`,
              code: 'invalid_value',
            },
          ])
        }
        return { ref, direction: o.direction ?? 'asc' }
      })
      if (!orderBy.some((o) => o.ref.field === 'id' && !o.ref.path)) {
        orderBy.push({ ref: { field: 'id', type: 'string' }, direction: orderBy.at(-1)?.direction ?? 'asc' })
      }
      const filters = await this.#readFilters(
        session,
        opts.where as Filter | undefined,
        opts.includeArchived ?? false,
      )
      if (opts.cursor) filters.push(afterCursor(orderBy, decodeCursor(opts.cursor, orderBy)))
      const rows = await ops.findMany({
        ...this.#scope(session),
        where: { kind: 'and', filters },
        orderBy,
        limit: limit + 1,
      })
      const hasMore = rows.length > limit
      const pageRows = hasMore ? rows.slice(0, limit) : rows
      const last = pageRows.at(-1)
      return {
        items: pageRows.map((row) => this.#entity.fromRow(row) as R),
        nextCursor: hasMore && last ? encodeCursor(last, orderBy) : null,
        hasMore,
      }
    })
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
    const parsed = z
      .object({ where: z.unknown().optional(), includeArchived: z.boolean().optional() })
      .strict()
      .safeParse(options)
    if (!parsed.success) failValidation(this.#entity.name, toIssues(parsed.error, ['options']))
    const session = this.#session
    return session.read(async (ops) => {
      const filters = await this.#readFilters(
        session,
        parsed.data.where as Filter | undefined,
        parsed.data.includeArchived ?? false,
      )
      return ops.count({ ...this.#scope(session), where: { kind: 'and', filters } })
    })
  }

  /**
   * Full-text search over the entity's search fields (names, emails, notes…), best match first. Adapters without
   * full-text search fall back to case-insensitive substring matching.
   */
  async search(query: string, options: SearchOptions = {}): Promise<R[]> {
    if (typeof query !== 'string' || query.length > 1000) {
      failValidation(this.#entity.name, [
        { path: ['query'], message: 'Expected a string of at most 1000 characters', code: 'invalid_type' },
      ])
    }
    const limit = options.limit ?? 20
    if (!Number.isInteger(limit) || limit < 1 || limit > this.#session.runtime.limits.maxPageSize) {
      failValidation(this.#entity.name, [
        { path: ['options', 'limit'], message: 'Invalid limit', code: 'invalid_value' },
      ])
    }
    const terms = query.trim()
    if (terms.length === 0) return []
    const session = this.#session
    return session.read(async (ops) => {
      const filters = await this.#readFilters(session, options.where, options.includeArchived ?? false)
      const where: StorageFilter = { kind: 'and', filters }
      const storage = session.runtime.storage
      let rows: StorageRow[]
      if (storage.capabilities.fullTextSearch && ops.search) {
        rows = await ops.search({ ...this.#scope(session), query: terms, where, limit })
      } else {
        const words = terms.split(/\s+/).slice(0, 16)
        const fields = this.#entity.model.searchFields
        const matchAll: StorageFilter = {
          kind: 'and',
          filters: words.map((word) => ({
            kind: 'or',
            filters: fields.map((field) => ({
              kind: 'text',
              ref: { field, type: 'string' },
              op: 'contains',
              value: word,
              caseInsensitive: true,
            })),
          })),
        }
        rows = await ops.findMany({
          ...this.#scope(session),
          where: { kind: 'and', filters: [where, matchAll] },
          limit,
        })
      }
      return rows.map((row) => this.#entity.fromRow(row) as R)
    })
  }

  // ---------------------------------------------------------------------------------------------------------------

  async #createAll(inputs: readonly C[], batch: boolean): Promise<R[]> {
    const entity = this.#entity
    const runtime = this.#session.runtime
    for (const [i, input] of inputs.entries()) {
      checkPayload(entity.name, input, runtime.limits.maxRecordBytes, batch ? [i] : [])
    }
    return this.#session.write(async (session) => {
      const customFields = await this.#customFields(session)
      const ctx = this.#hookContext(session)
      const hooks = this.#hooks()
      const issues: ValidationIssue[] = []
      const values: Record<string, unknown>[] = []
      for (const [i, input] of inputs.entries()) {
        const prefix = batch ? [i] : []
        let result = validateRecord(entity, input as Record<string, unknown>, customFields, prefix)
        if (result.issues.length === 0) {
          for (const h of hooks) {
            const outcome = await h.create?.before?.(result.value, ctx)
            if (outcome === false) throw this.#rejected('create')
            if (outcome && typeof outcome === 'object') {
              result = validateRecord(entity, outcome.data, customFields, prefix)
              if (result.issues.length > 0) break
            }
          }
        }
        issues.push(...result.issues)
        values.push(result.value)
      }
      if (issues.length > 0) failValidation(entity.name, issues)
      const now = runtime.clock()
      const records = values.map((value) => ({
        ...value,
        id: runtime.nextId(entity.model.idPrefix, now),
        tenantId: session.tenantId,
        createdAt: now,
        updatedAt: now,
        version: 1,
        archivedAt: null,
      }))
      for (const record of records) await this.#behaviour.prepare?.(record, session, null)
      const scope = this.#scope(session)
      let stored: Record<string, unknown>[]
      if (batch) {
        const rows = records.map((r) => entity.toRow(r))
        await session.ops.createMany({ ...scope, data: rows })
        stored = rows.map((row) => entity.fromRow(row))
      } else {
        stored = [
          entity.fromRow(
            await session.ops.create({ ...scope, data: entity.toRow(records[0] as Record<string, unknown>) }),
          ),
        ]
      }
      for (const record of stored) {
        await this.#behaviour.afterWrite?.(record, session, null)
        for (const h of hooks) await h.create?.after?.(record, ctx)
        session.queue(`${entity.name}.created`, this.#event(session, record['id'] as string, { record }))
      }
      return stored as R[]
    })
  }

  async #updateOne(
    session: Session,
    id: string,
    patch: Record<string, unknown>,
    expectedVersion: number | undefined,
  ): Promise<R> {
    const entity = this.#entity
    for (let attempt = 0; ; attempt++) {
      const row = await this.#load(session, id, 'write')
      if (!row) throw this.#notFound(id)
      const current = entity.fromRow(row)
      this.#checkVersion(id, current, expectedVersion)
      const ctx = this.#hookContext(session)
      let effective = patch
      for (const h of this.#hooks()) {
        const outcome = await h.update?.before?.(effective, { ...ctx, current })
        if (outcome === false) throw this.#rejected('update')
        if (outcome && typeof outcome === 'object') effective = this.#parsePatch(outcome.data, [])
      }
      const next = await this.#merge(session, current, effective)
      await this.#behaviour.prepare?.(next, session, current)
      const changes = Object.keys(entity.shape).filter((k) => !sameValue(current[k], next[k]))
      if (changes.length === 0) return current as R
      const runtime = session.runtime
      const written = { ...next, updatedAt: runtime.clock(), version: (current['version'] as number) + 1 }
      const stored = await session.ops.updateById({
        ...this.#scope(session),
        id,
        data: this.#mutableColumns(entity.toRow(written)),
        guard: this.#versionGuard(current['version'] as number, await this.#scopeFilter(session, 'write')),
      })
      if (!stored) {
        if (expectedVersion !== undefined || attempt >= MAX_UNVERSIONED_RETRIES) {
          throw this.#conflict(id, expectedVersion ?? (current['version'] as number))
        }
        continue
      }
      const after = entity.fromRow(stored)
      await this.#behaviour.afterWrite?.(after, session, current)
      for (const h of this.#hooks()) await h.update?.after?.(after, { ...ctx, before: current, changes })
      session.queue(`${entity.name}.updated`, this.#event(session, id, { before: current, after, changes }))
      return after as R
    }
  }

  async #merge(session: Session, current: Record<string, unknown>, patch: Record<string, unknown>) {
    const entity = this.#entity
    // Read-only fields are maintained by core and plugins; they are not input, so they are carried over unvalidated.
    const readOnly = new Set(entity.definition.readOnly ?? [])
    const domain: Record<string, unknown> = {}
    for (const key of Object.keys(entity.shape)) {
      if (!readOnly.has(key) && current[key] !== null && current[key] !== undefined)
        domain[key] = current[key]
    }
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'custom' && entity.hasCustom && value !== null) {
        const merged: Record<string, unknown> = { ...((current['custom'] as Record<string, unknown>) ?? {}) }
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === null) delete merged[k]
          else merged[k] = v
        }
        domain['custom'] = merged
      } else if (value === null) {
        delete domain[key]
      } else {
        domain[key] = value
      }
    }
    const result = validateRecord(entity, domain, await this.#customFields(session))
    if (result.issues.length > 0) failValidation(entity.name, result.issues)
    const next: Record<string, unknown> = {}
    for (const f of ['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt'])
      next[f] = current[f]
    for (const key of Object.keys(entity.shape)) {
      next[key] = readOnly.has(key) ? (current[key] ?? null) : (result.value[key] ?? null)
    }
    return next
  }

  async #setArchived(id: string, archived: boolean, expectedVersion: number | undefined): Promise<R> {
    return this.#session.write(async (session) => {
      const row = await this.#load(session, id, 'write')
      if (!row) throw this.#notFound(id)
      const current = this.#entity.fromRow(row)
      this.#checkVersion(id, current, expectedVersion)
      if ((current['archivedAt'] !== null) === archived) return current as R
      const now = session.runtime.clock()
      const stored = await session.ops.updateById({
        ...this.#scope(session),
        id,
        data: {
          archivedAt: archived ? now : null,
          updatedAt: now,
          version: (current['version'] as number) + 1,
        },
        guard: this.#versionGuard(current['version'] as number, await this.#scopeFilter(session, 'write')),
      })
      if (!stored) throw this.#conflict(id, expectedVersion ?? (current['version'] as number))
      const record = this.#entity.fromRow(stored)
      session.queue(
        `${this.#entity.name}.${archived ? 'archived' : 'restored'}`,
        this.#event(session, id, { record }),
      )
      return record as R
    })
  }

  #parsePatch(patch: Record<string, unknown>, prefix: (string | number)[]): Record<string, unknown> {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      failValidation(this.#entity.name, [
        { path: prefix, message: 'Expected an object', code: 'invalid_type' },
      ])
    }
    const parsed = this.#entity.updateSchema.safeParse(patch)
    if (!parsed.success) failValidation(this.#entity.name, toIssues(parsed.error, prefix))
    // Keep explicit nulls (they clear fields) but drop keys the caller left undefined.
    return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined))
  }

  #parseWriteOptions(options: WriteOptions): WriteOptions {
    const parsed = writeOptionsSchema.safeParse(options ?? {})
    if (!parsed.success) failValidation(this.#entity.name, toIssues(parsed.error, ['options']))
    return parsed.data.expectedVersion === undefined ? {} : { expectedVersion: parsed.data.expectedVersion }
  }

  #mutableColumns(row: StorageRow): StorageRow {
    return Object.fromEntries(Object.entries(row).filter(([k]) => !IMMUTABLE_COLUMNS.has(k)))
  }

  #checkVersion(id: string, record: Record<string, unknown>, expectedVersion: number | undefined): void {
    if (expectedVersion !== undefined && record['version'] !== expectedVersion) {
      throw this.#conflict(id, expectedVersion, record['version'] as number)
    }
  }

  #versionGuard(version: number, scope: StorageFilter | null): StorageFilter {
    const guard: StorageFilter = {
      kind: 'compare',
      ref: { field: 'version', type: 'integer' },
      op: 'eq',
      value: version,
    }
    return scope ? { kind: 'and', filters: [guard, scope] } : guard
  }

  async #load(session: Session, id: string, operation: 'read' | 'write'): Promise<StorageRow | null> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) return null
    const scope = await this.#scopeFilter(session, operation)
    if (!scope) return session.ops.findById({ ...this.#scope(session), id })
    const rows = await session.ops.findMany({
      ...this.#scope(session),
      where: {
        kind: 'and',
        filters: [{ kind: 'compare', ref: { field: 'id', type: 'string' }, op: 'eq', value: id }, scope],
      },
      limit: 1,
    })
    return rows[0] ?? null
  }

  async #readFilters(
    session: Session,
    where: Filter | undefined,
    includeArchived: boolean,
  ): Promise<StorageFilter[]> {
    const filters: StorageFilter[] = []
    if (where !== undefined) filters.push(await this.#compile(session, where))
    if (!includeArchived)
      filters.push({ kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true })
    const scope = await this.#scopeFilter(session, 'read')
    if (scope) filters.push(scope)
    return filters
  }

  async #scopeFilter(session: Session, operation: 'read' | 'write'): Promise<StorageFilter | null> {
    const scopes: Filter[] = []
    for (const plugin of session.runtime.plugins) {
      const filter = plugin.scope?.({
        entity: this.#entity.name,
        operation,
        tenantId: session.tenantId,
        actor: session.actor,
      })
      if (filter) scopes.push(filter)
    }
    if (scopes.length === 0) return null
    return this.#compile(session, scopes.length === 1 ? (scopes[0] as Filter) : { and: scopes })
  }

  async #compile(session: Session, filter: Filter): Promise<StorageFilter> {
    const target = await this.#target(session)
    return compileFilter(
      filter,
      target,
      {
        now: session.runtime.clock(),
        tenantId: session.tenantId,
        ...(session.actor ? { actor: session.actor } : {}),
      },
      session.runtime.filterLimits,
    )
  }

  async #target(session: Session) {
    return session.runtime.schema.filterTarget(
      this.#entity.name,
      await session.runtime.customFields(session.tenantId, session.ops),
    )
  }

  async #customFields(session: Session) {
    if (!this.#entity.hasCustom) return []
    return session.runtime.schema.customFieldsOf(
      this.#entity.name,
      await session.runtime.customFields(session.tenantId, session.ops),
    )
  }

  #scope(session: Session) {
    return { model: this.#entity.model, tenantId: session.tenantId, schema: session.runtime.schema.storage }
  }

  #hooks() {
    return this.#session.runtime.plugins.flatMap((p) => {
      const hooks = p.hooks?.[this.#entity.name]
      return hooks ? [hooks] : []
    })
  }

  #hookContext(session: Session): HookContext {
    return {
      entity: this.#entity.name,
      tenantId: session.tenantId,
      actor: session.actor,
      get crm() {
        return session.runtime.servicesFor(session)
      },
    }
  }

  #event(session: Session, id: string, body: Record<string, unknown>) {
    return {
      entity: this.#entity.name,
      id,
      tenantId: session.tenantId,
      at: session.runtime.clock(),
      actor: session.actor,
      ...body,
    }
  }

  #notFound(id: string): RapportError {
    return new RapportError('NOT_FOUND', `No ${this.#entity.name} with id "${id}"`, {
      details: { entity: this.#entity.name, id },
    })
  }

  #conflict(id: string, expectedVersion: number, actualVersion?: number): RapportError {
    return new RapportError(
      'VERSION_CONFLICT',
      `The ${this.#entity.name} "${id}" was changed by someone else (expected version ${expectedVersion}${actualVersion === undefined ? '' : `, found ${actualVersion}`})`,
      {
        details: {
          entity: this.#entity.name,
          id,
          expectedVersion,
          ...(actualVersion === undefined ? {} : { actualVersion }),
        },
      },
    )
  }

  #rejected(operation: string): RapportError {
    return new RapportError(
      'HOOK_REJECTED',
      `A plugin hook rejected the ${operation} of this ${this.#entity.name}`,
      {
        details: { entity: this.#entity.name, operation },
      },
    )
  }
}
