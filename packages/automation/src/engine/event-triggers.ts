import { createHash } from 'node:crypto'
import type { CrmServices } from '@rapport/core'
import { isPlainObject } from '../conditions/condition-paths.js'
import { EVENT_BODY } from '../conditions/field-catalog.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { EngineRuntime } from './engine-runtime.js'
import type { EnrollArgs } from './enroll.js'
import { enrollMany } from './enroll.js'
import { readRecords } from './read-records.js'
import { ensureLoaded } from './run-steps.js'

/** The longest enrollment anchor the run log stores; longer idempotency keys are hashed. */
const MAX_ANCHOR = 100

/** Whether any registered rule listens to the custom event `type` (cheap: checked for every queued event). */
export function listensTo(rt: EngineRuntime, type: string): boolean {
  for (const rule of rt.rules.values()) {
    if (rule.rule.trigger.type === 'event' && rule.rule.trigger.event === type) return true
  }
  return false
}

function anchorOf(payload: Readonly<Record<string, unknown>>): string | undefined {
  const key = payload['idempotencyKey']
  if (typeof key !== 'string' || key.length === 0) return undefined
  return key.length <= MAX_ANCHOR ? key : createHash('sha256').update(key).digest('hex')
}

/** A custom event queued in a unit of work. */
export interface CustomEvent {
  readonly type: string
  readonly payload: unknown
}

/**
 * Enrolls the record an event names in every rule triggered by that event whose conditions hold on the record with
 * the payload as `body`. Runs inside `tx`, the transaction that queued the event (or the one `emitEvent` opens), so
 * enrollment commits or rolls back with it. A payload that is not an object, names no record of the rule's entity,
 * or names a record the engine cannot see (deleted, outside its actor's access) enrolls nothing.
 *
 * @returns The number of runs started.
 */
export function dispatchCustomEvent(
  rt: EngineRuntime,
  tx: CrmServices,
  type: string,
  payload: unknown,
): Promise<number> {
  return dispatchCustomEvents(rt, tx, [{ type, payload }])
}

/**
 * {@link dispatchCustomEvent} for every event of `events` (a unit of work's queue, e.g. a segment sweep's page of
 * `segment.entered`), in order, with a constant number of statements for the batch: the records the events name are
 * read with one list per entity ({@link readRecords}), and the matching enrollments are written
 * together ({@link enrollMany}). Each event is judged on its own, exactly as one at a time.
 *
 * @returns The number of runs started.
 */
export async function dispatchCustomEvents(
  rt: EngineRuntime,
  tx: CrmServices,
  events: readonly CustomEvent[],
): Promise<number> {
  const origin = rt.origin.getStore()
  const candidates: { rule: CompiledRule; recordId: string; payload: Record<string, unknown> }[] = []
  let loaded = false
  for (const { type, payload } of events) {
    if (!isPlainObject(payload)) continue
    for (const rule of rt.rules.values()) {
      const trigger = rule.rule.trigger
      if (trigger.type !== 'event' || trigger.event !== type) continue
      if (!loaded) {
        await ensureLoaded(rt, tx)
        loaded = true
      }
      if (!rule.options.enabled || rt.paused.has(rule.rule.id)) continue
      if (origin && !rule.options.triggerOnAutomationWrites) continue
      const recordId = payload[trigger.recordIdFrom ?? 'recordId']
      if (typeof recordId !== 'string') continue
      // `{ entity, recordId }` (what emitEvent and core-style payloads carry) names a record of that entity only.
      const entity = payload['entity']
      if (trigger.recordIdFrom === undefined && typeof entity === 'string' && entity !== rule.rule.entity)
        continue
      candidates.push({ rule, recordId, payload })
    }
  }
  if (candidates.length === 0) return 0
  const records = await readRecords(
    tx,
    candidates.map((c) => ({ entity: c.rule.rule.entity, id: c.recordId })),
  )
  const now = rt.clock()
  const items: EnrollArgs[] = []
  for (const { rule, recordId, payload } of candidates) {
    const record = records.get(rule.rule.entity)?.get(recordId)
    if (!record) continue
    const snapshot = { record: { ...record, [EVENT_BODY]: payload }, before: null, now }
    if (rule.conditions && !rule.conditions.test(snapshot)) continue
    const anchor = anchorOf(payload)
    items.push({ rule, record, trigger: 'event', ...(anchor === undefined ? {} : { anchor }) })
  }
  const outcomes = await enrollMany(rt, tx, items)
  return outcomes.filter((o) => 'runId' in o).length
}
