import { AnalyticsError } from '../clv/analytics-error.js'
import {
  checkArray,
  checkEnum,
  checkNumber,
  checkObject,
  checkOptions,
  checkString,
} from '../validation/input-checks.js'

const DIMENSIONS = ['rfm', 'rf'] as const

/** Which scores a segment map's codes spell: `'rfm'` = R, F and M digits (`'545'`), `'rf'` = R and F only (`'54'`). */
export type RfmSegmentDimensions = 'rfm' | 'rf'

/** One named segment of a map and the score codes it covers. */
export interface RfmSegmentDefinition {
  /** Segment name, e.g. `'Champions'`. */
  readonly name: string
  /**
   * Codes covered, e.g. `'555'`. A code may use character classes per position, as in the regex maps that circulate:
   * `'[1-2][3-4]'` covers 13, 14, 23 and 24; `'5[45]'` covers 54 and 55.
   */
  readonly codes: readonly string[]
}

/** A segment map: every score code of the given dimensions and bin count must be covered by exactly one segment. */
export interface RfmSegmentMap {
  /** Which scores the codes spell. */
  readonly dimensions: RfmSegmentDimensions
  /** The number of score levels per dimension (2–9; 5 for quintiles). */
  readonly bins: number
  /** The segments, in display order. */
  readonly segments: readonly RfmSegmentDefinition[]
}

/** A code covered by more than one segment. */
export interface RfmDuplicateCode {
  /** The code, e.g. `'445'`. */
  readonly code: string
  /** Every segment that covers it. */
  readonly segments: readonly string[]
}

/** A code (or pattern) that is not a valid code for the map's dimensions and bins. */
export interface RfmInvalidCode {
  /** The offending code or pattern as written. */
  readonly code: string
  /** The segment that lists it. */
  readonly segment: string
}

/** What {@link checkRfmSegmentMap} found; a map is a partition when all three lists are empty. */
export interface RfmSegmentMapIssues {
  /** Codes no segment covers, sorted. */
  readonly uncovered: readonly string[]
  /** Codes more than one segment covers, sorted by code. */
  readonly duplicated: readonly RfmDuplicateCode[]
  /** Malformed or out-of-range codes. */
  readonly invalid: readonly RfmInvalidCode[]
}

/**
 * Every code of a map's dimensions and bins, in ascending order (`'111'` … `'555'`).
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for unknown dimensions or bins outside 2–9.
 *
 * @example
 * ```ts
 * allRfmCodes('rf', 2) // ['11', '12', '21', '22']
 * ```
 */
export function allRfmCodes(dimensions: RfmSegmentDimensions, bins: number): string[] {
  checkEnum(dimensions, 'dimensions', DIMENSIONS)
  checkBins(bins)
  const width = dimensions === 'rfm' ? 3 : 2
  let codes = ['']
  for (let d = 0; d < width; d++) {
    const next: string[] = []
    for (const prefix of codes) for (let s = 1; s <= bins; s++) next.push(prefix + s)
    codes = next
  }
  return codes
}

/**
 * Expands a code pattern (digits and `[..]` classes with ranges, e.g. `'[1-2]5'`) into the codes it covers, or
 * returns `null` when the pattern string is malformed or has the wrong width (that is an answer, not an error).
 *
 * @throws `AnalyticsError` `INVALID_INPUT` when `pattern` is not a string, `width` is not 2 or 3, or `bins` is not
 * in 2–9.
 *
 * @example
 * ```ts
 * expandRfmCodePattern('[1-2]5', 2, 5) // ['15', '25']
 * expandRfmCodePattern('6', 2, 5)      // null
 * ```
 */
export function expandRfmCodePattern(pattern: string, width: number, bins: number): string[] | null {
  checkString(pattern, 'pattern', true)
  checkNumber(width, 'width', { min: 2, max: 3, integer: true })
  checkBins(bins)
  return expandPattern(pattern, width, bins)
}

/** {@link expandRfmCodePattern} without the argument checks, for callers that validated the map. @internal */
export function expandPattern(pattern: string, width: number, bins: number): string[] | null {
  const positions: string[][] = []
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === '[') {
      const close = pattern.indexOf(']', i)
      if (close < 0) return null
      const body = pattern.slice(i + 1, close)
      const digits = new Set<string>()
      for (let j = 0; j < body.length; j++) {
        const c = body[j]!
        if (body[j + 1] === '-' && j + 2 < body.length) {
          const from = Number(c)
          const to = Number(body[j + 2])
          if (!isScore(c, bins) || !isScore(body[j + 2]!, bins) || from > to) return null
          for (let s = from; s <= to; s++) digits.add(String(s))
          j += 2
        } else if (isScore(c, bins)) digits.add(c)
        else return null
      }
      if (digits.size === 0) return null
      positions.push([...digits].sort())
      i = close + 1
    } else if (isScore(ch, bins)) {
      positions.push([ch])
      i++
    } else return null
  }
  if (positions.length !== width) return null
  let codes = ['']
  for (const options of positions) codes = codes.flatMap((prefix) => options.map((d) => prefix + d))
  return codes
}

