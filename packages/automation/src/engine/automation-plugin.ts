import { AsyncLocalStorage } from 'node:async_hooks'
import type { CrmPlugin, CrmServices, ScopedOptions } from '@rapport/core'
import { definePlugin, RapportError } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import { EventBus } from '@rapport/core/events'
import type { PluginContext } from '@rapport/core/plugin'
import type { StorageSchema } from '@rapport/core/storage'
import { isTimeZone } from '@rapport/core/time'
import { AutomationErrorCodes } from '../automation-error.js'
import { fieldCatalogOf } from '../conditions/field-catalog.js'
import { automationEntities } from '../entities/automation-entities.js'
import type { PublicPool } from '../pool/pool-definition.js'
import { compilePool } from '../pool/pool-definition.js'
import { createInProcessQueue } from '../queue/in-process-queue.js'
import type { JobQueue } from '../queue/job-queue.js'
import type { AutomationRule } from '../rules/rule-types.js'
import type { ScoringModel } from '../scoring/lead-scoring.js'
import { compileScoringModel } from '../scoring/lead-scoring.js'
import { webhookSecretKey } from '../webhooks/sign-webhook.js'
import type { AutomationEngine } from './automation-engine.js'
import { createEngine } from './automation-engine.js'
import type { EngineRuntime, HostFunction, Origin } from './engine-runtime.js'
import { EMIT_JOB, STEP_JOB } from './engine-runtime.js'
import type { EngineState } from './engine-state.js'
import { dispatchCustomEvents, listensTo } from './event-triggers.js'
import { recordHooks } from './record-hooks.js'
import { registerRule } from './rule-registry.js'
import { completeBatch, failRun, runSteps } from './run-steps.js'

/** Options of {@link automationPlugin}. Frozen on creation. */
export interface AutomationOptions {
  /** Rules registered at startup (more can be added with `register`). */
  readonly rules?: readonly AutomationRule[]
  /** Where jobs run (default: {@link createInProcessQueue}). */
  readonly queue?: JobQueue
  /** The clock (default: `() => new Date()`); inject a fake one in tests. */
  readonly clock?: () => Date
  /** Functions `callFunction` actions may call, by name. */
  readonly functions?: Readonly<Record<string, HostFunction>>
  /**
   * Webhook signing secrets by name; rules refer to them by name. Each is a Standard Webhooks secret, `whsec_` plus
   * the base64 of 24–64 random bytes (`AUTOMATION_INVALID_CONFIG` otherwise).
   */
  readonly secrets?: Readonly<Record<string, string>>
  /** Entities whose writes are watched (default: contact, company, deal, activity, task). */
  readonly entities?: readonly string[]
  /** Loop guard: the deepest chain of automation-caused writes that may still trigger rules (default 5). */
  readonly maxDepth?: number
  /** Outbound webhook timeout in milliseconds (default 5,000). */
  readonly webhookTimeoutMs?: number
  /** Lead-scoring models, re-scored on every write of their entity and on each sweep (decay). */
  readonly scoring?: readonly ScoringModel[]
  /** Customer public pools, reclaimed on each sweep. */
  readonly pools?: readonly PublicPool[]
  /**
   * The tenant's IANA time zone (default `UTC`): per-day limits (a pool's daily claim limit) count local days in
   * it, unless a pool names its team's own `claim.timeZone`.
   */
  readonly timeZone?: string
  /**
   * The system actor every rule runs as: the engine's reads, its bookkeeping and each action's writes go through
   * services acting for it (`ctx.scoped({ actor })`), so an access policy (`@rapport/access`) applies to automation
   * exactly as to a user. Declare it in the policy (`systemActors: { automation: { roles: ['automation'] } }`)
   * with the entities and levels your rules need, the automation entities included; a record outside its scope is
   * `NOT_FOUND` to the rule, as to anyone. When absent, rules run as the CRM's own actor (`createCrm({ actor })`).
   * Whatever the actor, every write a rule makes is recorded with the `automation` channel, the rule id as
   * `channelRef` and the run id as `causationId` (what `@rapport/audit` stores).
   */
  readonly actor?: Actor
}

