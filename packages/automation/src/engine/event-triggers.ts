import { createHash } from 'node:crypto'
import type { CrmServices } from '@rapport/core'
import { isPlainObject } from '../conditions/condition-paths.js'
import { EVENT_BODY } from '../conditions/field-catalog.js'
import type { CompiledRule } from '../rules/compile-rule.js'
import type { EngineRuntime } from './engine-runtime.js'
import { enroll } from './enroll.js'
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

/**
 * Enrolls the record an event names in every rule triggered by that event whose conditions hold on the record with
 * the payload as `body`. Runs inside `tx`, the transaction that queued the event (or the one `emitEvent` opens), so
 * enrollment commits or rolls back with it. A payload that is not an object, names no record of the rule's entity,
 * or names a record the engine cannot see (deleted, outside its actor's access) enrolls nothing.
 *
 * @returns The number of runs started.
 */
export async function dispatchCustomEvent(
  rt: EngineRuntime,
  tx: CrmServices,
  type: string,
  payload: unknown,
): Promise<number> {
  const rules: CompiledRule[] = []
  for (const rule of rt.rules.values()) {
    if (rule.rule.trigger.type === 'event' && rule.rule.trigger.event === type) rules.push(rule)
  }
  if (rules.length === 0 || !isPlainObject(payload)) return 0
  await ensureLoaded(rt, tx)
  const origin = rt.origin.getStore()
  const now = rt.clock()
  const anchor = anchorOf(payload)
  let started = 0
  for (const rule of rules) {
    const trigger = rule.rule.trigger
    if (trigger.type !== 'event' || !rule.options.enabled || rt.paused.has(rule.rule.id)) continue
    if (origin && !rule.options.triggerOnAutomationWrites) continue
    const recordId = payload[trigger.recordIdFrom ?? 'recordId']
    if (typeof recordId !== 'string') continue
    // `{ entity, recordId }` (what emitEvent and core-style payloads carry) names a record of that entity only.
    const entity = payload['entity']
    if (trigger.recordIdFrom === undefined && typeof entity === 'string' && entity !== rule.rule.entity)
      continue
    const record = (await tx.entity(rule.rule.entity).find(recordId)) as Record<string, unknown> | null
    if (!record) continue
    const snapshot = { record: { ...record, [EVENT_BODY]: payload }, before: null, now }
    if (rule.conditions && !rule.conditions.test(snapshot)) continue
    const outcome = await enroll(rt, tx, {
      rule,
      record,
      trigger: 'event',
      ...(anchor === undefined ? {} : { anchor }),
    })
    if ('runId' in outcome) started++
  }
  return started
}
