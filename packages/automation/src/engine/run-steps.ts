import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { WriteOrigin } from '@rapport/core/events'
import { shiftDate } from '../conditions/shift-date.js'
import type { JobContext } from '../queue/job-queue.js'
import { PermanentJobError } from '../queue/job-queue.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import { applyDbAction, applyExternalAction, EXTERNAL, taskInput } from './apply-action.js'
import type { EngineRuntime, RunRow, StepRow } from './engine-runtime.js'
import { STEP_JOB } from './engine-runtime.js'
import { readRecords } from './read-records.js'

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

async function findStep(services: CrmServices, key: string): Promise<StepRow | null> {
  const page = await services
    .entity<StepRow>('automationStep')
    .list({ where: { field: 'key', op: 'eq', value: key }, limit: 1 })
  return page.items[0] ?? null
}

const external = new WeakMap<CompiledRule, boolean>()

/** Whether the rule's program has an action with effects outside the CRM (a webhook, a host function, an event). */
function hasExternalEffects(rule: CompiledRule): boolean {
  let found = external.get(rule)
  if (found === undefined) {
    found = rule.program.some((ins) => ins.kind === 'action' && EXTERNAL.has(ins.action.type))
    external.set(rule, found)
  }
  return found
}

/** Sets the run's status and program counter (and `finishedAt` once it ends). */
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

/** What a batch of step jobs (the queue's jobs sharing one transaction) reads once and writes once. */
interface BatchState {
  /** Runs of the batch's jobs, each handed out once (see {@link runOf}). */
  readonly runs: Map<string, RunRow>
  /** The runs' records by entity and id, each handed out once (see {@link recordOf}). */
  readonly records: Map<string, Map<string, Record<string, unknown>>>
  /** Step rows of the batch's last database actions, inserted together by {@link completeBatch}. */
  readonly steps: Record<string, unknown>[]
  /** The completions of those runs, written together by {@link completeBatch}. */
  readonly completed: { id: string; patch: Record<string, unknown> }[]
  /**
   * Tasks of those last steps (`createTask`), created together by {@link completeBatch}, each recorded as caused by
   * its run; `step` is the step row whose output gets the task's id.
   */
  readonly tasks: { input: TaskInput; origin: WriteOrigin; step: Record<string, unknown> }[]
}

type TaskInput = Parameters<CrmServices['tasks']['create']>[0]

const batches = new WeakMap<readonly JobContext[], BatchState>()
/** Ids per read of a batch's runs: one page of a list (the default page size). */
const RUNS_PER_READ = 100

/**
 * The state of a batch: on the first call, the runs of every job of the batch are read with one list per
 * {@link RUNS_PER_READ} ids, and their records with one list per entity, instead of two reads per job.
 */
async function batchState(engine: CrmServices, batch: readonly JobContext[]): Promise<BatchState> {
  let state = batches.get(batch)
  if (state) return state
  state = { runs: new Map(), records: new Map(), steps: [], completed: [], tasks: [] }
  batches.set(batch, state)
  const runs = engine.entity<RunRow>('automationRun')
  const ids = [...new Set(batch.map((j) => j.payload['runId']).filter((id) => typeof id === 'string'))]
  for (let i = 0; i < ids.length; i += RUNS_PER_READ) {
    const chunk = ids.slice(i, i + RUNS_PER_READ)
    const page = await runs.list({ where: { field: 'id', op: 'in', value: chunk }, limit: chunk.length })
    for (const run of page.items) state.runs.set(run.id, run)
  }
  const live = [...state.runs.values()].filter((run) => !TERMINAL.has(run.status))
  const records = await readRecords(
    engine,
    live.map((run) => ({ entity: run.entity, id: run.recordId })),
  )
  for (const [entity, byId] of records) state.records.set(entity, byId)
  return state
}

/**
 * The job's run. In a batch, read with the batch's other runs; each run read that way is handed out once, so a
 * second job of the same run reads it afresh.
 */