const DEFAULT_ENTITIES = ['contact', 'company', 'deal', 'activity', 'task']

/**
 * The automation plugin: a compiled rules engine over Rapport's records, with durable execution through a
 * transactional outbox and a {@link JobQueue}.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { automationPlugin, createInProcessQueue } from '@rapport/automation'
 *
 * const queue = createInProcessQueue()
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     automationPlugin({
 *       queue,
 *       rules: [
 *         {
 *           id: 'welcome-task',
 *           name: 'Call new leads',
 *           entity: 'contact',
 *           trigger: { type: 'record', events: ['created'] },
 *           conditions: { field: 'lifecycleStage', op: 'eq', value: 'lead' },
 *           actions: [{ type: 'createTask', title: 'Call {{record.firstName}}', assignTo: 'owner', dueIn: { days: 1 } }],
 *         },
 *       ],
 *     }),
 *   ] as const,
 * })
 * await crm.migrate()
 * await queue.start()
 * ```
 */
export function automationPlugin(options: AutomationOptions = {}): CrmPlugin<'automation', AutomationEngine> {
  const maxDepth = options.maxDepth ?? 5
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 100) {
    throw new RapportError(
      'AUTOMATION_INVALID_CONFIG',
      `maxDepth must be an integer in 0..100; got ${maxDepth}`,
    )
  }
  const timeZone = options.timeZone ?? 'UTC'
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    throw new RapportError('AUTOMATION_INVALID_CONFIG', `Unknown time zone ${JSON.stringify(timeZone)}`, {
      details: { timeZone },
    })
  }
  for (const [name, secret] of Object.entries(options.secrets ?? {})) {
    try {
      webhookSecretKey(secret)
    } catch (error) {
      throw new RapportError(
        'AUTOMATION_INVALID_CONFIG',
        `The webhook secret "${name}": ${(error as Error).message}`,
        { details: { secret: name }, cause: error },
      )
    }
  }
  const queue = options.queue ?? createInProcessQueue()
  const clock = options.clock ?? (() => new Date())
  const entities = options.entities ?? DEFAULT_ENTITIES
  let schema: StorageSchema | null = null
  let derivedColumns: PluginContext['derivedColumns'] = () => undefined
  const pendingRules = [...(options.rules ?? [])]
  const watched = new Set([
    ...entities,
    // Task reminders are kept in step with every task write.
    'task',
    ...(options.scoring ?? []).map((m) => m.entity),
    ...(options.pools ?? []).map((p) => p.entity),
  ])
  const asActor = options.actor === undefined ? {} : { actor: options.actor }
  let scopedFrom: Pick<PluginContext, 'scoped'> | null = null
  let engineServices: CrmServices | undefined
  const rt: EngineRuntime = {
    actor: options.actor,
    clock,
    timeZone,
    queue,
    rules: new Map(),
    paused: new Set(),
    functions: new Map(Object.entries(options.functions ?? {})),
    secrets: new Map(Object.entries(options.secrets ?? {})),
    watched,
    maxDepth,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
    events: new EventBus<Record<string, unknown>>((error, { event }) =>
      console.error(`[rapport/automation] a handler of "${event}" failed`, error),
    ),
    origin: new AsyncLocalStorage<Origin>(),
    schema: () => {
      if (!schema)
        throw new RapportError('AUTOMATION_INVALID_CONFIG', 'The automation plugin is not initialised')
      return schema
    },
    catalogOf: (entity) => {
      const model = rt.schema().models[entity]
      return model && !model.plugin?.startsWith('automation')
        ? fieldCatalogOf(model, derivedColumns(entity))
        : undefined
    },
    servicesFor: (tenantId, cause, transaction) => {
      const root = state.root
      const ctx = scopedFrom
      if (!root || !ctx)
        throw new RapportError('AUTOMATION_INVALID_CONFIG', 'The automation plugin is not initialised')
      if (tenantId !== root.tenantId) {
        throw new RapportError(
          'AUTOMATION_INVALID_CONFIG',
          `This engine works tenant "${root.tenantId}" only`,
          {
            details: { tenantId },
          },
        )
      }
      if (cause === undefined && transaction === undefined) {
        engineServices ??= ctx.scoped({ ...asActor, origin: { channel: 'automation' } })
        return engineServices
      }
      const origin: ScopedOptions['origin'] =
        cause === undefined
          ? { channel: 'automation' }
          : { channel: 'automation', channelRef: cause.ruleId, causationId: cause.runId }
      return ctx.scoped({ ...asActor, origin, ...(transaction === undefined ? {} : { transaction }) })
    },
    inFlight: new Map(),
    registeredAt: new Map(),
    loaded: null,
  }
  const state: EngineState = { rt, index: new Map(), scoring: new Map(), pools: new Map(), root: null }

  return definePlugin({
    id: 'automation',
    version: '0.1.0',
    schema: { entities: automationEntities },
    hooks: recordHooks(state, watched),
    // Custom events (`tx.emit` by a plugin or the host, `engine.emit`) enroll records in event-triggered rules inside
    // the transaction that queued them, exactly as record events do in the record hooks.
    // All of a unit of work's events are enrolled together (one read of their records per entity, one write of
    // their runs and of their first jobs), in order.
    async beforeCommit(events, ctx) {
      const heard = events.filter((event) => listensTo(rt, event.type))
      if (heard.length === 0) return
      const tx = rt.actor === undefined ? ctx.crm : ctx.actingAs(rt.actor, { channel: 'automation' })
      await dispatchCustomEvents(rt, tx, heard)
    },
    // Rule runs on the customer timeline (`crm.timeline`): each enrollment of the contact or company in a rule.
    timeline: [
      {
        kind: 'automation',
        entity: 'automationRun',
        at: 'createdAt',
        where: (subject) => ({
          and: [
            { field: 'entity', op: 'eq', value: subject.type },
            { field: 'recordId', op: 'eq', value: subject.id },
          ],
        }),
      },
    ],
    errorCodes: Object.fromEntries(
      Object.keys(AutomationErrorCodes).map((code) => [code.replace(/^AUTOMATION_/, ''), code]),
    ),
    init() {
      queue.bind({
        servicesFor: rt.servicesFor,
        tenants: [rt.servicesFor(state.root!.tenantId).tenantId],
        clock,
        onDead: async (letter) => {
          if (letter.name === STEP_JOB)
            await failRun(rt, letter.tenantId, letter.payload['runId'] as string, letter.error)
        },
      })
      queue.work(STEP_JOB, (job) => runSteps(rt, job).then(() => undefined), {
        // A batch creates its runs' tasks together unless a rule is triggered by created tasks.
        inTransaction: (job, tx, batch) =>
          runSteps(rt, job, tx, batch, () => !state.index.has('task:created')),
        afterBatch: (tx, batch) => completeBatch(rt, tx, batch),
      })
      queue.work(EMIT_JOB, async (job) => {
        rt.events.emit(job.payload['event'] as string, {
          ...(job.payload['data'] as Record<string, unknown>),
          tenantId: job.tenantId,
          idempotencyKey: job.id,
        })
      })
    },
    api: (ctx) => {
      schema = ctx.schema
      derivedColumns = (entity) => ctx.derivedColumns(entity)
      state.root = ctx.crm
      scopedFrom = ctx
      engineServices = undefined
      const catalogOf = rt.catalogOf
      for (const m of options.scoring ?? []) state.scoring.set(m.id, compileScoringModel(m, catalogOf))
      for (const p of options.pools ?? []) state.pools.set(p.id, compilePool(p, catalogOf, timeZone))
      for (const rule of pendingRules.splice(0)) registerRule(state, rule)
      return createEngine(state, ctx.crm)
    },
  })
}
