import type { CrmServices } from '@rapport/core'
import type { RunRow, StepRow } from './engine-runtime.js'

/** One run of the execution log, with its steps. */
export interface RunLog extends RunRow {
  readonly steps: readonly StepRow[]
}

/** The execution log: runs newest first (at most `limit`, default 100), each with its steps in program order. */
export async function readRunLog(
  crm: CrmServices,
  filter: { readonly ruleId?: string; readonly recordId?: string; readonly limit?: number },
): Promise<RunLog[]> {
  const where = [
    ...(filter.ruleId ? [{ field: 'ruleId', op: 'eq' as const, value: filter.ruleId }] : []),
    ...(filter.recordId ? [{ field: 'recordId', op: 'eq' as const, value: filter.recordId }] : []),
  ]
  const page = await crm.entity<RunRow>('automationRun').list({
    where: { and: where },
    orderBy: [{ field: 'createdAt', direction: 'desc' }],
    limit: filter.limit ?? 100,
  })
  const out: RunLog[] = []
  for (const run of page.items) {
    const steps: StepRow[] = []
    for await (const step of crm.entity<StepRow>('automationStep').iterate({
      where: { field: 'runId', op: 'eq', value: run.id },
      orderBy: [{ field: 'pc', direction: 'asc' }],
    })) {
      steps.push(step)
    }
    out.push({ ...run, steps })
  }
  return out
}
