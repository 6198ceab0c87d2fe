import type { Deal, Pipeline, StageChange } from '../entities/entity-types.js'
import type { forecastCategories, stageKinds } from '../entities/pipeline.js'
import { RapportError } from '../errors/rapport-error.js'
import { currencyMinorUnits } from './order-summaries.js'

type StageKind = (typeof stageKinds)[number]
type ForecastCategory = (typeof forecastCategories)[number]

/**
 * A deal as `@rapport/analytics/pipeline` takes it (`PipelineDeal`): structurally identical, declared here so core
 * needs no dependency on the analytics package. Probabilities are fractions in 0–1, amounts in currency units.
 */
export interface PipelineDealRow {
  /** The deal id. */
  readonly id: string
  /** `open`, `won` or `lost`: the kind of the deal's stage in its pipeline. */
  readonly status: StageKind
  /** The amount in currency units (0 when the deal has none). */
  readonly amount: number
  /** When the deal was created. */
  readonly createdAt: Date
  /** When it was won or lost. */
  readonly closedAt: Date | null
  /** The expected close date (`YYYY-MM-DD`). */
  readonly expectedCloseAt: string | null
  /** Core's 0–100 probability as a fraction in 0–1. */
  readonly probability: number | null
  /** The current stage; for a lost deal, the last open stage it reached (what lost-deal funnels count). */
  readonly stage: string
  /** Core's forecast category, in the vocabulary analytics shares (`best_case`). */
  readonly forecastCategory: ForecastCategory | null
}

/** One stage entry as `@rapport/analytics/pipeline` takes it (`StageHistoryEntry`). */
export interface StageHistoryRow {
  /** The deal. */
  readonly dealId: string
  /** The stage entered. */
  readonly stage: string
  /** When it was entered. */
  readonly enteredAt: Date
}

/** Options of {@link toPipelineDeals}. */
export interface PipelineDealMappingOptions {
  /**
   * The currency every amount must be in. Without it, all deals with an amount must share one currency. Amounts in
   * different currencies cannot be added, so a deal in another currency is refused rather than silently summed:
   * select the deals of one currency in the `where` you read them with.
   */
  readonly currency?: string
  /**
   * Minor units per currency unit, dividing every amount (default: the currency's ISO 4217 minor unit, e.g. 100 for
   * EUR, 1 for JPY). Pass 1 to keep minor units.
   */
  readonly minorUnitsPerUnit?: number
}

/**
 * Maps deals of one pipeline to the rows `@rapport/analytics/pipeline` takes (`funnelConversion`, `winRate`,
 * `weightedForecast`, …): the status comes from the stage's kind, core's 0–100 probability becomes a 0–1 fraction,
 * amounts become currency units, and a lost deal is placed at the last open stage it reached.
 *
 * Throws `VALIDATION_FAILED` for a deal outside the pipeline or a stage the pipeline does not have, and for amounts
 * in more than one currency (see {@link PipelineDealMappingOptions.currency}).
 *
 * @example
 * ```ts
 * import { winRate, weightedForecast } from '@rapport/analytics/pipeline'
 *
 * const pipeline = await crm.pipelines.get(pipelineId)
 * const deals = await Array.fromAsync(crm.deals.iterate({ where: { field: 'pipelineId', op: 'eq', value: pipelineId } }))
 * const rows = toPipelineDeals(deals, pipeline, { currency: 'EUR' })
 * const forecast = weightedForecast(rows, { period: 'quarter' })
 * ```
 */
export function toPipelineDeals(
  deals: readonly Deal[],
  pipeline: Pipeline,
  options: PipelineDealMappingOptions = {},
): PipelineDealRow[] {
  const kindOf = new Map(pipeline.stages.map((s) => [s.id, s.kind]))
  let currency = options.currency
  const rows = deals.map((deal, index): PipelineDealRow => {
    const kind = kindOf.get(deal.stageId)
    if (deal.pipelineId !== pipeline.id || kind === undefined) {
      throw new RapportError(
        'VALIDATION_FAILED',
        `deals[${index}] (${deal.id}) is not in pipeline ${pipeline.id} or its stage ${deal.stageId} is not one of its stages`,
        { details: { index, id: deal.id, pipelineId: deal.pipelineId, stageId: deal.stageId } },
      )
    }
    if (deal.amount) {
      currency ??= deal.amount.currency
      if (deal.amount.currency !== currency) {
        throw new RapportError(
          'VALIDATION_FAILED',
          `deals[${index}] (${deal.id}) is in ${deal.amount.currency}, not ${currency}: amounts in different currencies cannot be added; read one currency's deals at a time`,
          { details: { index, id: deal.id, currency: deal.amount.currency, expected: currency } },
        )
      }
    }
    return {
      id: deal.id,
      status: kind,
      amount: deal.amount?.amountMinor ?? 0,
      createdAt: deal.createdAt,
      closedAt: deal.closedAt ?? null,
      expectedCloseAt: deal.expectedCloseDate ?? null,
      probability: deal.probability == null ? null : deal.probability / 100,
      stage: kind === 'lost' ? (deal.lastOpenStageId ?? deal.stageId) : deal.stageId,
      forecastCategory: deal.forecastCategory ?? null,
    }
  })
  const scale = options.minorUnitsPerUnit ?? (currency === undefined ? 1 : currencyMinorUnits(currency))
  return scale === 1 ? rows : rows.map((row) => ({ ...row, amount: row.amount / scale }))
}

/**
 * Maps stage-history rows (`crm.deals.stageHistory()` or the `stageChange` entity) to the stage entries
 * `@rapport/analytics/pipeline` takes. Rows of other entity types (leads, tickets, contacts) are left out.
 *
 * @example
 * ```ts
 * const history = toStageHistoryEntries(await crm.deals.stageHistory(dealId))
 * const stints = stageStints(rows, history)
 * ```
 */
export function toStageHistoryEntries(
  changes: Iterable<Pick<StageChange, 'entityType' | 'recordId' | 'toStageId' | 'at'>>,
): StageHistoryRow[] {
  const rows: StageHistoryRow[] = []
  for (const change of changes) {
    if (change.entityType === 'deal') {
      rows.push({ dealId: change.recordId, stage: change.toStageId, enteredAt: change.at })
    }
  }
  return rows
}
