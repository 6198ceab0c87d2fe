import type { CrmServices } from '@rapport/core'
import { durationMs } from '../conditions/shift-date.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { EngineRuntime, RunRow } from './engine-runtime.js'
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
  if (origin) {
    if (origin.depth + 1 > rt.maxDepth) return { skipped: 'loop-depth' }
    if (origin.chain.includes(link)) return { skipped: 'loop-chain' }
  }
  const runs = tx.entity<RunRow>('automationRun')
  const now = rt.clock()
  let key: string
  // Whether a run may already hold the key: not when it carries a fresh UUID, nor when it is the plain link of a
  // record this very write created (args.created); then the look-up is answered without a statement.
  let taken = false
  if (args.anchor !== undefined) key = `${link}:${args.anchor}`
  else if (args.force || rule.options.reEnroll) key = `${link}:${now.toISOString()}:${crypto.randomUUID()}`
  else {
    key = link
    taken = !args.created
  }
  if (args.anchor !== undefined || taken) {
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
  const run = await runs.create({
    ruleId: rule.rule.id,
    ruleVersion: rule.version,
    entity: rule.rule.entity,
    recordId,
    enrollmentKey: key,
    trigger: args.trigger,
    anchor: args.anchor ?? null,
    status: 'running',
    depth: origin ? origin.depth + 1 : 0,
    pc: 0,
    chain: [...(origin?.chain ?? []), link].slice(-100),
  })
  // The run is new, so its first job needs no deduplication key.
  await rt.queue.enqueue({ name: STEP_JOB, payload: { runId: run.id, pc: 0, tenantId: tx.tenantId } }, { tx })
  return { runId: run.id }
}
