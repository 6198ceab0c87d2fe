import { AsyncLocalStorage } from 'node:async_hooks'
import type { CrmPlugin, CrmServices, EntityHooks, HookContext } from '@rapport/core'
import { definePlugin, EventBus, RapportError } from '@rapport/core'
import type { StorageSchema } from '@rapport/core/storage'
import { writeState } from '../assignment/assign-owner.js'
import { AutomationErrorCodes } from '../automation-error.js'
import type { ConditionTrace, RecordSnapshot } from '../conditions/condition-types.js'
import { fieldCatalogOf } from '../conditions/field-catalog.js'
import { automationEntities } from '../entities/automation-entities.js'
import type { CompiledPool, PoolLogEntry, PublicPool } from '../pool/public-pool.js'
import {
  claimFromPool,
  compilePool,
  entryOf,
  notePoolOwner,
  pooledRecords,
  poolLog,
  reclaimAtOf,
  sweepPool,
} from '../pool/public-pool.js'
import { createInProcessQueue } from '../queue/in-process-queue.js'
import type { DeadLetter, JobQueue } from '../queue/job-queue.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import { compileRule } from '../rules/compile-rule.js'
import type { AutomationRule, RecordEventKind } from '../rules/rule-types.js'
import type { CompiledScoringModel, ScoreBreakdown, ScoringModel } from '../scoring/lead-scoring.js'
import { compileScoringModel, readScore, rescore, unknownModel } from '../scoring/lead-scoring.js'
import type { SweepReport } from '../time/sweep.js'
import { sweep } from '../time/sweep.js'
import { verifyWebhook } from '../webhooks/sign-webhook.js'
import type { EngineRuntime, HostFunction, Origin, RunRow, StepRow } from './engine-runtime.js'
import { EMIT_JOB, STEP_JOB } from './engine-runtime.js'
import type { EnrollSkip } from './enroll.js'
import { enroll } from './enroll.js'
import { renderTemplate } from './render-template.js'
import { ensureLoaded, failRun, runSteps } from './run-steps.js'

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
  /** Webhook signing secrets by name; rules refer to them by name. */
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
}

/** A step a dry run would execute. */
export interface PlannedStep {
  /** Where the action sits in the rule, e.g. `actions[1].do[0]`. */
  readonly path: string
  /** The action type (or `delay`). */
  readonly type: string
  /** The action with its templates rendered for this record. */
  readonly action: Readonly<Record<string, unknown>>
}

/** The result of {@link AutomationEngine.test}: what would happen, and why. */
export interface DryRunResult {
  readonly ruleId: string
  /** Whether the record would enroll. */
  readonly matched: boolean
  /** Every condition node with its result; `null` when the rule has no conditions. */
  readonly conditions: ConditionTrace | null
  /** With `entry: 'edge'`: whether the conditions already held before the change (then it would not fire). */
  readonly heldBefore: boolean | null
  /** The actions that would run, following branches as they evaluate now; empty when not matched. */
  readonly actions: readonly PlannedStep[]
}

/** One run of the execution log, with its steps. */
export interface RunLog extends RunRow {
  readonly steps: readonly StepRow[]
}

/**
 * The automation engine, exposed as `crm.plugins.automation`.
 */
