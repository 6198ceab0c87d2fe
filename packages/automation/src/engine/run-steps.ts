import type { CrmServices } from '@rapport/core'
import { isRapportError, RapportError } from '@rapport/core'
import { chooseAssignee } from '../assignment/assign-owner.js'
import { compileCondition } from '../conditions/compile-condition.js'
import type { CompiledCondition } from '../conditions/condition-types.js'
import { shiftDate } from '../conditions/shift-date.js'
import type { JobContext } from '../queue/job-queue.js'
import { PermanentJobError } from '../queue/job-queue.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { Action } from '../rules/rule-types.js'
import { sendWebhook } from '../webhooks/send-webhook.js'
import type { EngineRuntime, RunRow, StepRow } from './engine-runtime.js'
import { STEP_JOB } from './engine-runtime.js'
import { renderTemplate, renderTemplates } from './render-template.js'

const TERMINAL = new Set(['completed', 'failed', 'goal', 'unenrolled'])
/** Errors that retrying cannot fix. */
const PERMANENT = new Set([
  'VALIDATION_FAILED',
  'INVALID_TRANSITION',
  'HOOK_REJECTED',
  'AUTOMATION_WEBHOOK_BLOCKED',
  'AUTOMATION_NO_ASSIGNEE',
  'AUTOMATION_UNKNOWN_FUNCTION',
  'AUTOMATION_UNKNOWN_RULE',
])

/** The deal service's `moveStage`, when the pipelines feature provides it. */
type MoveStage = (
  id: string,
  stageId: string,
  options: { expectedVersion?: number; reason?: string },
) => Promise<unknown>

/**
 * Moves a deal to a stage: through `crm.deals.moveStage` (the pipeline machine, with its guards) when core provides
 * it, else as a version-guarded update of `stageId`.
 */
export async function moveDealStage(
  tx: CrmServices,
  deal: Readonly<Record<string, unknown>>,
  stageId: string,
  reason: string | undefined,
): Promise<'moveStage' | 'update'> {
  const move = (tx.deals as unknown as { moveStage?: MoveStage }).moveStage // absent on cores before pipelines
  const expectedVersion = deal['version'] as number
  if (typeof move === 'function') {
    await move.call(tx.deals, deal['id'] as string, stageId, {
      expectedVersion,
      ...(reason ? { reason } : {}),
    })
    return 'moveStage'
  }
  await tx.deals.update(deal['id'] as string, { stageId }, { expectedVersion })
  return 'update'
}

async function findStep(services: CrmServices, key: string): Promise<StepRow | null> {
  const page = await services
    .entity<StepRow>('automationStep')
    .list({ where: { field: 'key', op: 'eq', value: key }, limit: 1 })
  return page.items[0] ?? null
}

/** Territory conditions are compiled once per (rule, action path). */
const territoryCache = new WeakMap<CompiledRule, Map<string, CompiledCondition[]>>()

function territoriesOf(
  rt: EngineRuntime,
  rule: CompiledRule,
  path: string,
  action: Action,
): CompiledCondition[] {
  if (action.type !== 'assignOwner' || action.strategy.kind !== 'territory') return []
  let byPath = territoryCache.get(rule)
  if (!byPath) territoryCache.set(rule, (byPath = new Map()))
  let compiled = byPath.get(path)
  if (!compiled) {
    const catalog = rt.catalogOf(rule.rule.entity)
    compiled = action.strategy.territories.map((t) => {
      const result = compileCondition(t.when, catalog!, ['when'])
      if (!result.ok) throw new RapportError('AUTOMATION_INVALID_RULE', 'Invalid territory condition')
      return result.condition
    })
    byPath.set(path, compiled)
  }
  return compiled
}

