import type * as z from 'zod'
import type { AccessPolicy } from '../access/access-policy.js'
import type { WriteOrigin } from '../crm/write-origin.js'
import type { EntityDefinition } from '../entities/entity-definition.js'
import type { Actor, RecordEvent, RecordUpdatedEvent } from '../events/crm-events.js'
import type { Filter } from '../filter/filter-types.js'
import type { RelationDefinition, StorageSchema } from '../storage/model-definition.js'
import type { StorageAdapter, StorageOperations } from '../storage/storage-adapter.js'
import type { StorageValue } from '../storage/storage-filter.js'
import type { TimelineSource } from '../timeline/timeline-types.js'
import type { Awaitable } from '../types/awaitable.js'
import type { CrmServices } from '../types/crm-services.js'
import type { PluginExposure } from './plugin-operations.js'

/** What hooks receive: where the operation runs, and services bound to its transaction. */
export interface HookContext {
  /** The entity being written, e.g. `contact`. */
  readonly entity: string
  readonly tenantId: string
  readonly actor: Actor | null
  /** Services inside the operation's transaction: writes made here commit or roll back with it. */
  readonly crm: CrmServices
  /**
   * Services inside the same transaction acting for another actor, e.g. a plugin's declared system actor doing its
   * bookkeeping in the writer's transaction (automation enrolling a record), so the writer needs no rights on the
   * plugin's entities. The access policy applies to `actor` as to anyone; `origin` (default: the writer's) is what
   * the writes record. A malformed origin is `INVALID_CONFIG`.
   *
   * @example
   * ```ts
   * after: async (record, ctx) => {
   *   await ctx.actingAs({ id: 'automation' }, { channel: 'automation' }).entity('myLog').create({ recordId: record.id })
   * }
   * ```
   */
  actingAs(actor: Actor | null, origin?: WriteOrigin): CrmServices
  /**
   * The write transaction's raw storage operations (as {@link CommitContext.storage}), for a plugin's own bookkeeping
   * models kept in step with the write: index rows derived from the records, such as data-quality's match keys. No
   * validation, access checks, hooks or events; pass `model`, `tenantId` and `schema` yourself and give every column
   * core would write (system fields included). A batch hook (`create.afterMany`) then writes a batch's rows with
   * one `createMany` statement instead of running each row through the services.
   *
   * @example
   * ```ts
   * afterMany: async (records, ctx) => {
   *   const model = ctx.schema.models['myIndex']!
   *   const data = records.map((r) => ({ id: `idx_${r.id}`, tenantId: ctx.tenantId, createdAt: r.createdAt, updatedAt: r.createdAt, version: 1, archivedAt: null, recordId: r.id }))
   *   await ctx.storage.createMany({ model, tenantId: ctx.tenantId, schema: ctx.schema, data })
   * }
   * ```
   */
  readonly storage: StorageOperations
  /** The resolved storage schema, plugin models included (the models {@link HookContext.storage} writes). */
  readonly schema: StorageSchema
}

/** What a `normalize` hook receives. */
export interface NormalizeContext {
  /** The entity being written, e.g. `contact`. */
  readonly entity: string
  readonly tenantId: string
  /** Whether the input is a whole new record or an update patch. */
  readonly operation: 'create' | 'update'
}

/**
 * `before` hooks run inside the transaction, after validation: return `false` to reject the operation
 * (`HOOK_REJECTED`), `{ data }` to replace the input (validated again), or nothing to let it through. `after` hooks
 * run inside the transaction too, so a throwing `after` hook rolls the write back.
 */
