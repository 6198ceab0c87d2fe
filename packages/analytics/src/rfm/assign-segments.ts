import { AnalyticsError } from '../clv/analytics-error.js'
import type { RfmScoredRow } from './rfm-scores.js'
import type { RfmSegmentMap } from './segment-map.js'
import { defineRfmSegmentMap, expandRfmCodePattern } from './segment-map.js'

/** An {@link RfmScoredRow} with its segment name. */
export interface RfmSegmentedRow extends RfmScoredRow {
  /** The segment whose codes include this row's code. */
  readonly segment: string
}

/** Size of one segment, see {@link rfmSegmentSizes}. */
export interface RfmSegmentSize {
  /** Segment name. */
  readonly segment: string
  /** Number of customers in it. */
  readonly count: number
  /** `count / total` (0 when there are no customers). */
  readonly share: number
}

/**
 * Puts every scored row into its segment. The map is validated first (see {@link defineRfmSegmentMap}).
 *
 * @throws `AnalyticsError` `SEGMENT_MAP_NOT_PARTITION` for a bad map, `INVALID_INPUT` when a row was scored with a
 * different number of bins than the map expects.
 *
 * @example
 * ```ts
 * import { assignRfmSegments, RFM_SEGMENTS_11, rfmScores, rfmSummary } from '@rapport/analytics/rfm'
 *
 * const rows = assignRfmSegments(rfmScores(rfmSummary(transactions, { asOf: new Date() })), RFM_SEGMENTS_11)
 * rows.filter((row) => row.segment === 'At Risk')
 * ```
 */
export function assignRfmSegments(rows: readonly RfmScoredRow[], map: RfmSegmentMap): RfmSegmentedRow[] {
  defineRfmSegmentMap(map)
  const width = map.dimensions === 'rfm' ? 3 : 2
  const lookup = new Map<string, string>()
  for (const segment of map.segments) {
    for (const pattern of segment.codes) {
      for (const code of expandRfmCodePattern(pattern, width, map.bins)!) lookup.set(code, segment.name)
    }
  }
  return rows.map((row, index) => {
    const code = map.dimensions === 'rfm' ? row.code : row.rfCode
    const segment = lookup.get(code)
    if (segment === undefined) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `row ${index} has code ${code}, which the ${map.bins}-bin segment map does not know; score with bins: ${map.bins}`,
        { index, code, bins: map.bins },
      )
    }
    return { ...row, segment }
  })
}

/**
 * Counts customers per segment, in the map's segment order (empty segments included with count 0).
 *
 * @example
 * ```ts
 * rfmSegmentSizes(assignRfmSegments(scored, RF_SEGMENTS_10), RF_SEGMENTS_10)
 * // [{ segment: 'Hibernating', count: 846, share: 0.359 }, ...]
 * ```
 */
export function rfmSegmentSizes(rows: readonly RfmSegmentedRow[], map: RfmSegmentMap): RfmSegmentSize[] {
  const counts = new Map<string, number>(map.segments.map((s) => [s.name, 0]))
  for (const row of rows) counts.set(row.segment, (counts.get(row.segment) ?? 0) + 1)
  const total = rows.length
  return [...counts.entries()].map(([segment, count]) => ({
    segment,
    count,
    share: total === 0 ? 0 : count / total,
  }))
}