export interface AutomationEngine {
  /** Validates, compiles and registers a rule; `AUTOMATION_INVALID_RULE` points at each bad part. */
  register(rule: AutomationRule): void
  /** Removes a rule; its queued steps fail as `AUTOMATION_UNKNOWN_RULE`. */
  unregister(ruleId: string): void
  /** The registered rules. */
  rules(): readonly AutomationRule[]
  /**
   * A dry run: evaluates the conditions on `record` (and `before`, for change predicates and edge entry) and lists
   * the actions that would run. Nothing is written.
   */
  test(
    rule: AutomationRule | string,
    record: Readonly<Record<string, unknown>>,
    options?: {
      readonly before?: Readonly<Record<string, unknown>> | null
      readonly now?: Date
    },
  ): DryRunResult
  /** Runs a rule on a record now (manual trigger); conditions must hold unless `force`. */
  run(
    ruleId: string,
    recordId: string,
    options?: { readonly force?: boolean },
  ): Promise<{ runId: string } | { skipped: EnrollSkip | 'conditions' }>
  /**
   * Delivers an inbound webhook to a `webhook` rule. With the rule's `secret`, the signature headers are verified
   * (`verifyWebhook`) and a bad signature throws `FORBIDDEN`. The `webhook-id` header makes redeliveries idempotent.
   */
  receiveWebhook(
    ruleId: string,
    request: {
      readonly recordId: string
      readonly body?: string
      readonly headers?: Readonly<Record<string, string | string[] | undefined>>
    },
  ): Promise<{ runId: string } | { skipped: EnrollSkip | 'conditions' }>
  /** One sweep of the time triggers (relative, inactivity, schedules). */
  sweep(): Promise<SweepReport>
  /** Runs every due job now (delegates to the queue). */
  runDue(): Promise<number>
  /** Sweeps, then runs due jobs until none is left: the whole engine, once. */
  tick(): Promise<{ sweep: SweepReport; jobs: number }>
  /** The execution log: runs (newest first) with their steps. */
  log(filter?: {
    readonly ruleId?: string
    readonly recordId?: string
    readonly limit?: number
  }): Promise<RunLog[]>
  /**
   * Pauses a rule: no new enrollments, queued steps are held (their runs become `paused`), and the returned promise
   * resolves once no step of the rule is executing in this process (drained).
   */
  pause(ruleId: string): Promise<void>
  /** Resumes a paused rule and re-queues its paused runs where they stopped. */
  resume(ruleId: string): Promise<void>
  /** The dead-letter queue. */
  deadLetters(): Promise<DeadLetter[]>
  /** A record's lead score with its explanation. */
  score(modelId: string, recordId: string): Promise<ScoreBreakdown>
  /** The customer public pools. */
  readonly pools: {
    /** Claims a pooled record; `AUTOMATION_CLAIM_REFUSED` (with `details.reason`) writes nothing. */
    claim(poolId: string, recordId: string, userId: string): Promise<void>
    /** When an owned record will be reclaimed and why; `null` when no rule applies. */
    reclaimAt(poolId: string, recordId: string): Promise<{ at: Date; reason: string } | null>
    /** The records in the pool. */
    list(poolId: string): Promise<string[]>
    /** Every reclaim, warning and claim, oldest first. */
    log(poolId: string, recordId?: string): Promise<PoolLogEntry[]>
  }
  /**
   * Events: custom events from `emitEvent` actions (after the step commits), `pool.reclaimed`,
   * `pool.reclaim_warning`, and lead-scoring threshold events.
   */
  readonly events: EventBus<Record<string, unknown>>
  /** The job queue. */
  readonly queue: JobQueue
}

