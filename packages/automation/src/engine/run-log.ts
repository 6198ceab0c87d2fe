import type { CrmServices } from '@rapport/core'
import type { Page } from '@rapport/core/services'
import type { RunRow, StepRow } from './engine-runtime.js'

/** One run of the execution log, with its steps. */
export interface RunLog extends RunRow {
  readonly steps: readonly StepRow[]
}

/** Which runs `engine.log()` returns, and which page. */
export interface RunLogQuery {
  readonly ruleId?: string
  readonly recordId?: string
  /** Page size, as for `list()` (default 100, at most 1,000). */
  readonly limit?: number
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | null
}

function whereOf(filter: RunLogQuery) {
  return {
    and: [
      ...(filter.ruleId ? [{ field: 'ruleId', op: 'eq' as const, value: filter.ruleId }] : []),
      ...(filter.recordId ? [{ field: 'recordId', op: 'eq' as const, value: filter.recordId }] : []),
    ],
  }
}

async function withSteps(crm: CrmServices, run: RunRow): Promise<RunLog> {
  const steps: StepRow[] = []
  for await (const step of crm.entity<StepRow>('automationStep').iterate({
    where: { field: 'runId', op: 'eq', value: run.id },
    orderBy: [{ field: 'pc', direction: 'asc' }],
  })) {
    steps.push(step)
  }
  return { ...run, steps }
}

/**
 * One page of the execution log: runs newest first, each with its steps in program order. Paged by core's keyset
 * cursor, exactly like `list()` (same limit bound, same `nextCursor`/`hasMore`).
 */
export async function readRunLog(crm: CrmServices, filter: RunLogQuery): Promise<Page<RunLog>> {
  const page = await crm.entity<RunRow>('automationRun').list({
    where: whereOf(filter),
    orderBy: [{ field: 'createdAt', direction: 'desc' }],
    limit: filter.limit ?? 100,
    cursor: filter.cursor ?? null,
  })
  const items: RunLog[] = []
  for (const run of page.items) items.push(await withSteps(crm, run))
  return { items, nextCursor: page.nextCursor, hasMore: page.hasMore }
}

/** Every run of the log (newest first), page by page through core's `iterate` (`limit` is the page size). */
export async function* iterateRunLog(
  crm: CrmServices,
  filter: Omit<RunLogQuery, 'cursor'>,
): AsyncGenerator<RunLog, void, undefined> {
  for await (const run of crm.entity<RunRow>('automationRun').iterate({
    where: whereOf(filter),
    orderBy: [{ field: 'createdAt', direction: 'desc' }],
    ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
  })) {
    yield await withSteps(crm, run)
  }
}
