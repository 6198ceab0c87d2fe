import type { FunnelResult, WeightedForecast, WinRateResult } from '@rapport/analytics/pipeline'
import { funnelConversion, weightedForecast, winRate } from '@rapport/analytics/pipeline'
import type { CrmServices } from '@rapport/core'
import type { Pipeline } from '@rapport/core/entities'
import { analysed } from './analysed.js'
import { loadPipelineDeals } from './deal-analytics-input.js'

/** What {@link pipelineSummary} returns. */
export interface PipelineSummary {
  readonly pipeline: { readonly id: string; readonly name: string; readonly stages: Pipeline['stages'] }
  /** Deals read (at most `MAX_ANALYTICS_DEALS`). */
  readonly deals: number
  /** More deals exist than were read. */
  readonly truncated: boolean
  readonly funnel: FunnelResult
  readonly winRate: WinRateResult
  readonly forecast: WeightedForecast
}

/**
 * Funnel conversion over the pipeline's open stages, win rate and the weighted forecast of one deal pipeline, read
 * with the caller's services (so their access scope applies). Amounts are in minor units.
 *
 * @example
 * ```ts
 * const summary = await pipelineSummary(crm.scoped({ actor }), pipelineId, 'quarter')
 * summary.forecast.periods[0]?.weighted
 * ```
 */
export async function pipelineSummary(
  crm: CrmServices,
  pipelineId: string,
  period: 'month' | 'quarter' = 'month',
): Promise<PipelineSummary> {
  const pipeline = (await crm.pipelines.get(pipelineId)) as Pipeline
  const { deals, history, truncated } = await loadPipelineDeals(crm, pipeline)
  const openStages = pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id)
  const result = await analysed('Pipeline analytics', () => ({
    funnel: funnelConversion(deals, history, { stages: openStages }),
    winRate: winRate(deals),
    forecast: weightedForecast(deals, { period }),
  }))
  return {
    pipeline: { id: pipeline.id, name: pipeline.name, stages: pipeline.stages },
    deals: deals.length,
    truncated,
    ...result,
  }
}