const DEFAULT_ENTITIES = ['contact', 'company', 'deal', 'activity', 'task']
const CLOCKED = new Set(['contact', 'company', 'deal'])

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
  const queue = options.queue ?? createInProcessQueue()
  const clock = options.clock ?? (() => new Date())
  const entities = options.entities ?? DEFAULT_ENTITIES
  let schema: StorageSchema | null = null
  let root: CrmServices | null = null
  const pendingRules = [...(options.rules ?? [])]
  const rt: EngineRuntime = {
    clock,
    queue,
    rules: new Map(),
    paused: new Set(),
    functions: new Map(Object.entries(options.functions ?? {})),
    secrets: new Map(Object.entries(options.secrets ?? {})),
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
    servicesFor: (tenantId) => {
      if (!root)
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
      return root
    },
    inFlight: new Map(),
    registeredAt: new Map(),
    loaded: null,
  }
  const index = new Map<string, CompiledRule[]>()
  const scoring = new Map<string, CompiledScoringModel>()
  const pools = new Map<string, CompiledPool>()

  const compile = (rule: unknown): CompiledRule => {
    const models = rt.schema().models
    return compileRule(rule, {
      catalogOf: (entity) => {
        const model = models[entity]
        return model && !model.plugin?.startsWith('automation') ? fieldCatalogOf(model) : undefined
      },
      functions: new Set(rt.functions.keys()),
      secrets: new Set(rt.secrets.keys()),
    })
  }
  const reindex = () => {
    index.clear()
    for (const rule of rt.rules.values()) {
      if (rule.rule.trigger.type !== 'record') continue
      for (const event of rule.rule.trigger.events) {
        const key = `${rule.rule.entity}:${event}`
        index.set(key, [...(index.get(key) ?? []), rule])
      }
    }
  }
  const register = (rule: AutomationRule) => {
    const compiled = compile(rule)
    if (rt.rules.has(compiled.rule.id)) {
      throw new RapportError(
        'AUTOMATION_DUPLICATE_RULE',
        `A rule "${compiled.rule.id}" is already registered`,
        {
          details: { ruleId: compiled.rule.id },
        },
      )
    }
    rt.rules.set(compiled.rule.id, compiled)
    rt.registeredAt.set(compiled.rule.id, clock())
    reindex()
  }
  const ruleOf = (id: string) => {
    const rule = rt.rules.get(id)
    if (!rule) {
      throw new RapportError('AUTOMATION_UNKNOWN_RULE', `No rule "${id}" is registered`, {
        details: { ruleId: id },
      })
    }
    return rule
  }

  async function dispatch(
    kind: RecordEventKind,
    record: Record<string, unknown>,
    before: Record<string, unknown> | null,
    changes: readonly string[] | null,
    ctx: HookContext,
  ) {
    const candidates = index.get(`${ctx.entity}:${kind}`)
    if (!candidates) return
    await ensureLoaded(rt, ctx.crm)
    const now = clock()
    const origin = rt.origin.getStore()
    const snapshot: RecordSnapshot = { record, before, now }
    for (const rule of candidates) {
      if (!rule.options.enabled || rt.paused.has(rule.rule.id)) continue
      if (origin && !rule.options.triggerOnAutomationWrites) continue
      const trigger = rule.rule.trigger
      if (trigger.type === 'record' && trigger.watch && kind === 'updated' && changes) {
        if (!trigger.watch.some((f) => changes.includes(f.split('.')[0] as string))) continue
      }
      if (rule.conditions) {
        if (!rule.conditions.test(snapshot)) continue
        if (rule.options.entry === 'edge' && before && rule.conditions.test({ record: before, before, now }))
          continue
      }
      await enroll(rt, ctx.crm, { rule, record, trigger: kind })
    }
  }

  async function touchClock(
    tx: CrmServices,
    entity: string,
    recordId: string,
    patch: Record<string, unknown>,
  ) {
    const clocks = tx.entity<{ id: string; lastActivityAt: Date | null }>('automationClock')
    const page = await clocks.list({
      where: {
        and: [
          { field: 'entity', op: 'eq', value: entity },
          { field: 'recordId', op: 'eq', value: recordId },
        ],
      },
      limit: 1,
    })
    const current = page.items[0]
    if (!current) await clocks.create({ entity, recordId, ...patch })
    else {
      const last = current.lastActivityAt
      const next = patch['lastActivityAt'] as Date | undefined
      if (next && last && last >= next) delete patch['lastActivityAt']
      if (Object.keys(patch).length > 0) await clocks.update(current.id, patch)
    }
  }

  async function sideEffects(record: Record<string, unknown>, ctx: HookContext, ownerChanged: boolean) {
    const now = clock()
    const id = record['id'] as string
    for (const compiled of scoring.values()) {
      if (compiled.model.entity !== ctx.entity) continue
      const { crossed } = await rescore(ctx.crm, compiled, record, id, now)
      for (const t of crossed) {
        await queue.enqueue(
          {
            name: EMIT_JOB,
            payload: { event: t.event, data: { model: compiled.model.id, recordId: id, threshold: t.score } },
          },
          { tx: ctx.crm },
        )
      }
    }
    if (ownerChanged) {
      for (const { pool } of pools.values()) {
        if (pool.entity === ctx.entity)
          await notePoolOwner(ctx.crm, pool, id, (record['ownerId'] as string | null) ?? null, now)
      }
    }
  }

  const hooks: Record<string, EntityHooks> = {}
  const watched = new Set([
    ...entities,
    ...(options.scoring ?? []).map((m) => m.entity),
    ...(options.pools ?? []).map((p) => p.entity),
  ])
  for (const entity of watched) {
    hooks[entity] = {
      create: {
        after: async (record, ctx) => {
          const id = record['id'] as string
          if (CLOCKED.has(entity)) {
            // A new record has no clock yet.
            const at = record['createdAt'] as Date
            await ctx.crm.entity('automationClock').create({
              entity,
              recordId: id,
              lastActivityAt: at,
              ...(entity === 'deal' ? { stageId: record['stageId'], stageEnteredAt: at } : {}),
            })
          }
          if (entity === 'activity') {
            for (const target of (record['targets'] as { type: string; id: string }[] | null) ?? []) {
              if (CLOCKED.has(target.type))
                await touchClock(ctx.crm, target.type, target.id, {
                  lastActivityAt: record['occurredAt'] as Date,
                })
            }
          }
          await sideEffects(record, ctx, true)
          await dispatch('created', record, null, null, ctx)
        },
      },
      update: {
        after: async (record, ctx) => {
          if (entity === 'deal' && ctx.changes.includes('stageId')) {
            await touchClock(ctx.crm, 'deal', record['id'] as string, {
              stageId: record['stageId'],
              stageEnteredAt: record['updatedAt'] as Date,
            })
          }
          await sideEffects(record, ctx, ctx.changes.includes('ownerId'))
          await dispatch('updated', record, ctx.before, ctx.changes, ctx)
        },
      },
      delete: {
        after: async (record, ctx) => {
          await dispatch('deleted', record, null, null, ctx)
        },
      },
    }
  }

  const manual = async (
    rule: CompiledRule,
    recordId: string,
    trigger: string,
    anchor: string | undefined,
    force: boolean,
  ): Promise<{ runId: string } | { skipped: EnrollSkip | 'conditions' }> => {
    const services = rt.servicesFor(root!.tenantId)
    return services.transaction(async (tx) => {
      const record = (await tx.entity(rule.rule.entity).get(recordId)) as Record<string, unknown>
      if (!force && rule.conditions && !rule.conditions.test({ record, before: null, now: clock() })) {
        return { skipped: 'conditions' as const }
      }
      return enroll(rt, tx, {
        rule,
        record,
        trigger,
        ...(anchor ? { anchor } : {}),
        force: force || anchor === undefined,
      })
    })
  }

  const poolOf = (id: string) => {
    const pool = pools.get(id)
    if (!pool)
      throw new RapportError('AUTOMATION_UNKNOWN_RULE', `No pool "${id}"`, { details: { poolId: id } })
    return pool
  }

  async function fullSweep(services: CrmServices): Promise<SweepReport> {
    await ensureLoaded(rt, services)
    const report = await sweep(rt, services.tenantId)
    const now = clock()
    for (const compiled of scoring.values()) {
      const rows: { recordId: string }[] = []
      for await (const row of services.entity<{ recordId: string }>('automationScore').iterate({
        where: { field: 'model', op: 'eq', value: compiled.model.id },
      })) {
        rows.push(row)
      }
      for (const row of rows) {
        await services.transaction(async (tx) => {
          const record = await tx.entity(compiled.model.entity).find(row.recordId)
          const { crossed } = await rescore(tx, compiled, record, row.recordId, now)
          for (const t of crossed) {
            await queue.enqueue(
              {
                name: EMIT_JOB,
                payload: {
                  event: t.event,
                  data: { model: compiled.model.id, recordId: row.recordId, threshold: t.score },
                },
              },
              { tx },
            )
          }
        })
      }
    }
    for (const compiled of pools.values()) {
      for (const e of await sweepPool(services, compiled, now)) rt.events.emit(e.event, e.payload)
    }
    return report
  }

  const engine = (ctxCrm: CrmServices): AutomationEngine => ({
    register,
    unregister(ruleId) {
      ruleOf(ruleId)
      rt.rules.delete(ruleId)
      reindex()
    },
    rules: () => [...rt.rules.values()].map((r) => r.rule),
    test(ruleOrId, record, opts = {}) {
      const rule = typeof ruleOrId === 'string' ? ruleOf(ruleOrId) : compile(ruleOrId)
      const now = opts.now ?? clock()
      const before = opts.before ?? null
      const snapshot: RecordSnapshot = { record, before, now }
      const trace = rule.conditions ? rule.conditions.trace(snapshot) : null
      const heldBefore =
        rule.options.entry === 'edge' && rule.conditions && before
          ? rule.conditions.test({ record: before, before, now })
          : null
      const matched = (trace ? trace.result : true) && heldBefore !== true
      const actions: PlannedStep[] = []
      if (matched) {
        let pc = 0
        while (pc < rule.program.length) {
          const ins = rule.program[pc]!
          if (ins.kind === 'jump') pc = ins.target
          else if (ins.kind === 'branch')
            pc = ins.condition.test({ record, before: null, now }) ? pc + 1 : ins.elseTarget
          else {
            const action = ins.kind === 'delay' ? { type: 'delay', duration: ins.duration } : ins.action
            const rendered = Object.fromEntries(
              Object.entries(action).map(([k, v]) => [
                k,
                typeof v === 'string' ? renderTemplate(v, record) : v,
              ]),
            )
            actions.push({ path: ins.path, type: action.type, action: rendered })
            pc++
          }
        }
      }
      return { ruleId: rule.rule.id, matched, conditions: trace, heldBefore, actions }
    },
    run: (ruleId, recordId, opts = {}) =>
      manual(ruleOf(ruleId), recordId, 'manual', undefined, opts.force ?? false),
    async receiveWebhook(ruleId, request) {
      const rule = ruleOf(ruleId)
      const trigger = rule.rule.trigger
      if (trigger.type !== 'webhook') {
        throw new RapportError('AUTOMATION_INVALID_RULE', `Rule "${ruleId}" is not triggered by webhooks`, {
          details: { ruleId },
        })
      }
      const secret = trigger.secret === undefined ? undefined : rt.secrets.get(trigger.secret)
      if (secret !== undefined) {
        const ok = verifyWebhook({
          secret,
          body: request.body ?? '',
          headers: request.headers ?? {},
          now: clock(),
        })
        if (!ok) throw new RapportError('FORBIDDEN', 'Invalid webhook signature', { details: { ruleId } })
      }
      const header = request.headers?.['webhook-id']
      const id = Array.isArray(header) ? header[0] : header
      return manual(rule, request.recordId, 'webhook', id, false)
    },
    sweep: () => fullSweep(ctxCrm),
    runDue: () => queue.runDue(),
    async tick() {
      const report = await fullSweep(ctxCrm)
      return { sweep: report, jobs: await queue.runDue() }
    },
    async score(modelId, recordId) {
      const compiled = scoring.get(modelId)
      if (!compiled) throw unknownModel(modelId)
      return readScore(ctxCrm, compiled, recordId, clock())
    },
    pools: {
      claim: (poolId, recordId, userId) => claimFromPool(ctxCrm, poolOf(poolId), recordId, userId, clock()),
      async reclaimAt(poolId, recordId) {
        const compiled = poolOf(poolId)
        const entry = await entryOf(ctxCrm, poolId, recordId)
        const record = await ctxCrm.entity(compiled.pool.entity).find(recordId)
        return entry && record ? reclaimAtOf(ctxCrm, compiled, record, entry, clock()) : null
      },
      list: (poolId) => {
        poolOf(poolId)
        return pooledRecords(ctxCrm, poolId)
      },
      log: (poolId, recordId) => {
        poolOf(poolId)
        return poolLog(ctxCrm, poolId, recordId)
      },
    },
    async log(filter = {}) {
      const where = [
        ...(filter.ruleId ? [{ field: 'ruleId', op: 'eq' as const, value: filter.ruleId }] : []),
        ...(filter.recordId ? [{ field: 'recordId', op: 'eq' as const, value: filter.recordId }] : []),
      ]
      const page = await ctxCrm.entity<RunRow>('automationRun').list({
        where: { and: where },
        orderBy: [{ field: 'createdAt', direction: 'desc' }],
        limit: filter.limit ?? 100,
      })
      const out: RunLog[] = []
      for (const run of page.items) {
        const steps: StepRow[] = []
        for await (const step of ctxCrm.entity<StepRow>('automationStep').iterate({
          where: { field: 'runId', op: 'eq', value: run.id },
          orderBy: [{ field: 'pc', direction: 'asc' }],
        })) {
          steps.push(step)
        }
        out.push({ ...run, steps })
      }
      return out
    },
    async pause(ruleId) {
      ruleOf(ruleId)
      await ensureLoaded(rt, ctxCrm)
      rt.paused.add(ruleId)
      await writeState(ctxCrm, `paused:${ruleId}`, { paused: true })
      await Promise.all([...(rt.inFlight.get(ruleId) ?? [])])
    },
    async resume(ruleId) {
      ruleOf(ruleId)
      await ensureLoaded(rt, ctxCrm)
      rt.paused.delete(ruleId)
      await writeState(ctxCrm, `paused:${ruleId}`, { paused: false })
      for await (const run of ctxCrm.entity<RunRow>('automationRun').iterate({
        where: {
          and: [
            { field: 'ruleId', op: 'eq', value: ruleId },
            { field: 'status', op: 'eq', value: 'paused' },
          ],
        },
      })) {
        await ctxCrm.transaction(async (tx) => {
          await tx.entity<RunRow>('automationRun').update(run.id, { status: 'running' })
          await queue.enqueue(
            {
              name: STEP_JOB,
              payload: { runId: run.id, pc: run.pc, tenantId: tx.tenantId },
              key: `${run.id}:${run.pc}:resume:${run.version}`,
            },
            { tx },
          )
        })
      }
    },
    deadLetters: () => queue.deadLetters(),
    events: rt.events,
    queue,
  })

  return definePlugin({
    id: 'automation',
    version: '0.1.0',
    schema: { entities: automationEntities },
    hooks,
    errorCodes: Object.fromEntries(
      Object.keys(AutomationErrorCodes).map((code) => [code.replace(/^AUTOMATION_/, ''), code]),
    ),
    init() {
      queue.bind({
        servicesFor: rt.servicesFor,
        tenants: [rt.servicesFor(root!.tenantId).tenantId],
        clock,
        onDead: async (letter) => {
          if (letter.name === STEP_JOB)
            await failRun(rt, letter.tenantId, letter.payload['runId'] as string, letter.error)
        },
      })
      queue.work(STEP_JOB, (job) => runSteps(rt, job))
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
      root = ctx.crm
      const catalogOf = (entity: string) => {
        const model = ctx.schema.models[entity]
        return model && !model.plugin?.startsWith('automation') ? fieldCatalogOf(model) : undefined
      }
      for (const m of options.scoring ?? []) scoring.set(m.id, compileScoringModel(m, catalogOf))
      for (const p of options.pools ?? []) pools.set(p.id, compilePool(p, catalogOf))
      for (const rule of pendingRules.splice(0)) register(rule)
      return engine(ctx.crm)
    },
  })
}
