/**
 * Pipeline analytics over plain arrays of deals and stage-history entries: funnel conversion, win rate and sales
 * cycle, time in stage and stalled deals, a weighted forecast by period and forecast category, conversion by lead
 * source, and cohort retention tables.
 *
 * @example
 * ```ts
 * import { funnelConversion, stalledDeals, weightedForecast } from '@rapport/analytics/pipeline'
 *
 * const funnel = funnelConversion(deals, history, { stages: ['lead', 'qualified', 'proposal'] })
 * const stuck = stalledDeals(deals, history, { asOf: new Date() })
 * const forecast = weightedForecast(deals, { period: 'quarter' })
 * ```
 *
 * @module
 */
export type { CalendarPeriod } from './calendar-period.js'
export type { CohortOrder, CohortRetentionOptions, CohortRow } from './cohort-retention.js'
export { cohortRetention } from './cohort-retention.js'
export type { ConversionBySourceOptions, SourceConversion } from './conversion-by-source.js'
export { conversionBySource } from './conversion-by-source.js'
export type { FunnelOptions, FunnelResult, FunnelStep } from './funnel-conversion.js'
export { funnelConversion } from './funnel-conversion.js'
export type { DealStatus, ForecastCategory, PipelineDeal, StageHistoryEntry } from './pipeline-types.js'
export { FORECAST_CATEGORIES } from './pipeline-types.js'
export type {
  StageDurationStats,
  StageStint,
  StageStintOptions,
  StalledDeal,
  StalledDealOptions,
} from './time-in-stage.js'
export { stageDurationStats, stageStints, stalledDeals } from './time-in-stage.js'
export type {
  ForecastCell,
  ForecastPeriodRow,
  WeightedForecast,
  WeightedForecastOptions,
} from './weighted-forecast.js'
export { weightedForecast } from './weighted-forecast.js'
export type { WinRateOptions, WinRateResult } from './win-rate.js'
export { winRate } from './win-rate.js'
