import * as z from 'zod'
import type {
  CustomFieldDefinition,
  StaticCustomFieldDefinition,
} from '../custom-fields/custom-field-definition.js'
import { customFieldDefinitionSchema } from '../custom-fields/custom-field-definition.js'
import { CrmSchema } from '../entities/crm-schema.js'
import { RapportError } from '../errors/rapport-error.js'
import type { Actor } from '../events/crm-events.js'
import type { EventErrorHandler } from '../events/event-bus.js'
import { EventBus } from '../events/event-bus.js'
import type { FilterLimits } from '../filter/filter-target.js'
import { createIdGenerator } from '../ids/create-id.js'
import type { TransitionGuard, TransitionGuardPlugin } from '../pipeline/transition-guard.js'
import { registerTransitionGuards } from '../pipeline/transition-guard.js'
import type { CrmPlugin, DerivedColumnsView, PluginContext, ScopedOptions } from '../plugins/crm-plugin.js'
import type {
  MigrationPlan,
  MigrationReport,
  StorageAdapter,
  StorageOperations,
} from '../storage/storage-adapter.js'
import type { LinkDatesBackfillOptions, LinkDatesBackfillReport } from '../timeline/link-dates-backfill.js'
import { backfillLinkDates } from '../timeline/link-dates-backfill.js'
import type { CrmServices } from '../types/crm-services.js'
import { buildServices, sessionOf } from './build-services.js'
import type { CrmDescription } from './crm-description.js'
import { describeCrm } from './crm-description.js'
import type { CrmEvents } from './crm-event-map.js'
import type { CrmLimits } from './crm-limits.js'
import { DEFAULT_CRM_LIMITS } from './crm-limits.js'
import type { CrmRuntime } from './session.js'
import { Session } from './session.js'
import type { WriteOrigin } from './write-origin.js'
import { parseWriteOrigin } from './write-origin.js'

/** The id of the tenant used when the host does not use multi-tenancy. */
export const DEFAULT_TENANT_ID = 'default'

/** Configuration of {@link createCrm}. Frozen on creation. */
export interface CrmConfig<P extends readonly CrmPlugin[] = readonly CrmPlugin[]> {
  /** Where the data lives: `createSqliteStorage()`, `createPostgresStorage()`, `createMemoryStorage()` or your own. */
  readonly storage: StorageAdapter
  /** Plugins, in order; pass `as const` for typed `crm.plugins`. */
  readonly plugins?: P
  /** The tenant of the top-level services (default `"default"`). */
  readonly tenantId?: string
  /** The acting user of the top-level services, for filters like `$var: 'actor.id'` and for events. */
  readonly actor?: Actor
  /** Custom fields shared by all tenants, per entity; these may be `indexed`. */
  readonly customFields?: Readonly<Record<string, readonly StaticCustomFieldDefinition[]>>
  /** Where event handler failures go (default: `console.error`). */
  readonly onError?: EventErrorHandler
  /** The clock, injectable for tests (default: `() => new Date()`). */
  readonly clock?: () => Date
  /** Input size limits. */
  readonly limits?: Partial<CrmLimits>
  /** Filter tree limits. */
  readonly filterLimits?: Partial<FilterLimits>
  /** Custom guards of the pipeline machine, run on every stage change of deals, leads and tickets. */
  readonly transitionGuards?: readonly TransitionGuard[]
}

/** The typed APIs of the configured plugins, by id. */
export type PluginApis<P extends readonly CrmPlugin[]> = {
  readonly [K in P[number] as K['id']]: K extends CrmPlugin<string, infer Api> ? Api : never
}

/**
 * A CRM instance: the services, events, migrations and plugin APIs.
 */
