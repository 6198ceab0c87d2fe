import type { CrmServices } from '@rapport/core'
import { writeState } from '../assignment/assign-owner.js'
import type { RunRow } from './engine-runtime.js'
import { STEP_JOB } from './engine-runtime.js'
import type { EngineState } from './engine-state.js'
import { ruleOf } from './rule-registry.js'
import { ensureLoaded } from './run-steps.js'

/**
 * Pauses a rule (persisted, so other processes and restarts see it) and waits until none of its steps is executing
 * in this process.
 */
export async function pauseRule(state: EngineState, crm: CrmServices, ruleId: string): Promise<void> {
  const rt = state.rt
  ruleOf(state, ruleId)
  await ensureLoaded(rt, crm)
  rt.paused.add(ruleId)
  await writeState(crm, `paused:${ruleId}`, { paused: true })
  await Promise.all([...(rt.inFlight.get(ruleId) ?? [])])
}

/** Resumes a rule and re-queues each paused run at the step where it stopped (one transaction per run). */
export async function resumeRule(state: EngineState, crm: CrmServices, ruleId: string): Promise<void> {
  const rt = state.rt
  ruleOf(state, ruleId)
  await ensureLoaded(rt, crm)
  rt.paused.delete(ruleId)
  await writeState(crm, `paused:${ruleId}`, { paused: false })
  for await (const run of crm.entity<RunRow>('automationRun').iterate({
    where: {
      and: [
        { field: 'ruleId', op: 'eq', value: ruleId },
        { field: 'status', op: 'eq', value: 'paused' },
      ],
    },
  })) {
    await crm.transaction(async (tx) => {
      await tx.entity<RunRow>('automationRun').update(run.id, { status: 'running' })
      await rt.queue.enqueue(
        {
          name: STEP_JOB,
          payload: { runId: run.id, pc: run.pc, tenantId: tx.tenantId },
          key: `${run.id}:${run.pc}:resume:${run.version}`,
        },
        { tx },
      )
    })
  }
}