/**
 * Checks that a segment map is a partition of all score codes: every code covered exactly once, nothing malformed.
 * Returns the issues instead of throwing; see {@link defineRfmSegmentMap} for the throwing variant.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` when the map is not shaped like an {@link RfmSegmentMap} at all (unknown
 * dimensions, bins outside 2–9, segments without a name or codes, a segment name used twice).
 *
 * @example
 * ```ts
 * const issues = checkRfmSegmentMap({ dimensions: 'rf', bins: 2, segments: [{ name: 'A', codes: ['1[1-2]', '21'] }] })
 * // { uncovered: ['22'], duplicated: [], invalid: [] }
 * ```
 */
export function checkRfmSegmentMap(map: RfmSegmentMap): RfmSegmentMapIssues {
  checkMapShape(map)
  const width = map.dimensions === 'rfm' ? 3 : 2
  const coveredBy = new Map<string, string[]>()
  const invalid: RfmInvalidCode[] = []
  for (const segment of map.segments) {
    for (const pattern of segment.codes) {
      const codes = expandPattern(pattern, width, map.bins)
      if (!codes) {
        invalid.push({ code: pattern, segment: segment.name })
        continue
      }
      for (const code of codes) {
        const list = coveredBy.get(code)
        if (list) list.push(segment.name)
        else coveredBy.set(code, [segment.name])
      }
    }
  }
  const uncovered = allRfmCodes(map.dimensions, map.bins).filter((c) => !coveredBy.has(c))
  const duplicated = [...coveredBy.entries()]
    .filter(([, segments]) => segments.length > 1)
    .map(([code, segments]) => ({ code, segments }))
    .sort((a, b) => (a.code < b.code ? -1 : 1))
  return { uncovered, duplicated, invalid }
}

/**
 * Validates a custom segment map and returns it: every score code must be covered by exactly one segment.
 *
 * @throws `AnalyticsError` `SEGMENT_MAP_NOT_PARTITION` whose message names the uncovered, doubly covered and invalid
 * codes and whose `details` holds the {@link RfmSegmentMapIssues}; `INVALID_INPUT` for bins outside 2–9.
 *
 * @example
 * ```ts
 * const map = defineRfmSegmentMap({
 *   dimensions: 'rf',
 *   bins: 3,
 *   segments: [
 *     { name: 'Active', codes: ['3[1-3]', '2[2-3]'] },
 *     { name: 'Cooling', codes: ['21', '1[2-3]'] },
 *     { name: 'Gone', codes: ['11'] },
 *   ],
 * })
 * ```
 */
export function defineRfmSegmentMap(map: RfmSegmentMap): RfmSegmentMap {
  const issues = checkRfmSegmentMap(map)
  const { uncovered, duplicated, invalid } = issues
  if (uncovered.length > 0 || duplicated.length > 0 || invalid.length > 0) {
    const parts: string[] = []
    if (uncovered.length > 0) parts.push(`uncovered codes: ${uncovered.join(', ')}`)
    if (duplicated.length > 0) {
      parts.push(
        `codes covered more than once: ${duplicated.map((d) => `${d.code} (${d.segments.join(', ')})`).join(', ')}`,
      )
    }
    if (invalid.length > 0)
      parts.push(`invalid codes: ${invalid.map((d) => `${d.code} (${d.segment})`).join(', ')}`)
    throw new AnalyticsError(
      'SEGMENT_MAP_NOT_PARTITION',
      `segment map is not a partition; ${parts.join('; ')}`,
      {
        uncovered,
        duplicated,
        invalid,
      },
    )
  }
  return map
}

function isScore(ch: string, bins: number): boolean {
  return ch.length === 1 && ch >= '1' && ch <= '9' && Number(ch) <= bins
}

function checkBins(bins: unknown, what = 'bins'): void {
  checkNumber(bins, what, { min: 2, max: 9, integer: true })
}

/** The structure of a map (before the partition check). */
function checkMapShape(map: RfmSegmentMap): void {
  checkOptions(checkObject(map, 'map'), 'map', ['dimensions', 'bins', 'segments'], { required: true })
  checkEnum(map.dimensions, 'map.dimensions', DIMENSIONS)
  checkBins(map.bins, 'map.bins')
  const names = new Set<string>()
  checkArray<RfmSegmentDefinition>(map.segments, 'map.segments', { nonEmpty: true }).forEach((segment, i) => {
    const at = `map.segments[${i}]`
    checkOptions(checkObject(segment, at), at, ['name', 'codes'], { required: true })
    const name = checkString(segment.name, `${at}.name`)
    if (names.has(name)) {
      throw new AnalyticsError('INVALID_INPUT', `segment name ${JSON.stringify(name)} is used twice`, {
        field: `${at}.name`,
        value: name,
      })
    }
    names.add(name)
    checkArray<string>(segment.codes, `${at}.codes`).forEach((code, j) => {
      checkString(code, `${at}.codes[${j}]`)
    })
  })
}
