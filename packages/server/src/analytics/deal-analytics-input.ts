import type { PipelineDeal, StageHistoryEntry } from '@rapport/analytics/pipeline'
import type { CrmServices } from '@rapport/core'
import type { Deal, Pipeline } from '@rapport/core/entities'
import { toPipelineDeals } from '@rapport/core/services'

/** The most deals one analytics request reads; beyond it the answer says `truncated`. */
export const MAX_ANALYTICS_DEALS = 20_000

/**
 * Reads a pipeline's deals and stage history in the shape `@rapport/analytics/pipeline` takes. Amounts are in
 * minor units of the deal's currency, probabilities in 0–1.
 */
export async function loadPipelineDeals(
  crm: CrmServices,
  pipeline: Pipeline,
): Promise<{ deals: PipelineDeal[]; history: StageHistoryEntry[]; truncated: boolean }> {
  const deals: Deal[] = []
  let truncated = false
  for await (const deal of crm.deals.iterate({
    where: { field: 'pipelineId', op: 'eq', value: pipeline.id },
  }) as AsyncIterable<Deal>) {
    if (deals.length >= MAX_ANALYTICS_DEALS) {
      truncated = true
      break
    }
    deals.push(deal)
  }
  const rows = toPipelineDeals(deals, pipeline, { minorUnitsPerUnit: 1 })
  const ids = new Set(rows.map((d) => d.id))
  const history: StageHistoryEntry[] = []
  for await (const change of crm.entity('stageChange').iterate({
    where: {
      and: [
        { field: 'entityType', op: 'eq', value: 'deal' },
        { field: 'pipelineId', op: 'eq', value: pipeline.id },
      ],
    },
  })) {
    const recordId = change['recordId'] as string
    if (ids.has(recordId)) {
      history.push({
        dealId: recordId,
        stage: change['toStageId'] as string,
        enteredAt: change['at'] as Date,
      })
    }
  }
  return { deals: rows, history, truncated }
}