/** The database effect of an action, inside the step's transaction. Returns the step's output. */
async function applyDbAction(
  rt: EngineRuntime,
  tx: CrmServices,
  rule: CompiledRule,
  run: RunRow,
  action: Action,
  path: string,
  record: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const now = rt.clock()
  const entity = rule.rule.entity
  const recordId = run.recordId
  switch (action.type) {
    case 'createTask': {
      const assignee = action.assignTo === 'owner' ? (record['ownerId'] ?? null) : (action.assignTo ?? null)
      const task = await tx.tasks.create({
        title: renderTemplate(action.title, record),
        ...(action.description ? { description: renderTemplate(action.description, record) } : {}),
        ...(action.dueIn ? { dueAt: shiftDate(now, action.dueIn, 1) } : {}),
        ...(action.priority ? { priority: action.priority } : {}),
        assigneeId: assignee as string | null,
        targets: [{ type: entity, id: recordId }],
      })
      return { taskId: task.id }
    }
    case 'createActivity': {
      const activity = await tx.activities.create({
        type: action.activityType,
        subject: renderTemplate(action.subject, record),
        ...(action.body ? { body: renderTemplate(action.body, record) } : {}),
        occurredAt: now,
        targets: [{ type: entity, id: recordId }],
      })
      return { activityId: activity.id }
    }
    case 'updateFields': {
      // `custom.<key>` paths (validated at registration) become one `custom` patch, which core merges key by key.
      const patch: Record<string, unknown> = {}
      const custom: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(action.set)) {
        const rendered = typeof v === 'string' ? renderTemplate(v, record) : v
        if (k.startsWith('custom.')) custom[k.slice('custom.'.length)] = rendered
        else patch[k] = rendered
      }
      if (Object.keys(custom).length > 0) {
        patch['custom'] = { ...((patch['custom'] as Record<string, unknown> | undefined) ?? {}), ...custom }
      }
      await tx.entity(entity).update(recordId, patch)
      return { fields: Object.keys(action.set) }
    }
    case 'addTag':
    case 'removeTag': {
      const tags = ((record['tags'] as string[] | null) ?? []).filter((t) => t !== action.tag)
      if (action.type === 'addTag') tags.push(action.tag)
      await tx.entity(entity).update(recordId, { tags })
      return { tag: action.tag }
    }
    case 'moveStage': {
      const via = await moveDealStage(tx, record, action.stageId, action.reason)
      return { stageId: action.stageId, via }
    }
    case 'assignOwner': {
      const field = action.field ?? 'ownerId'
      const userId = await chooseAssignee({
        services: tx,
        strategy: action.strategy,
        strategyKey: `${rule.rule.id}:${path}`,
        entity,
        record,
        now,
        timeZone: rt.timeZone,
        territories: territoriesOf(rt, rule, path, action),
      })
      await tx.entity(entity).update(recordId, { [field]: userId })
      return { userId, field }
    }
    default:
      throw new RapportError('AUTOMATION_INVALID_RULE', `Action ${action.type} has no database effect`)
  }
}

const EXTERNAL = new Set(['webhook', 'callFunction', 'emitEvent'])

async function applyExternalAction(
  rt: EngineRuntime,
  services: CrmServices,
  rule: CompiledRule,
  run: RunRow,
  action: Action,
  key: string,
  record: Readonly<Record<string, unknown>>,
): Promise<{ output: Record<string, unknown>; afterCommit?: () => void }> {
  switch (action.type) {
    case 'webhook': {
      const secret = rt.secrets.get(action.secret)
      if (secret === undefined)
        throw new RapportError('AUTOMATION_INVALID_CONFIG', `Unknown secret "${action.secret}"`)
      const delivery = await sendWebhook({
        url: action.url,
        secret,
        idempotencyKey: key,
        now: rt.clock(),
        timeoutMs: rt.webhookTimeoutMs,
        ...(action.headers ? { headers: action.headers } : {}),
        ...(action.allowPrivateNetwork ? { allowPrivateNetwork: true } : {}),
        body: {
          type: `automation.${rule.rule.id}`,
          ruleId: rule.rule.id,
          runId: run.id,
          entity: rule.rule.entity,
          record,
        },
      })
      return { output: { status: delivery.status } }
    }
    case 'callFunction': {
      const fn = rt.functions.get(action.name)
      if (!fn) throw new RapportError('AUTOMATION_UNKNOWN_FUNCTION', `No host function "${action.name}"`)
      const result = await fn({
        record,
        args: action.args,
        ruleId: rule.rule.id,
        runId: run.id,
        tenantId: services.tenantId,
        idempotencyKey: key,
        crm: services,
      })
      return { output: result === undefined ? {} : { result: JSON.parse(JSON.stringify(result)) } }
    }
    case 'emitEvent': {
      const payload = {
        ...(renderTemplates(action.data ?? {}, record) as Record<string, unknown>),
        ruleId: rule.rule.id,
        runId: run.id,
        entity: rule.rule.entity,
        recordId: run.recordId,
        tenantId: services.tenantId,
        idempotencyKey: key,
      }
      return { output: { event: action.event }, afterCommit: () => rt.events.emit(action.event, payload) }
    }
    default:
      throw new RapportError('AUTOMATION_INVALID_RULE', `Action ${action.type} is not external`)
  }
}