export interface EntityHooks {
  /**
   * Rewrites raw input before schema validation, on create inputs and on update patches (e.g. a phone typed as
   * `(415) 555-0101` into E.164). Synchronous and pure: return the new input, or nothing to keep it. Runs for every
   * plugin in order, and again on data a `before` hook returns.
   */
  normalize?(input: Record<string, unknown>, ctx: NormalizeContext): Record<string, unknown> | undefined
  readonly create?: {
    before?(
      data: Record<string, unknown>,
      ctx: HookContext,
    ): Awaitable<undefined | false | { data: Record<string, unknown> }>
    after?(record: Record<string, unknown>, ctx: HookContext): Awaitable<void>
    /**
     * Runs once per create call with every record it stored, in input order: one record for `create`, the whole
     * batch for `createMany` (an import's batch). Use it instead of `after` when the hook writes or reads storage
     * per record, so a batch costs one round of writes instead of one per record (data-quality writes all match
     * keys of a batch with one `createMany`). It runs in the transaction, after every record's `after` hooks (of
     * every plugin); a throw rolls the whole batch back. Give a plugin either `after` or `afterMany` for the same
     * work: both run when both are given.
     *
     * @example
     * ```ts
     * create: {
     *   afterMany: async (records, ctx) => {
     *     await ctx.crm.entity('myIndex').createMany(records.map((r) => ({ recordId: r.id, text: String(r.name) })))
     *   },
     * }
     * ```
     */
    afterMany?(records: readonly Record<string, unknown>[], ctx: HookContext): Awaitable<void>
  }
  readonly update?: {
    before?(
      patch: Record<string, unknown>,
      ctx: HookContext & { readonly current: Record<string, unknown> },
    ): Awaitable<undefined | false | { data: Record<string, unknown> }>
    after?(
      record: Record<string, unknown>,
      ctx: HookContext & { readonly before: Record<string, unknown>; readonly changes: readonly string[] },
    ): Awaitable<void>
    /**
     * Runs once per update call with every record it changed, in input order: one for `update`, the whole batch for
     * `updateMany` (an import's updates). Items whose patch changed nothing are left out, and a call that changed
     * nothing does not run it. The batch counterpart of `after` (as `create.afterMany` is of `create.after`): a hook
     * that reads or writes storage per record costs one round for the batch instead of one per record. It runs in
     * the transaction, after every record's `after` hooks (of every plugin); a throw rolls the whole batch back.
     *
     * @example
     * ```ts
     * update: {
     *   afterMany: async (updates, ctx) => {
     *     const renamed = updates.filter((u) => u.changes.includes('name'))
     *     await ctx.crm.entity('myIndex').createMany(renamed.map((u) => ({ recordId: u.record.id, text: u.record.name })))
     *   },
     * }
     * ```
     */
    afterMany?(updates: readonly UpdatedRecord[], ctx: HookContext): Awaitable<void>
  }
  readonly delete?: {
    before?(record: Record<string, unknown>, ctx: HookContext): Awaitable<undefined | false>
    after?(record: Record<string, unknown>, ctx: HookContext): Awaitable<void>
  }
}

/** One record an update changed, as `update.afterMany` receives it. */
export interface UpdatedRecord {
  /** The record as stored after the update. */
  readonly record: Record<string, unknown>
  /** The record as it was before. */
  readonly before: Record<string, unknown>
  /** The fields whose value changed. */
  readonly changes: readonly string[]
}

/**
 * An event queued by a unit of work and not yet delivered: `type` is `<entity>.<verb>` (`contact.updated`) or a
 * domain event (`deal.stageChanged`); lifecycle payloads are {@link RecordEvent} and {@link RecordUpdatedEvent}.
 */
export interface QueuedEvent {
  readonly type: string
  readonly payload: unknown
}

/** What `beforeCommit` receives: the unit of work's tenant, actor and origin, inside its transaction. */
export interface CommitContext {
  /** The tenant of the outermost session (each event payload carries its own `tenantId`). */
  readonly tenantId: string
  readonly actor: Actor | null
  /** The channel, request id and causation id of the unit of work (`crm.scoped({ origin })`). */
  readonly origin: WriteOrigin
  /** Services inside the transaction: their writes queue events, which reach `beforeCommit` in a further round. */
  readonly crm: CrmServices
  /**
   * Services inside the same transaction acting for another actor (as `HookContext.actingAs`): a plugin's declared
   * system actor doing its bookkeeping when it reacts to the unit of work's events (automation enrolling records in
   * rules triggered by a custom event), so the writer needs no rights on the plugin's entities. A malformed origin is
   * `INVALID_CONFIG`.
   *
   * @example
   * ```ts
   * beforeCommit: async (events, ctx) => {
   *   const system = ctx.actingAs({ id: 'automation' }, { channel: 'automation' })
   *   for (const e of events) if (e.type === 'order.placed') await system.entity('myLog').create({ type: e.type })
   * }
   * ```
   */
  actingAs(actor: Actor | null, origin?: WriteOrigin): CrmServices
  /**
   * The transaction's raw storage operations, for a plugin's own bookkeeping models (audit rows, outboxes): no
   * validation, hooks or events. Pass `tenantId` and `schema` yourself.
   */
  readonly storage: StorageOperations
  /** The resolved storage schema, plugin models included. */
  readonly schema: StorageSchema
}

