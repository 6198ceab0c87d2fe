/**
 * RFM (recency, frequency, monetary) analysis: per-customer summaries as of a date, quantile scoring with a
 * selectable tie rule, and segment maps (the 11-segment 125-code map, the 10-segment R/F map, or your own, checked to
 * be a partition).
 *
 * @example
 * ```ts
 * import { rfmAnalysis } from '@rapport/analytics/rfm'
 *
 * const { customers, segments } = rfmAnalysis(
 *   [
 *     { customerId: 'c1', at: '2026-01-03', amount: 40 },
 *     { customerId: 'c2', at: '2026-02-20', amount: 15 },
 *   ],
 *   { asOf: '2026-03-01' },
 * )
 * ```
 *
 * @module
 */
export type { RfmSegmentedRow, RfmSegmentSize } from './assign-segments.js'
export { assignRfmSegments, rfmSegmentSizes } from './assign-segments.js'
export { RF_SEGMENTS_10, RFM_SEGMENTS_11 } from './built-in-segment-maps.js'
export type { EntityId } from './compare-ids.js'
export type { QuantileScoreOptions, RfmTieRule } from './quantile-scores.js'
export { quantileScores } from './quantile-scores.js'
export type { RfmAnalysis, RfmAnalysisOptions } from './rfm-analysis.js'
export { rfmAnalysis } from './rfm-analysis.js'
export type { RfmMonetaryBasis, RfmScoredRow, RfmScoreOptions } from './rfm-scores.js'
export { rfmScores } from './rfm-scores.js'
export type {
  RfmFrequencyMode,
  RfmRecencyMode,
  RfmSummaryOptions,
  RfmSummaryRow,
  RfmTransaction,
} from './rfm-summary.js'
export { rfmSummary } from './rfm-summary.js'
export type {
  RfmDuplicateCode,
  RfmInvalidCode,
  RfmSegmentDefinition,
  RfmSegmentDimensions,
  RfmSegmentMap,
  RfmSegmentMapIssues,
} from './segment-map.js'
export { allRfmCodes, checkRfmSegmentMap, defineRfmSegmentMap, expandRfmCodePattern } from './segment-map.js'
export type { TimeInput } from './to-epoch-ms.js'