async function runOf(
  engine: CrmServices,
  runId: string,
  state: BatchState | undefined,
): Promise<RunRow | null> {
  const run = state?.runs.get(runId)
  if (!run) return engine.entity<RunRow>('automationRun').find(runId)
  state!.runs.delete(runId)
  return run
}

/**
 * The run's record, as `service.find` reads it. In a batch, the first look-up of a record is answered from the
 * batch's read and later ones read afresh, so a job sees what an earlier job of the batch wrote to its record.
 */
async function recordOf(
  service: ReturnType<CrmServices['entity']>,
  entity: string,
  recordId: string,
  state: BatchState | undefined,
): Promise<Record<string, unknown> | null> {
  const byId = state?.records.get(entity)
  if (byId?.has(recordId)) {
    const record = byId.get(recordId)!
    byId.delete(recordId)
    return record
  }
  // Read at the batch's start and not found: only a later write of this batch could have made it visible.
  return (await service.find(recordId)) as Record<string, unknown> | null
}

/**
 * Writes what the batch's jobs left to the end with one statement per kind for the batch, in the batch's transaction
 * `tx`: the tasks of `createTask` last steps (one `createMany`, each task with its run's origin, so audit and
 * `beforeCommit` hooks record it under its own rule and run, as when created alone), each run's last step row and
 * its completion. A step key already taken (a step committed before), or a task refused, fails the batch and rolls it
 * back; each job then runs alone (and finds its step done, or fails alone with the shared retries).
 */
export async function completeBatch(
  rt: EngineRuntime,
  tx: CrmServices,
  batch: readonly JobContext[],
): Promise<void> {
  const state = batches.get(batch)
  if (!state || state.steps.length === 0) return
  const engine = rt.servicesFor(batch[0]!.tenantId, undefined, tx)
  const tasks = state.tasks.splice(0)
  if (tasks.length > 0) {
    const created = await engine.tasks.createMany(
      tasks.map((t) => t.input),
      { originOf: (i) => tasks[i]!.origin },
    )
    for (const [i, t] of tasks.entries()) t.step['output'] = { taskId: created[i]!.id }
  }
  await engine.entity('automationStep').createMany(state.steps.splice(0))
  await engine.entity<RunRow>('automationRun').updateMany(state.completed.splice(0))
}

/**
 * The `automation.step` job: runs a run's program from `pc` until it ends or waits. Given `tx`, everything runs in
 * that shared transaction (the queue's batch of first deliveries, `batch`, whose runs are read together), and a run
 * whose rule has external effects is declined (`false`, nothing written) to run alone. Each step commits its effects
 * together with its idempotency key (`runId:pc`) in one transaction, so a redelivered job skips what already
 * happened; external effects (webhooks, host functions) carry the key so providers can deduplicate. In a batch, a
 * last `createTask` step leaves its task to {@link completeBatch} when `batchTasks()` says so.
 */