export interface Crm<P extends readonly CrmPlugin[] = readonly CrmPlugin[]> extends CrmServices {
  /** Typed lifecycle events, delivered after commit. */
  readonly events: EventBus<CrmEvents>
  /** Each plugin's API, by plugin id. */
  readonly plugins: PluginApis<P>
  /** Every error code: the built-in ones and each plugin's `ID_CODE`. */
  readonly errorCodes: Readonly<Record<string, string>>
  /** The storage adapter, as an escape hatch (e.g. `crm.storage.kysely` on SQL adapters). */
  readonly storage: StorageAdapter
  /** Schema management, and the data migrations an upgrade asks for. */
  readonly migrations: {
    /** The statements `migrate()` would run, for teams with their own migration tooling. */
    plan(): Promise<MigrationPlan>
    /**
     * Dates the record links written before links carried their source's date (`sourceAt`), so the customer timeline
     * reads those contacts' and companies' activities and tasks from the link index. `migrate()` runs it to the end
     * for the CRM's own tenant; call it for every other tenant of a shared storage (`tenantId`), or to slice the work
     * (`maxBatches`). Batched (one transaction per batch), keyset-paged by link id, idempotent and resumable (pass the
     * report's `cursor`). Bad options are `VALIDATION_FAILED`, a foreign cursor `INVALID_CURSOR`.
     *
     * @example
     * ```ts
     * let report = await crm.migrations.backfillLinkDates({ maxBatches: 20 })
     * while (report.cursor) report = await crm.migrations.backfillLinkDates({ cursor: report.cursor, maxBatches: 20 })
     * ```
     */
    backfillLinkDates(options?: LinkDatesBackfillOptions): Promise<LinkDatesBackfillReport>
  }
  /**
   * Creates or upgrades the storage schema (core and plugin models), then runs the data migrations an upgrade asks
   * for, for the CRM's tenant: `migrations.backfillLinkDates` to the end (batches of 500, one transaction each),
   * reported as `linkDates`. Idempotent, and cheap once done: the data migration is then one read of the undated-link
   * index that finds nothing. Never runs on import.
   *
   * @example
   * ```ts
   * const { applied, linkDates } = await crm.migrate()
   * // applied: the schema migrations run now; linkDates: { scanned, dated, unresolved, batches, cursor: null }
   * ```
   */
  migrate(): Promise<MigrationReport & { readonly linkDates: LinkDatesBackfillReport }>
  /**
   * What the CRM offers to outside faces (the REST server, MCP tools): its public entities with their zod schemas,
   * and the operations plugins expose (`CrmPlugin.expose`).
   */
  describe(): CrmDescription
  /** The same CRM acting for another tenant, actor and/or write origin (channel, request id, causation id). */
  scoped(options: ScopedOptions): CrmServices
  /** Closes the storage (connections the adapter opened itself). */
  close(): Promise<void>
}

const configSchema = z
  .object({
    storage: z.custom<StorageAdapter>(
      (s) => typeof s === 'object' && s !== null && typeof (s as StorageAdapter).findMany === 'function',
      'Expected a StorageAdapter',
    ),
    plugins: z
      .array(
        z.custom<CrmPlugin>(
          (p) => typeof p === 'object' && p !== null && typeof (p as CrmPlugin).id === 'string',
          'Expected a plugin',
        ),
      )
      .optional(),
    tenantId: z.string().min(1).max(100).optional(),
    actor: z
      .object({ id: z.string().min(1) })
      .passthrough()
      .optional(),
    customFields: z.record(z.string(), z.array(customFieldDefinitionSchema)).optional(),
    onError: z.function().optional(),
    clock: z.function().optional(),
    limits: z.object({}).passthrough().optional(),
    filterLimits: z.object({}).passthrough().optional(),
    transitionGuards: z
      .array(
        z.custom<TransitionGuard>(
          (g) =>
            typeof g === 'object' &&
            g !== null &&
            typeof (g as TransitionGuard).name === 'string' &&
            typeof (g as TransitionGuard).check === 'function',
          'Expected a transition guard { name, check }',
        ),
      )
      .optional(),
  })
  .strict()

/**
 * Creates a CRM over a storage adapter. Nothing touches the storage until the first call; run `crm.migrate()` once
 * at startup (or in CI/CD) to create the schema.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createSqliteStorage } from '@rapport/storage-sqlite'
 *
 * const crm = createCrm({ storage: createSqliteStorage({ file: 'crm.db' }) })
 * await crm.migrate()
 * const acme = await crm.companies.create({ name: 'Acme', domain: 'acme.com' })
 * crm.events.on('company.created', ({ record }) => console.log('new company', record.name))
 * ```
 */
