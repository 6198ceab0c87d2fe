import type { CrmServices } from '@rapport/core'
import { durationMs } from '../conditions/shift-date.js'
import type { JobSpec } from '../queue/job-queue.js'
import { enqueueAll } from '../queue/job-queue.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { EngineRuntime, Origin, RunRow } from './engine-runtime.js'
import { STEP_JOB } from './engine-runtime.js'

/** Why a matching record was not enrolled. */
export type EnrollSkip = 'already-enrolled' | 'still-enrolled' | 'rate-limited' | 'loop-depth' | 'loop-chain'

/** The arguments of {@link enroll}. */
export interface EnrollArgs {
  readonly rule: CompiledRule
  readonly record: Readonly<Record<string, unknown>>
  readonly trigger: string
  /** Time triggers and webhooks: the anchor of the firing key (rule, record, anchor). */
  readonly anchor?: string
  /** Manual runs always enroll. */
  readonly force?: boolean
  /**
   * The record was inserted by the write being dispatched and the rule enrolls on no earlier event of it (a record
   * trigger on `created` without `updated`), so no run can hold its enrollment key yet: the look-up is skipped.
   */
  readonly created?: boolean
}

const ACTIVE = ['running', 'waiting', 'paused']

/**
 * Enrolls a record in a rule inside `tx`: applies the loop guard and re-enrollment policy, inserts the run under its
 * unique enrollment key and queues its first step in the same transaction (the outbox).
 */
export async function enroll(
  rt: EngineRuntime,
  tx: CrmServices,
  args: EnrollArgs,
): Promise<{ runId: string } | { skipped: EnrollSkip }> {
  const { rule, record } = args
  const recordId = record['id'] as string
  const origin = rt.origin.getStore()
  const link = `${rule.rule.id}:${recordId}`
  const guard = loopGuard(rt, origin, link)
  if (guard) return { skipped: guard }
  const runs = tx.entity<RunRow>('automationRun')
  const now = rt.clock()
  const { key, taken } = enrollmentKey(args, link, now)
  if (taken) {
    const existing = await runs.list({ where: { field: 'enrollmentKey', op: 'eq', value: key }, limit: 1 })
    if (existing.items.length > 0) return { skipped: 'already-enrolled' }
  }
  if (rule.options.reEnroll && !args.force) {
    const active = await runs.count({
      where: {
        and: [
          { field: 'ruleId', op: 'eq', value: rule.rule.id },
          { field: 'recordId', op: 'eq', value: recordId },
          { field: 'status', op: 'in', value: ACTIVE },
        ],
      },
    })
    if (active > 0) return { skipped: 'still-enrolled' }
  }
  const limit = rule.options.maxRunsPerRecord
  if (limit && !args.force) {
    const recent = await runs.count({
      where: {
        and: [
          { field: 'ruleId', op: 'eq', value: rule.rule.id },
          { field: 'recordId', op: 'eq', value: recordId },
          { field: 'createdAt', op: 'gt', value: new Date(now.getTime() - durationMs(limit.window)) },
        ],
      },
    })
    if (recent >= limit.count) return { skipped: 'rate-limited' }
  }
  const run = await runs.create(runRow(args, key, link, origin))
  // The run is new, so its first job needs no deduplication key.
  await rt.queue.enqueue(firstJob(run.id, tx), { tx })
  return { runId: run.id }
}

/** Why the loop guard refuses to enroll `link` (rule:record) under `origin`, if it does. */
function loopGuard(rt: EngineRuntime, origin: Origin | undefined, link: string): EnrollSkip | undefined {
  if (!origin) return undefined
  if (origin.depth + 1 > rt.maxDepth) return 'loop-depth'
  if (origin.chain.includes(link)) return 'loop-chain'
  return undefined
}

/**
 * The run's enrollment key, and whether a run may already hold it (`taken`: it must be looked up). Not when it
 * carries a fresh UUID, nor when it is the plain link of a record this very write created (`args.created`).
 */