export async function runSteps(
  rt: EngineRuntime,
  job: JobContext,
  tx?: CrmServices,
  batch?: readonly JobContext[],
  batchTasks?: () => boolean,
): Promise<boolean> {
  const engine = rt.servicesFor(job.tenantId, undefined, tx)
  await ensureLoaded(rt, engine)
  const runId = job.payload['runId'] as string
  let pc = job.payload['pc'] as number
  const state = tx && batch && batch.length > 1 ? await batchState(engine, batch) : undefined
  let run = await runOf(engine, runId, state)
  if (!run || TERMINAL.has(run.status)) return true
  // Everything the run does from here is recorded as this rule's, caused by this run.
  const services = rt.servicesFor(job.tenantId, { ruleId: run.ruleId, runId: run.id }, tx)
  const runs = services.entity<RunRow>('automationRun')
  const rule = rt.rules.get(run.ruleId)
  if (!rule) {
    await finish(services, run, 'failed', pc, rt.clock(), {
      code: 'AUTOMATION_UNKNOWN_RULE',
      message: 'Rule removed',
    })
    return true
  }
  // External effects cannot roll back with a shared transaction: such a run's job runs alone.
  if (tx && hasExternalEffects(rule)) return false
  const started = rt.clock()
  if (rt.paused.has(rule.rule.id)) {
    await finish(services, run, 'paused', pc, started)
    return true
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
        return true
      }
      const now = rt.clock()
      const ins = rule.program[pc]!
      const key = `${run.id}:${pc}`
      const record = await recordOf(service, rule.rule.entity, run.recordId, state)
      if (!record) {
        await finish(services, run, 'unenrolled', pc, now, {
          code: 'NOT_FOUND',
          message: 'The record no longer exists',
        })
        return true
      }
      const snapshot = { record, before: null, now }
      if (rule.goal?.test(snapshot)) {
        await finish(services, run, 'goal', pc, now)
        return true
      }
      if (rule.unenroll?.test(snapshot)) {
        await finish(services, run, 'unenrolled', pc, now)
        return true
      }
      if (ins.kind === 'jump') {
        pc = ins.target
        continue
      }
      // A database action needs no look-up first: its step row is inserted in the action's own transaction under
      // the unique key, so a redelivered step fails on the key, rolls its effects back and is found done below.
      const dbAction = ins.kind === 'action' && !EXTERNAL.has(ins.action.type)
      const done = dbAction ? null : await findStep(services, key)
      if (done) {
        if (ins.kind === 'branch') pc = done.output?.['taken'] === 'do' ? pc + 1 : ins.elseTarget
        else if (ins.kind === 'delay')
          return true // the continuation was queued with the step
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
        return true
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
          // The last instruction also completes the run and the job in its transaction: one commit per step job.
          const last = pc + 1 === rule.program.length
          if (last && state) {
            // In a batch, the step row and the run's completion are written with the batch's (completeBatch), and so
            // is a task, unless a rule reacts to created tasks (its loop guard needs this run's origin around it).
            if (action.type === 'createTask' && batchTasks?.()) {
              const step = { ...stepBase, action: action.type, status: 'done', output: null }
              state.tasks.push({
                input: taskInput(action, rule.rule.entity, run.recordId, record, now),
                origin: { channel: 'automation', channelRef: run.ruleId, causationId: run.id },
                step,
              })
              state.steps.push(step)
            } else {
              const output = await rt.origin.run(origin, () =>
                applyDbAction(rt, services, rule, run!, action, ins.path, record),
              )
              state.steps.push({ ...stepBase, action: action.type, status: 'done', output })
            }
            state.completed.push({
              id: run.id,
              patch: { status: 'completed', pc: pc + 1, finishedAt: rt.clock() },
            })
            return true
          }
          await rt.origin.run(origin, () =>
            services.transaction(async (tx) => {
              const output = await applyDbAction(rt, tx, rule, run!, action, ins.path, record)
              await tx
                .entity('automationStep')
                .create({ ...stepBase, action: action.type, status: 'done', output })
              await tx
                .entity<RunRow>('automationRun')
                .update(
                  run!.id,
                  last
                    ? { status: 'completed', pc: pc + 1, finishedAt: rt.clock() }
                    : { status: 'running', pc: pc + 1 },
                )
              if (last) await job.complete?.(tx)
            }),
          )
          if (last) return true
        }
      } catch (error) {
        // In a shared transaction the failed statement may have aborted it (Postgres): the batch rolls back and the
        // job runs alone, where a redelivery finds its committed step.
        if (tx) throw error
        if (await findStep(services, key)) {
          pc++ // this step was committed before (a redelivery, or another delivery first)
          continue
        }
        if (isRapportError(error) && PERMANENT.has(error.code)) throw new PermanentJobError(error)
        throw error
      }
      pc++
    }
    run = (await runs.find(runId)) ?? run
    const completed = run
    await services.transaction(async (tx) => {
      await finish(tx, completed, 'completed', pc, rt.clock())
      await job.complete?.(tx)
    })
    return true
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