export function createCrm<const P extends readonly CrmPlugin[] = readonly []>(config: CrmConfig<P>): Crm<P> {
  const parsed = configSchema.safeParse(config)
  if (!parsed.success) {
    throw new RapportError(
      'INVALID_CONFIG',
      `Invalid createCrm configuration: ${parsed.error.issues[0]?.message}`,
      {
        details: {
          issues: parsed.error.issues.map((i) => ({
            path: i.path.map(String),
            message: i.message,
            code: i.code,
          })),
        },
      },
    )
  }
  const plugins: readonly CrmPlugin[] = config.plugins ?? []
  const ids = new Set<string>()
  for (const plugin of plugins) {
    if (!/^[a-z][a-zA-Z0-9-]*$/.test(plugin.id)) {
      throw new RapportError('PLUGIN_ERROR', `Invalid plugin id "${plugin.id}"`, {
        details: { plugin: plugin.id },
      })
    }
    if (ids.has(plugin.id)) {
      throw new RapportError('PLUGIN_ERROR', `The plugin "${plugin.id}" is registered twice`, {
        details: { plugin: plugin.id },
      })
    }
    ids.add(plugin.id)
  }
  const schema = new CrmSchema({
    pluginEntities: plugins.flatMap((p) =>
      (p.schema?.entities ?? []).map((entity) => ({ plugin: p.id, entity })),
    ),
    extensions: plugins.flatMap((p) =>
      Object.entries(p.schema?.extend ?? {}).map(([entity, shape]) => ({ plugin: p.id, entity, shape })),
    ),
    relationExtensions: plugins.flatMap((p) =>
      Object.entries(p.schema?.relations ?? {}).map(([entity, relations]) => ({
        plugin: p.id,
        entity,
        relations,
      })),
    ),
    ...(config.customFields ? { customFields: config.customFields } : {}),
  })
  const onError: EventErrorHandler =
    config.onError ??
    ((error, { event }) => {
      console.error(`[rapport] a handler of "${event}" failed`, error)
    })
  const bus = new EventBus<Record<string, unknown>>(onError)
  const customFieldCache = new Map<string, Promise<ReadonlyMap<string, readonly CustomFieldDefinition[]>>>()
  let readyPromise: Promise<void> | null = null
  let isReady = false
  const tenantId = config.tenantId ?? DEFAULT_TENANT_ID

  const runtime: CrmRuntime = Object.freeze({
    schema,
    storage: config.storage,
    clock: config.clock ?? (() => new Date()),
    nextId: createIdGenerator(),
    bus,
    plugins,
    limits: Object.freeze({ ...DEFAULT_CRM_LIMITS, ...config.limits }),
    filterLimits: Object.freeze({ ...config.filterLimits }),
    customFields(tenant: string, ops?: StorageOperations) {
      let cached = customFieldCache.get(tenant)
      if (!cached && ops && ops !== config.storage) {
        // Inside a transaction: read through it, but never cache what might still roll back.
        return loadCustomFields(runtime, tenant, ops)
      }
      if (!cached) {
        cached = loadCustomFields(runtime, tenant, config.storage)
        customFieldCache.set(tenant, cached)
        cached.catch(() => customFieldCache.delete(tenant))
      }
      return cached
    },
    invalidateCustomFields(tenant: string) {
      customFieldCache.delete(tenant)
    },
    ready() {
      readyPromise ??= (async () => {
        for (const plugin of plugins) await plugin.init?.(initContext)
        isReady = true
      })()
      return readyPromise
    },
    isReady: () => isReady,
    servicesFor(session: Session) {
      return buildServices(session)
    },
  })

  registerTransitionGuards(runtime, [
    ...(config.transitionGuards ?? []),
    ...plugins.flatMap((p) => (p as TransitionGuardPlugin).transitionGuards ?? []),
  ])
  const rootSession = new Session(runtime, tenantId, config.actor ?? null)
  const root = buildServices(rootSession)
  const scopedOn =
    (on: CrmRuntime) =>
    (options: ScopedOptions): CrmServices => {
      const scopedTenant = options.tenantId ?? tenantId
      if (typeof scopedTenant !== 'string' || scopedTenant.length === 0 || scopedTenant.length > 100) {
        throw new RapportError(
          'INVALID_CONFIG',
          'tenantId must be a non-empty string of at most 100 characters',
        )
      }
      const actor = options.actor === undefined ? rootSession.actor : options.actor
      const origin = options.origin === undefined ? rootSession.origin : parseWriteOrigin(options.origin)
      if (options.transaction !== undefined)
        return buildServices(joinedSession(options.transaction, scopedTenant, actor, origin))
      return buildServices(new Session(on, scopedTenant, actor, null, null, origin))
    }
  const scopedServices = scopedOn(runtime)
  const derivedColumns = (entity: string): DerivedColumnsView | undefined => {
    const derived = schema.entities.get(entity)?.definition.derived
    if (!derived) return undefined
    return Object.freeze({
      fields: Object.freeze(Object.keys(derived.columns)),
      aliases: Object.freeze({ ...derived.filterAliases }),
      compute: (record: Readonly<Record<string, unknown>>) => derived.compute(record),
    })
  }
  const pluginContext: PluginContext = {
    crm: root,
    tenantId,
    ready: () => runtime.ready(),
    schema: schema.storage,
    storage: config.storage,
    scoped: scopedServices,
    derivedColumns,
  }
  // `init` runs while ready() is pending: its own CRM calls must not wait for ready() again, or they deadlock.
  const initRuntime: CrmRuntime = Object.freeze({
    ...runtime,
    ready: () => Promise.resolve(),
    isReady: () => true,
  })
  const initContext: PluginContext = {
    crm: buildServices(new Session(initRuntime, tenantId, config.actor ?? null)),
    tenantId,
    ready: initRuntime.ready,
    schema: schema.storage,
    storage: config.storage,
    scoped: scopedOn(initRuntime),
    derivedColumns,
  }

  for (const plugin of plugins) {
    for (const [event, handler] of Object.entries(plugin.on ?? {})) {
      const call = handler as (payload: unknown, ctx: PluginContext) => Promise<void> | undefined
      bus.on(event, (payload: unknown) => call(payload, pluginContext))
    }
  }
  const apis: Record<string, unknown> = {}
  for (const plugin of plugins) {
    if (plugin.api) apis[plugin.id] = plugin.api(pluginContext)
  }
  const errorCodes: Record<string, string> = {}
  for (const plugin of plugins) {
    for (const [key, message] of Object.entries(plugin.errorCodes ?? {})) {
      errorCodes[`${plugin.id.toUpperCase().replaceAll('-', '_')}_${key}`] = message
    }
  }

  const description = describeCrm(schema, plugins)

  const crm: Crm<P> = Object.freeze({
    ...root,
    entity: root.entity,
    transaction: root.transaction,
    events: bus as unknown as EventBus<CrmEvents>,
    plugins: Object.freeze(apis) as PluginApis<P>,
    errorCodes: Object.freeze(errorCodes),
    storage: config.storage,
    migrations: Object.freeze({
      plan: () => config.storage.migrations.plan(schema.storage),
      backfillLinkDates: (options?: LinkDatesBackfillOptions) =>
        backfillLinkDates(config.storage, schema, tenantId, options),
    }),
    async migrate() {
      const report = await config.storage.migrations.apply(schema.storage)
      await runtime.ready()
      // Links written before they carried `sourceAt`: dated now, so the timeline reads them from the link index.
      const linkDates = await backfillLinkDates(config.storage, schema, tenantId)
      return { ...report, linkDates }
    },
    describe: () => description,
    scoped: scopedServices,
    close: () => config.storage.close(),
  })
  return crm
}

