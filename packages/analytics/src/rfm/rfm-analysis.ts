import { checkOptions } from '../validation/input-checks.js'
import type { RfmSegmentedRow, RfmSegmentSize } from './assign-segments.js'
import { assignRfmSegments, rfmSegmentSizes } from './assign-segments.js'
import { RFM_SEGMENTS_11 } from './built-in-segment-maps.js'
import type { RfmScoreOptions } from './rfm-scores.js'
import { RFM_SCORE_OPTIONS, rfmScores } from './rfm-scores.js'
import type { RfmSummaryOptions, RfmTransaction } from './rfm-summary.js'
import { RFM_SUMMARY_OPTIONS, rfmSummary } from './rfm-summary.js'
import type { RfmSegmentMap } from './segment-map.js'
import { defineRfmSegmentMap } from './segment-map.js'

/** Options of {@link rfmAnalysis}: the summary options, the score options and the segment map. */
export interface RfmAnalysisOptions extends RfmSummaryOptions, RfmScoreOptions {
  /** Segment map; default {@link RFM_SEGMENTS_11}. Its `bins` must match `bins` (default 5). */
  readonly segmentMap?: RfmSegmentMap
}

/** Result of {@link rfmAnalysis}. */
export interface RfmAnalysis {
  /** One row per customer: summary, scores and segment, sorted by customer id. */
  readonly customers: readonly RfmSegmentedRow[]
  /** Customers per segment, in the map's order. */
  readonly segments: readonly RfmSegmentSize[]
}

/**
 * The whole RFM pipeline in one call: {@link rfmSummary} → {@link rfmScores} → {@link assignRfmSegments}.
 *
 * @throws `AnalyticsError` as those three do, and `INVALID_INPUT` for an unknown option or `bins` that differ from
 * the segment map's.
 *
 * @example
 * ```ts
 * import { rfmAnalysis, RF_SEGMENTS_10 } from '@rapport/analytics/rfm'
 *
 * const { customers, segments } = rfmAnalysis(orders, { asOf: '2026-03-01', segmentMap: RF_SEGMENTS_10 })
 * console.table(segments)
 * ```
 */
export function rfmAnalysis(
  transactions: readonly RfmTransaction[],
  options: RfmAnalysisOptions,
): RfmAnalysis {
  checkOptions(options, 'options', [...RFM_SUMMARY_OPTIONS, ...RFM_SCORE_OPTIONS, 'segmentMap'], {
    required: true,
  })
  const map = defineRfmSegmentMap(options.segmentMap ?? RFM_SEGMENTS_11)
  const pick = <K extends keyof RfmAnalysisOptions>(keys: readonly K[]) =>
    Object.fromEntries(keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]))
  const summary = rfmSummary(transactions, pick(RFM_SUMMARY_OPTIONS) as unknown as RfmSummaryOptions)
  const scored = rfmScores(summary, {
    ...(pick(RFM_SCORE_OPTIONS) as RfmScoreOptions),
    bins: options.bins ?? map.bins,
  })
  const customers = assignRfmSegments(scored, map)
  return { customers, segments: rfmSegmentSizes(customers, map) }
}
