import type { HookContext } from '@rapport/core/plugin'
import type { RecordSnapshot } from '../conditions/condition-types.js'
import type { RecordEventKind } from '../rules/rule-types.js'
import { bookkeepingIn } from './engine-runtime.js'
import type { EngineState } from './engine-state.js'
import type { EnrollArgs } from './enroll.js'
import { enrollMany } from './enroll.js'
import { ensureLoaded } from './run-steps.js'

/** One record a write created or changed, with what it was before and the fields that changed (updates). */
export interface RecordChange {
  readonly record: Record<string, unknown>
  readonly before: Record<string, unknown> | null
  readonly changes: readonly string[] | null
}

/**
 * Enrolls the record in every record-triggered rule of this entity and event whose trigger, watch list, loop guard
 * and conditions let it in (with `entry: 'edge'`, only when the conditions did not already hold before). Runs in the
 * write's transaction, so enrollment commits or rolls back with the write.
 */
export function dispatchRecordEvent(
  state: EngineState,
  kind: RecordEventKind,
  record: Record<string, unknown>,
  before: Record<string, unknown> | null,
  changes: readonly string[] | null,
  ctx: HookContext,
): Promise<void> {
  return dispatchRecordEvents(state, kind, [{ record, before, changes }], ctx)
}

/**
 * {@link dispatchRecordEvent} for every record of one write (a `createMany`'s or `updateMany`'s batch, from the
 * `afterMany` hooks), in order: each record is judged on its own, and the enrollments are written together
 * ({@link enrollMany}: one look-up of their keys, one insert of the runs and one of their first jobs).
 */
export async function dispatchRecordEvents(
  state: EngineState,
  kind: RecordEventKind,
  writes: readonly RecordChange[],
  ctx: HookContext,
): Promise<void> {
  const rt = state.rt
  const candidates = state.index.get(`${ctx.entity}:${kind}`)
  if (!candidates || writes.length === 0) return
  const services = bookkeepingIn(rt, ctx)
  await ensureLoaded(rt, services)
  const now = rt.clock()
  const origin = rt.origin.getStore()
  const items: EnrollArgs[] = []
  for (const { record, before, changes } of writes) {
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
      // A record created by this write can only have been enrolled earlier in it by an `updated` dispatch.
      const created = kind === 'created' && trigger.type === 'record' && !trigger.events.includes('updated')
      items.push({ rule, record, trigger: kind, ...(created ? { created } : {}) })
    }
  }
  if (items.length > 0) await enrollMany(rt, services, items)
}