/** What a plugin's `init`, `api`, `on` and `scope` receive. */
export interface PluginContext {
  /** The CRM's services (outside any transaction). */
  readonly crm: CrmServices
  /**
   * The tenant {@link PluginContext.crm} acts for: `CrmConfig.tenantId`, else `'default'`. A plugin API that takes
   * an optional tenant (e.g. `crm.plugins.access.can(…)`) defaults to it, as the CRM's own services do.
   */
  readonly tenantId: string
  /**
   * Resolves once every plugin's `init` has run (running them if no operation has yet). A plugin API that reads
   * state its `init` sets up, outside the CRM's services, awaits it first. Inside `init` it resolves at once.
   */
  ready(): Promise<void>
  /** The resolved storage schema, plugin models included. */
  readonly schema: StorageSchema
  /**
   * The storage adapter (the same escape hatch as `crm.storage`), for a plugin's own bookkeeping models: purges,
   * redactions and backfills that must not run through validation, hooks and events.
   */
  readonly storage: StorageAdapter
  /** The services acting for another tenant, actor and/or origin, e.g. for background workers serving every tenant. */
  scoped(options: ScopedOptions): CrmServices
  /**
   * The derived columns core stores beside the records of `entity` (a contact's `primaryEmail`, `emailAddresses`,
   * `phoneNumbers`), or `undefined` when the entity has none (or is unknown). `compute` is the very function core
   * writes them with, so a plugin that evaluates filters on records in memory (automation conditions) sees the
   * values a query sees.
   *
   * @example
   * ```ts
   * const derived = ctx.derivedColumns('contact')
   * derived?.compute(contact).primaryEmail // 'dora.ma@example.com' (stored lower-cased)
   * ```
   */
  derivedColumns(entity: string): DerivedColumnsView | undefined
}

/** The derived columns of one entity, as {@link PluginContext.derivedColumns} returns them. */
export interface DerivedColumnsView {
  /** The names of the derived columns (filter paths). */
  readonly fields: readonly string[]
  /** Public filter paths served by a derived column, e.g. `emails.address` → `emailAddresses`. */
  readonly aliases: Readonly<Record<string, string>>
  /** Computes them from a domain record, exactly as core stores them. */
  compute(record: Readonly<Record<string, unknown>>): Readonly<Record<string, StorageValue>>
}

/** Who, for which tenant and through which channel scoped services act (`crm.scoped(options)`). */
export interface ScopedOptions {
  readonly tenantId?: string
  readonly actor?: Actor | null
  /** The channel, request id and causation id every write of these services records. */
  readonly origin?: WriteOrigin
  /**
   * Services of an open transaction (what `crm.transaction()`, a hook or `beforeCommit` hands out) for the scoped
   * services to join: their reads see its writes and their writes commit or roll back with it. They are a unit of
   * work of their own inside it: `beforeCommit` hooks (an audit trail) see their events with this scope's actor and
   * origin, so a worker running several jobs in one transaction records each job's writes under its own causation
   * id. Must be of the same tenant; anything else is `INVALID_CONFIG`.
   */
  readonly transaction?: CrmServices
}

/** Arguments of a plugin's `scope` function. */
export interface ScopeArgs {
  readonly entity: string
  readonly operation: 'read' | 'write'
  readonly tenantId: string
  readonly actor: Actor | null
}

/**
 * A plugin: extra entities and fields, lifecycle hooks, event handlers, scope filters and an API exposed as
 * `crm.plugins[id]`.
 */