/** The session of an open transaction's services, acting for `actor` with `origin` (`scoped({ transaction })`). */
function joinedSession(
  transaction: CrmServices,
  tenantId: string,
  actor: Actor | null,
  origin: WriteOrigin,
): Session {
  const session = typeof transaction === 'object' && transaction !== null ? sessionOf(transaction) : undefined
  if (!session?.inTransaction) {
    throw new RapportError(
      'INVALID_CONFIG',
      'scoped({ transaction }) takes the services of an open transaction',
    )
  }
  if (session.tenantId !== tenantId) {
    throw new RapportError(
      'INVALID_CONFIG',
      'scoped({ transaction }) joins a transaction of the same tenant only',
      {
        details: { tenantId, transactionTenantId: session.tenantId },
      },
    )
  }
  return session.joined(actor, origin)
}

async function loadCustomFields(
  runtime: CrmRuntime,
  tenantId: string,
  ops: StorageOperations,
): Promise<ReadonlyMap<string, readonly CustomFieldDefinition[]>> {
  const entity = runtime.schema.entity('customField')
  const rows = await ops.findMany({
    model: entity.model,
    tenantId,
    schema: runtime.schema.storage,
  })
  const byEntity = new Map<string, CustomFieldDefinition[]>()
  for (const row of rows) {
    const list = byEntity.get(row['entity'] as string) ?? []
    const options = (row['options'] as string[] | null) ?? []
    list.push({
      key: row['key'] as string,
      type: row['type'] as CustomFieldDefinition['type'],
      label: (row['label'] as string | null) ?? null,
      required: Boolean(row['required']),
      ...(options.length > 0 ? { options } : {}),
    })
    byEntity.set(row['entity'] as string, list)
  }
  for (const list of byEntity.values()) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return byEntity
}