function enrollmentKey(args: EnrollArgs, link: string, now: Date): { key: string; taken: boolean } {
  if (args.anchor !== undefined) return { key: `${link}:${args.anchor}`, taken: true }
  if (args.force || args.rule.options.reEnroll)
    return { key: `${link}:${now.toISOString()}:${crypto.randomUUID()}`, taken: false }
  return { key: link, taken: !args.created }
}

/** The row of a new run. */
function runRow(args: EnrollArgs, key: string, link: string, origin: Origin | undefined) {
  const { rule, record } = args
  return {
    ruleId: rule.rule.id,
    ruleVersion: rule.version,
    entity: rule.rule.entity,
    recordId: record['id'] as string,
    enrollmentKey: key,
    trigger: args.trigger,
    anchor: args.anchor ?? null,
    status: 'running',
    depth: origin ? origin.depth + 1 : 0,
    pc: 0,
    chain: [...(origin?.chain ?? []), link].slice(-100),
  }
}

/** The first step job of a new run (new, so it needs no deduplication key). */
function firstJob(runId: string, tx: CrmServices): JobSpec {
  return { name: STEP_JOB, payload: { runId, pc: 0, tenantId: tx.tenantId } }
}

/** Enrollment keys per look-up in {@link enrollMany}: well under a list's largest page. */
const KEYS_PER_READ = 500

/**
 * Enrolls many records inside `tx`, as {@link enroll} does for each of them in order (the same loop guard, keys and
 * outcomes, a key met twice in the batch enrolled once), with a constant number of statements for the batch: one
 * look-up of the enrollment keys per {@link KEYS_PER_READ}, one multi-row insert of the runs and one of their first
 * jobs (the outbox). Rules with a re-enrollment policy or a rate limit (and forced runs) count their runs per record,
 * so their items go through {@link enroll} one by one.
 */
export async function enrollMany(
  rt: EngineRuntime,
  tx: CrmServices,
  items: readonly EnrollArgs[],
): Promise<({ runId: string } | { skipped: EnrollSkip })[]> {
  const outcomes: ({ runId: string } | { skipped: EnrollSkip } | undefined)[] = []
  const origin = rt.origin.getStore()
  const now = rt.clock()
  const pending: { index: number; args: EnrollArgs; key: string; link: string }[] = []
  const lookUp: string[] = []
  const claimed = new Set<string>()
  for (const [index, args] of items.entries()) {
    if (args.force || args.rule.options.reEnroll || args.rule.options.maxRunsPerRecord) {
      outcomes[index] = await enroll(rt, tx, args)
      continue
    }
    const link = `${args.rule.rule.id}:${args.record['id'] as string}`
    const guard = loopGuard(rt, origin, link)
    const { key, taken } = enrollmentKey(args, link, now)
    if (guard || claimed.has(key)) {
      outcomes[index] = { skipped: guard ?? 'already-enrolled' }
      continue
    }
    claimed.add(key)
    if (taken) lookUp.push(key)
    pending.push({ index, args, key, link })
  }
  const held = new Set<string>()
  const runs = tx.entity<RunRow>('automationRun')
  for (let i = 0; i < lookUp.length; i += KEYS_PER_READ) {
    const chunk = lookUp.slice(i, i + KEYS_PER_READ)
    const page = await runs.list({
      where: { field: 'enrollmentKey', op: 'in', value: chunk },
      limit: chunk.length,
    })
    for (const run of page.items) held.add(run.enrollmentKey)
  }
  const fresh = pending.filter((p) => {
    if (!held.has(p.key)) return true
    outcomes[p.index] = { skipped: 'already-enrolled' }
    return false
  })
  if (fresh.length > 0) {
    const created = await runs.createMany(fresh.map((p) => runRow(p.args, p.key, p.link, origin)))
    await enqueueAll(
      rt.queue,
      created.map((run) => firstJob(run.id, tx)),
      { tx },
    )
    for (const [i, p] of fresh.entries()) outcomes[p.index] = { runId: created[i]!.id }
  }
  return outcomes as ({ runId: string } | { skipped: EnrollSkip })[]
}
