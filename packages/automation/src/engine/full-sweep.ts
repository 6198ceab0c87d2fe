import type { CrmServices } from '@rapport/core'
import { sweepPool } from '../pool/public-pool.js'
import { deliverReminders } from '../reminders/task-reminders.js'
import { rescore } from '../scoring/lead-scoring.js'
import type { SweepReport } from '../time/sweep.js'
import { sweep } from '../time/sweep.js'
import { EMIT_JOB } from './engine-runtime.js'
import type { EngineState } from './engine-state.js'
import { ensureLoaded } from './run-steps.js'

/**
 * One sweep of everything time drives: time triggers, lead-score decay (one transaction per scored record, threshold
 * events queued in it), pool reclaims and due task reminders (`task.reminder_due`).
 */
export async function fullSweep(state: EngineState, services: CrmServices): Promise<SweepReport> {
  const rt = state.rt
  await ensureLoaded(rt, services)
  const report = await sweep(rt, services.tenantId)
  const now = rt.clock()
  for (const compiled of state.scoring.values()) {
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
          await rt.queue.enqueue(
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
  for (const compiled of state.pools.values()) {
    for (const e of await sweepPool(services, compiled, now)) rt.events.emit(e.event, e.payload)
  }
  await deliverReminders(rt, services, now)
  return report
}
