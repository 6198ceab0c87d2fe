import { AnalyticsError } from '../clv/analytics-error.js'
import {
  checkArray,
  checkDistinctCustomerIds,
  checkNumber,
  checkObject,
  checkString,
} from '../validation/input-checks.js'
import type { RfmScoredRow } from './rfm-scores.js'
import type { RfmSegmentMap } from './segment-map.js'
import { defineRfmSegmentMap, expandPattern } from './segment-map.js'

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
 * Puts every scored row into its segment. The map is validated first (see {@link defineRfmSegmentMap}), and every
 * row must have been scored with the map's number of bins (`row.bins`, which {@link rfmScores} sets): quintile scores
 * in a tercile map, or tercile scores in a quintile map, are refused rather than silently looked up.
 *
 * @throws `AnalyticsError` `SEGMENT_MAP_NOT_PARTITION` for a bad map, `INVALID_INPUT` when a row was scored with a
 * different number of bins than the map expects, or its scores are not integers in 1…bins matching its codes;
 * `DUPLICATE_ID` when a `customerId` repeats (it would be counted twice in every segment count).
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
  checkArray(rows, 'rows')
  checkDistinctCustomerIds(rows, 'rows')
  const width = map.dimensions === 'rfm' ? 3 : 2
  const lookup = new Map<string, string>()
  for (const segment of map.segments) {
    for (const pattern of segment.codes) {
      for (const code of expandPattern(pattern, width, map.bins)!) lookup.set(code, segment.name)
    }
  }
  return rows.map((row, index) => {
    const at = `rows[${index}]`
    checkObject(row, at, { index })
    if (row.bins !== map.bins) {
      checkNumber(row.bins, `${at}.bins`, { min: 1, integer: true }, { index })
      throw new AnalyticsError(
        'INVALID_INPUT',
        `${at} was scored with ${row.bins} bins, but the segment map has ${map.bins}; score with bins: ${map.bins}`,
        { index, field: `${at}.bins`, value: row.bins, bins: map.bins },
      )
    }
    const scores = [row.r, row.f, row.m]
      .slice(0, width)
      .map((v, k) => checkNumber(v, `${at}.${'rfm'[k]}`, { min: 1, max: map.bins, integer: true }, { index }))
    const code = map.dimensions === 'rfm' ? row.code : row.rfCode
    const expected = scores.join('')
    if (checkString(code, `${at}.${map.dimensions === 'rfm' ? 'code' : 'rfCode'}`) !== expected) {
      throw new AnalyticsError('INVALID_INPUT', `${at} has code ${code}, but its scores spell ${expected}`, {
        index,
        code,
        expected,
      })
    }
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
 * @throws `AnalyticsError` `INVALID_INPUT` for a row whose segment the map does not have, and as
 * {@link defineRfmSegmentMap} for a bad map.
 *
 * @example
 * ```ts
 * rfmSegmentSizes(assignRfmSegments(scored, RF_SEGMENTS_10), RF_SEGMENTS_10)
 * // [{ segment: 'Hibernating', count: 846, share: 0.359 }, ...]
 * ```
 */
export function rfmSegmentSizes(rows: readonly RfmSegmentedRow[], map: RfmSegmentMap): RfmSegmentSize[] {
  defineRfmSegmentMap(map)
  checkArray(rows, 'rows')
  const counts = new Map<string, number>(map.segments.map((s) => [s.name, 0]))
  rows.forEach((row, index) => {
    checkObject(row, `rows[${index}]`, { index })
    const count = counts.get(row.segment)
    if (count === undefined) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `rows[${index}].segment ${JSON.stringify(String(row.segment))} is not a segment of the map`,
        { index, field: `rows[${index}].segment`, value: String(row.segment) },
      )
    }
    counts.set(row.segment, count + 1)
  })
  const total = rows.length
  return [...counts.entries()].map(([segment, count]) => ({
    segment,
    count,
    share: total === 0 ? 0 : count / total,
  }))
}
