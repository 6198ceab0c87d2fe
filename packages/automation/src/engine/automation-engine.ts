import type { CrmServices } from '@rapport/core'
import type { EventBus } from '@rapport/core/events'
import type { Page } from '@rapport/core/services'
import type { PoolLogEntry, PoolLogQuery } from '../pool/pool-log.js'
import { iteratePoolLog, readPoolLog } from '../pool/pool-log.js'
import { claimFromPool, entryOf, pooledRecords, reclaimAtOf } from '../pool/public-pool.js'
import type { DeadLetter, JobQueue } from '../queue/job-queue.js'
import type { AutomationRule } from '../rules/rule-types.js'
import type { ScoreBreakdown } from '../scoring/lead-scoring.js'
import { readScore, unknownModel } from '../scoring/lead-scoring.js'
import type { SweepReport } from '../time/sweep.js'
import type { DryRunResult } from './dry-run.js'
import { dryRun } from './dry-run.js'
import type { EngineState } from './engine-state.js'
import { poolOf } from './engine-state.js'
import type { EnrollSkip } from './enroll.js'
import { fullSweep } from './full-sweep.js'
import { receiveWebhook, triggerRule } from './manual-run.js'
import { pauseRule, resumeRule } from './pause-resume.js'
import { compileForEngine, registerRule, ruleOf, unregisterRule } from './rule-registry.js'
import type { RunLog, RunLogQuery } from './run-log.js'
import { iterateRunLog, readRunLog } from './run-log.js'

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
  /**
   * Emits a custom domain event from host code: in one transaction, rules with an `event` trigger on `type` enroll the
   * record the payload names (`recordId`, or the trigger's `recordIdFrom`) when their conditions hold on it and on the
   * payload (`body.*`); after the commit the event is delivered on `crm.events`. Events a plugin queues with
   * `tx.emit` inside its own writes trigger the same rules without this call.
   *
   * @throws `RapportError('VALIDATION_FAILED')` for a type that is not `<noun>.<verb>` or is a lifecycle event.
   *
   * @example
   * ```ts
   * await engine.emit('order.placed', { recordId: contact.id, entity: 'contact', price: 120, idempotencyKey: order.id })
   * ```
   */
  emit(type: string, payload: Readonly<Record<string, unknown>>): Promise<void>
  /** One sweep of the time triggers (relative, inactivity, schedules). */
  sweep(): Promise<SweepReport>
  /** Runs every due job now (delegates to the queue). */
  runDue(): Promise<number>
  /** Sweeps, then runs due jobs until none is left: the whole engine, once. */
  tick(): Promise<{ sweep: SweepReport; jobs: number }>
  /**
   * One page of the execution log: runs (newest first) with their steps. Pages like every list API: `limit` (default
   * 100, at most 1,000) and the previous page's `nextCursor`.
   *
   * @example
   * ```ts
   * const first = await engine.log({ ruleId: 'welcome', limit: 50 })
   * const next = first.nextCursor ? await engine.log({ ruleId: 'welcome', limit: 50, cursor: first.nextCursor }) : null
   * ```
   */
  log(filter?: RunLogQuery): Promise<Page<RunLog>>
  /** Every run of the execution log (newest first), fetched page by page (`limit` is the page size). */
  iterateLog(filter?: Omit<RunLogQuery, 'cursor'>): AsyncGenerator<RunLog, void, undefined>
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
    /**
     * One page of the pool's reclaims, warnings and claims, oldest first, paged like `engine.log()`.
     *
     * @example
     * ```ts
     * const first = await engine.pools.log('smb', { recordId: 'com_…', limit: 50 })
     * const next = first.nextCursor ? await engine.pools.log('smb', { cursor: first.nextCursor }) : null
     * ```
     */
    log(poolId: string, query?: PoolLogQuery): Promise<Page<PoolLogEntry>>
    /** Every entry of the pool's log (oldest first), fetched page by page (`limit` is the page size). */
    iterateLog(
      poolId: string,
      query?: Omit<PoolLogQuery, 'cursor'>,
    ): AsyncGenerator<PoolLogEntry, void, undefined>
  }
  /**
   * Events: custom events from `emitEvent` actions (after the step commits), `pool.reclaimed`,
   * `pool.reclaim_warning`, and lead-scoring threshold events.
   */
  readonly events: EventBus<Record<string, unknown>>
  /** The job queue. */
  readonly queue: JobQueue
}

/** The engine API bound to the CRM services the plugin was initialised with. */
export function createEngine(state: EngineState, crm: CrmServices): AutomationEngine {
  const rt = state.rt
  return {
    register: (rule) => registerRule(state, rule),
    unregister: (ruleId) => unregisterRule(state, ruleId),
    rules: () => [...rt.rules.values()].map((r) => r.rule),
    test(ruleOrId, record, opts = {}) {
      const rule = typeof ruleOrId === 'string' ? ruleOf(state, ruleOrId) : compileForEngine(state, ruleOrId)
      return dryRun(rule, record, opts.before ?? null, opts.now ?? rt.clock())
    },
    run: (ruleId, recordId, opts = {}) =>
      triggerRule(state, ruleOf(state, ruleId), recordId, 'manual', undefined, opts.force ?? false),
    receiveWebhook: (ruleId, request) => receiveWebhook(state, ruleId, request),
    emit: (type, payload) =>
      crm.transaction(async (tx) => {
        tx.emit(type, payload)
      }),
    sweep: () => fullSweep(state, crm),
    runDue: () => rt.queue.runDue(),
    async tick() {
      const report = await fullSweep(state, crm)
      return { sweep: report, jobs: await rt.queue.runDue() }
    },
    async score(modelId, recordId) {
      const compiled = state.scoring.get(modelId)
      if (!compiled) throw unknownModel(modelId)
      return readScore(crm, compiled, recordId, rt.clock())
    },
    pools: {
      claim: (poolId, recordId, userId) =>
        claimFromPool(crm, poolOf(state, poolId), recordId, userId, rt.clock()),
      async reclaimAt(poolId, recordId) {
        const compiled = poolOf(state, poolId)
        const entry = await entryOf(crm, poolId, recordId)
        const record = await crm.entity(compiled.pool.entity).find(recordId)
        return entry && record ? reclaimAtOf(crm, compiled, record, entry, rt.clock()) : null
      },
      list: (poolId) => {
        poolOf(state, poolId)
        return pooledRecords(crm, poolId)
      },
      log: (poolId, query = {}) => {
        poolOf(state, poolId)
        return readPoolLog(crm, poolId, query)
      },
      iterateLog: (poolId, query = {}) => {
        poolOf(state, poolId)
        return iteratePoolLog(crm, poolId, query)
      },
    },
    log: (filter = {}) => readRunLog(crm, filter),
    iterateLog: (filter = {}) => iterateRunLog(crm, filter),
    pause: (ruleId) => pauseRule(state, crm, ruleId),
    resume: (ruleId) => resumeRule(state, crm, ruleId),
    deadLetters: () => rt.queue.deadLetters(),
    events: rt.events,
    queue: rt.queue,
  }
}