export interface CrmPlugin<Id extends string = string, Api = unknown> {
  /** A unique id; also the namespace of the plugin's error codes (`ID_CODE`). */
  readonly id: Id
  readonly version?: string
  /** Entities the plugin adds, and zod fields it adds to existing entities. */
  readonly schema?: {
    readonly entities?: readonly EntityDefinition[]
    readonly extend?: Readonly<Record<string, z.ZodRawShape>>
    /**
     * Relations the plugin adds to entities declared elsewhere (core's or another plugin's), keyed by entity, then by
     * relation name. They are usable in that entity's `exists` filters like its own relations, so a plugin's join
     * table can select core records in one query: `{ exists: 'segmentMemberships', where: … }` on contacts. A name
     * the entity already has, or an unknown entity or related model, is `PLUGIN_ERROR` at `createCrm`.
     *
     * @example
     * ```ts
     * schema: {
     *   entities: [listMember], // { listId, contactId }
     *   relations: { contact: { listMemberships: { kind: 'hasMany', model: 'listMember', foreignKey: 'contactId' } } },
     * }
     * // crm.contacts.count({ where: { exists: 'listMemberships', where: { field: 'listId', op: 'eq', value: id } } })
     * ```
     */
    readonly relations?: Readonly<Record<string, Readonly<Record<string, RelationDefinition>>>>
  }
  /** Lifecycle hooks per entity name. */
  readonly hooks?: Readonly<Record<string, EntityHooks>>
  /**
   * Runs inside every write transaction just before it commits, with the events the unit of work queued (every
   * create, update, archive, restore and delete of every entity, with before and after values). A throw rolls the
   * whole write back. This is where audit trails and transactional outboxes are written.
   */
  beforeCommit?(events: readonly QueuedEvent[], ctx: CommitContext): Awaitable<void>
  /** Event handlers, called after commit; failures go to `onError` and never affect the write. */
  readonly on?: Readonly<Record<string, (payload: never, ctx: PluginContext) => Awaitable<void>>>
  /**
   * Scope filters ANDed into every read (`list`, `count`, `get`, `search`) and write (`update`, `archive`, `delete`)
   * of an entity, in the public filter language. This is the seam for access control.
   */
  scope?(args: ScopeArgs): Filter | undefined
  /**
   * An access policy consulted on every path (reads, related lists, `exists`, aggregates, link targets, creates,
   * updates before and after, deletes) with field-level read/edit/mask. Several plugins' policies are ANDed.
   */
  readonly access?: AccessPolicy
  /** Runs once before the first operation (and in `crm.migrate()`); no I/O at import time. */
  init?(ctx: PluginContext): Awaitable<void>
  /**
   * Sources the plugin adds to the customer timeline (`crm.timeline`): which of its records concern a contact or
   * company, and which field dates them. Kinds must be unique across core and every plugin (`INVALID_CONFIG`).
   *
   * @example
   * ```ts
   * timeline: [{ kind: 'quote', entity: 'quote', at: 'createdAt', where: (s) => ({ field: `${s.type}Id`, op: 'eq', value: s.id }) }]
   * ```
   */
  readonly timeline?: readonly TimelineSource[]
  /** Builds the API exposed as `crm.plugins[id]`. */
  api?(ctx: PluginContext): Api
  /** Entities and operations offered to the REST server, MCP tools and other outside faces (`crm.describe()`). */
  readonly expose?: PluginExposure
  /** The plugin's own error codes, exposed as `crm.errorCodes[`${ID}_${KEY}`]`. */
  readonly errorCodes?: Readonly<Record<string, string>>
}

/**
 * Declares a plugin with full type inference of its id and API.
 *
 * @example
 * ```ts
 * const scoring = definePlugin({
 *   id: 'scoring',
 *   schema: { extend: { contact: { score: z.number().default(0) } } },
 *   hooks: {
 *     contact: {
 *       create: { before: (data) => ({ data: { ...data, score: (data.emails as unknown[]).length * 10 } }) },
 *     },
 *   },
 *   on: { 'contact.created': (event) => console.log('new contact', event) },
 *   api: ({ crm }) => ({ top: () => crm.contacts.list({ orderBy: [{ field: 'score', direction: 'desc' }] }) }),
 * })
 * const crm = createCrm({ storage, plugins: [scoring] as const })
 * await crm.plugins.scoring.top()
 * ```
 */
export function definePlugin<const Id extends string, Api = undefined>(
  plugin: CrmPlugin<Id, Api>,
): CrmPlugin<Id, Api> {
  return plugin
}