async function finish(
  services: CrmServices,
  run: RunRow,
  status: RunRow['status'],
  pc: number,
  now: Date,
  error?: Record<string, unknown>,
): Promise<void> {
  await services.entity<RunRow>('automationRun').update(run.id, {
    status,
    pc,
    ...(TERMINAL.has(status) ? { finishedAt: now } : {}),
    ...(error ? { error } : {}),
  })
}

/**
 * The `automation.step` job: runs a run's program from `pc` until it ends or waits. Each step commits its effects
 * together with its idempotency key (`runId:pc`) in one transaction, so a redelivered job skips what already
 * happened; external effects (webhooks, host functions) carry the key so providers can deduplicate.
 */
export async function runSteps(rt: EngineRuntime, job: JobContext): Promise<void> {
  const engine = rt.servicesFor(job.tenantId)
  await ensureLoaded(rt, engine)
  const runId = job.payload['runId'] as string
  let pc = job.payload['pc'] as number
  let run = await engine.entity<RunRow>('automationRun').find(runId)
  if (!run || TERMINAL.has(run.status)) return
  // Everything the run does from here is recorded as this rule's, caused by this run.
  const services = rt.servicesFor(job.tenantId, { ruleId: run.ruleId, runId: run.id })
  const runs = services.entity<RunRow>('automationRun')
  const rule = rt.rules.get(run.ruleId)
  if (!rule) {
    await finish(services, run, 'failed', pc, rt.clock(), {
      code: 'AUTOMATION_UNKNOWN_RULE',
      message: 'Rule removed',
    })
    return
  }
  const started = rt.clock()
  if (rt.paused.has(rule.rule.id)) {
    await finish(services, run, 'paused', pc, started)
    return
  }
  let inFlight = rt.inFlight.get(rule.rule.id)
  if (!inFlight) rt.inFlight.set(rule.rule.id, (inFlight = new Set()))
  let release!: () => void
  const marker = new Promise<void>((r) => {
    release = r
  })
  inFlight.add(marker)
  try {
    const service = services.entity(rule.rule.entity)
    const origin = { depth: run.depth, chain: run.chain, runId: run.id }
    while (pc < rule.program.length) {
      if (rt.paused.has(rule.rule.id)) {
        await finish(services, run, 'paused', pc, rt.clock())
        return
      }
      const now = rt.clock()
      const ins = rule.program[pc]!
      const key = `${run.id}:${pc}`
      const record = (await service.find(run.recordId)) as Record<string, unknown> | null
      if (!record) {
        await finish(services, run, 'unenrolled', pc, now, {
          code: 'NOT_FOUND',
          message: 'The record no longer exists',
        })
        return
      }
      const snapshot = { record, before: null, now }
      if (rule.goal?.test(snapshot)) {
        await finish(services, run, 'goal', pc, now)
        return
      }
      if (rule.unenroll?.test(snapshot)) {
        await finish(services, run, 'unenrolled', pc, now)
        return
      }
      if (ins.kind === 'jump') {
        pc = ins.target
        continue
      }
      const done = await findStep(services, key)
      if (done) {
        if (ins.kind === 'branch') pc = done.output?.['taken'] === 'do' ? pc + 1 : ins.elseTarget
        else if (ins.kind === 'delay')
          return // the continuation was queued with the step
        else pc++
        continue
      }
      const stepBase = { key, runId: run.id, ruleId: run.ruleId, recordId: run.recordId, pc, path: ins.path }
      if (ins.kind === 'branch') {
        const taken = ins.condition.test(snapshot) ? 'do' : 'else'
        await services
          .entity('automationStep')
          .create({ ...stepBase, action: 'branch', status: 'done', output: { taken } })
        pc = taken === 'do' ? pc + 1 : ins.elseTarget
        continue
      }
      if (ins.kind === 'delay') {
        const runAt = shiftDate(now, ins.duration, 1)
        await services.transaction(async (tx) => {
          await tx
            .entity('automationStep')
            .create({ ...stepBase, action: 'delay', status: 'done', output: { until: runAt.toISOString() } })
          await tx.entity<RunRow>('automationRun').update(run!.id, { status: 'waiting', pc: pc + 1 })
          await rt.queue.enqueue(
            {
              name: STEP_JOB,
              payload: { runId: run!.id, pc: pc + 1, tenantId: job.tenantId },
              key: `${run!.id}:${pc + 1}`,
              runAt,
            },
            { tx },
          )
        })
        return
      }
      const action = ins.action
      try {
        if (EXTERNAL.has(action.type)) {
          const effect = await rt.origin.run(origin, () =>
            applyExternalAction(rt, services, rule, run!, action, key, record),
          )
          await services
            .entity('automationStep')
            .create({ ...stepBase, action: action.type, status: 'done', output: effect.output })
          effect.afterCommit?.()
        } else {
          await rt.origin.run(origin, () =>
            services.transaction(async (tx) => {
              const output = await applyDbAction(rt, tx, rule, run!, action, ins.path, record)
              await tx
                .entity('automationStep')
                .create({ ...stepBase, action: action.type, status: 'done', output })
              await tx.entity<RunRow>('automationRun').update(run!.id, { status: 'running', pc: pc + 1 })
            }),
          )
        }
      } catch (error) {
        if (isRapportError(error, 'UNIQUE_VIOLATION') && (await findStep(services, key))) {
          pc++ // another delivery committed this step first
          continue
        }
        if (isRapportError(error) && PERMANENT.has(error.code)) throw new PermanentJobError(error)
        throw error
      }
      pc++
    }
    run = (await runs.find(runId)) ?? run
    await finish(services, run, 'completed', pc, rt.clock())
  } finally {
    inFlight.delete(marker)
    release()
  }
}

/** Loads persisted engine state (paused rules) once, through `services`. */
export function ensureLoaded(rt: EngineRuntime, services: CrmServices): Promise<void> {
  rt.loaded ??= (async () => {
    for await (const state of services
      .entity<{ key: string; value: Record<string, unknown> }>('automationState')
      .iterate({ where: { field: 'key', op: 'startsWith', value: 'paused:' } })) {
      if (state.value['paused'] === true) rt.paused.add(state.key.slice('paused:'.length))
    }
  })()
  rt.loaded.catch(() => {
    rt.loaded = null
  })
  return rt.loaded
}

/** Marks the run of a dead-lettered step job as failed, keeping the reason. */
export async function failRun(
  rt: EngineRuntime,
  tenantId: string,
  runId: string,
  error: Record<string, unknown> | null,
): Promise<void> {
  const services = rt.servicesFor(tenantId)
  const run = await services.entity<RunRow>('automationRun').find(runId)
  if (!run || TERMINAL.has(run.status)) return
  await finish(services, run, 'failed', run.pc, rt.clock(), error ?? { message: 'failed' })
}
