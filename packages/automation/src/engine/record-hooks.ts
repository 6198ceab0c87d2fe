import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { notePoolOwner } from '../pool/public-pool.js'
import { dropReminders, syncReminders } from '../reminders/task-reminders.js'
import { rescore } from '../scoring/lead-scoring.js'
import { CLOCKED, startClocks, touchClock } from './activity-clock.js'
import { bookkeepingIn, EMIT_JOB } from './engine-runtime.js'
import type { EngineState } from './engine-state.js'
import { dispatchRecordEvent, dispatchRecordEvents } from './record-triggers.js'

/**
 * Re-scores the record under every scoring model of its entity (queueing threshold events in the write's
 * transaction) and, when the owner changed, notes the new owner in the entity's pools.
 */
async function sideEffects(
  state: EngineState,
  record: Record<string, unknown>,
  ctx: HookContext,
  ownerChanged: boolean,
): Promise<void> {
  const now = state.rt.clock()
  const id = record['id'] as string
  for (const compiled of state.scoring.values()) {
    if (compiled.model.entity !== ctx.entity) continue
    const { crossed } = await rescore(bookkeepingIn(state.rt, ctx), compiled, record, id, now)
    for (const t of crossed) {
      await state.rt.queue.enqueue(
        {
          name: EMIT_JOB,
          payload: { event: t.event, data: { model: compiled.model.id, recordId: id, threshold: t.score } },
        },
        { tx: bookkeepingIn(state.rt, ctx) },
      )
    }
  }
  if (ownerChanged) {
    for (const { pool } of state.pools.values()) {
      if (pool.entity === ctx.entity)
        await notePoolOwner(
          bookkeepingIn(state.rt, ctx),
          pool,
          id,
          (record['ownerId'] as string | null) ?? null,
          now,
        )
    }
  }
}

/** Task fields a reminder's instant depends on. */
const REMINDER_FIELDS = new Set(['reminders', 'dueAt', 'status'])

/**
 * The hooks on each watched entity: per record (`after`), keep activity clocks, re-score and track pool owners; per
 * write (`afterMany`), enroll its records in matching record-triggered rules together (deletes: per record). All of
 * it runs inside the write's transaction.
 */
export function recordHooks(state: EngineState, watched: Iterable<string>): Record<string, EntityHooks> {
  const hooks: Record<string, EntityHooks> = {}
  for (const entity of watched) {
    hooks[entity] = {
      create: {
        after: async (record, ctx) => {
          if (entity === 'activity') {
            for (const target of (record['targets'] as { type: string; id: string }[] | null) ?? []) {
              if (CLOCKED.has(target.type))
                await touchClock(bookkeepingIn(state.rt, ctx), target.type, target.id, {
                  lastActivityAt: record['occurredAt'] as Date,
                })
            }
          }
          // A new task has no reminder rows yet: nothing to read.
          if (entity === 'task') await syncReminders(ctx.crm, record, true)
          await sideEffects(state, record, ctx, true)
        },
        // Once per create call with its every record (createMany is one call, not one write per record): a new
        // record has no clock yet, so the batch's clocks start in one write, then the batch enrolls in one.
        afterMany: async (records: readonly Record<string, unknown>[], ctx: HookContext) => {
          if (CLOCKED.has(entity)) await startClocks(bookkeepingIn(state.rt, ctx), entity, records)
          await dispatchRecordEvents(
            state,
            'created',
            records.map((record) => ({ record, before: null, changes: null })),
            ctx,
          )
        },
      },
      update: {
        after: async (record, ctx) => {
          if (entity === 'deal' && ctx.changes.includes('stageId')) {
            await touchClock(bookkeepingIn(state.rt, ctx), 'deal', record['id'] as string, {
              stageId: record['stageId'],
              stageEnteredAt: record['updatedAt'] as Date,
            })
          }
          if (entity === 'task' && ctx.changes.some((c) => REMINDER_FIELDS.has(c)))
            await syncReminders(ctx.crm, record)
          await sideEffects(state, record, ctx, ctx.changes.includes('ownerId'))
        },
        // Every record an update call changed (one for update, the batch for updateMany) enrolls in one write.
        afterMany: (updates, ctx) => dispatchRecordEvents(state, 'updated', updates, ctx),
      },
      delete: {
        after: async (record, ctx) => {
          if (entity === 'task') await dropReminders(ctx.crm, record['id'] as string)
          await dispatchRecordEvent(state, 'deleted', record, null, null, ctx)
        },
      },
    }
  }
  return hooks
}
