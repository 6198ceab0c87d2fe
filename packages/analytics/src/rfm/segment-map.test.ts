import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AnalyticsError, isAnalyticsError } from '../clv/analytics-error.js'
import { assignRfmSegments } from './assign-segments.js'
import { RF_SEGMENTS_10, RFM_SEGMENTS_11 } from './built-in-segment-maps.js'
import type { RfmScoredRow } from './rfm-scores.js'
import { rfmScores } from './rfm-scores.js'
import type { RfmSegmentMap } from './segment-map.js'
import { allRfmCodes, checkRfmSegmentMap, defineRfmSegmentMap, expandRfmCodePattern } from './segment-map.js'

function thrown(fn: () => unknown): AnalyticsError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AnalyticsError) return err
    throw err
  }
  throw new Error('expected a throw')
}

describe('segment maps', () => {
  it('ships two partitions: 11 segments over 125 codes and 10 segments over 25 R/F codes', () => {
    expect(checkRfmSegmentMap(RFM_SEGMENTS_11)).toEqual({ uncovered: [], duplicated: [], invalid: [] })
    expect(checkRfmSegmentMap(RF_SEGMENTS_10)).toEqual({ uncovered: [], duplicated: [], invalid: [] })
    expect(RFM_SEGMENTS_11.segments).toHaveLength(11)
    expect(RFM_SEGMENTS_11.segments.reduce((s, seg) => s + seg.codes.length, 0)).toBe(125)
    expect(RF_SEGMENTS_10.segments).toHaveLength(10)
    expect(allRfmCodes('rfm', 5)).toHaveLength(125)
    expect(allRfmCodes('rf', 5)).toHaveLength(25)
  })

  it('expands regex-style classes', () => {
    expect(expandRfmCodePattern('[1-2][3-4]', 2, 5)).toEqual(['13', '14', '23', '24'])
    expect(expandRfmCodePattern('5[45]', 2, 5)).toEqual(['54', '55'])
    expect(expandRfmCodePattern('5[4-6]', 2, 5)).toBeNull() // 6 is out of range for quintiles
    expect(expandRfmCodePattern('55', 3, 5)).toBeNull()
    expect(expandRfmCodePattern('[1-2', 2, 5)).toBeNull()
  })

  it('any assignment of each code to one segment is a partition; dropping or repeating a code is named', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('rf' as const, 'rfm' as const),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.nat()),
        fc.nat(),
        (bins, dimensions, segmentCount, picks, victim) => {
          const codes = allRfmCodes(dimensions, bins)
          const names = Array.from({ length: segmentCount }, (_, i) => `S${i}`)
          const buckets = names.map(() => [] as string[])
          const it = picks[Symbol.iterator]()
          for (const code of codes) buckets[it.next().value % segmentCount]!.push(code)
          const map: RfmSegmentMap = {
            dimensions,
            bins,
            segments: names.map((name, i) => ({ name, codes: buckets[i]! })),
          }
          expect(defineRfmSegmentMap(map)).toBe(map)

          const missing = codes[victim % codes.length]!
          const dropped = {
            ...map,
            segments: map.segments.map((s) => ({ ...s, codes: s.codes.filter((c) => c !== missing) })),
          }
          const e1 = thrown(() => defineRfmSegmentMap(dropped))
          expect(e1.code).toBe('SEGMENT_MAP_NOT_PARTITION')
          expect(e1.details['uncovered']).toEqual([missing])
          expect(e1.message).toContain(missing)

          const doubled = { ...map, segments: [...map.segments, { name: 'Extra', codes: [missing] }] }
          const e2 = thrown(() => defineRfmSegmentMap(doubled))
          expect(e2.details['uncovered']).toEqual([])
          expect(e2.details['duplicated']).toEqual([
            { code: missing, segments: [map.segments.find((s) => s.codes.includes(missing))!.name, 'Extra'] },
          ])
          expect(e2.message).toContain(`${missing} (`)
        },
      ),
    )
  })

  it('reports malformed codes and rejects unsupported bin counts', () => {
    const err = thrown(() =>
      defineRfmSegmentMap({
        dimensions: 'rf',
        bins: 2,
        segments: [{ name: 'All', codes: ['[1-2][1-2]', '13'] }],
      }),
    )
    expect(err.details['invalid']).toEqual([{ code: '13', segment: 'All' }])
    expect(
      isAnalyticsError(
        thrown(() => allRfmCodes('rf', 10)),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })

  it('assigns by the rf or rfm code, and refuses rows scored with other bins', () => {
    const row = { customerId: 1, r: 5, f: 5, m: 1, code: '551', rfCode: '55', bins: 5 } as RfmScoredRow
    expect(assignRfmSegments([row], RF_SEGMENTS_10)[0]!.segment).toBe('Champions')
    expect(assignRfmSegments([row], RFM_SEGMENTS_11)[0]!.segment).toBe('Potential Loyalist')
    const seven = { ...row, r: 7, code: '751', rfCode: '75' }
    expect(
      isAnalyticsError(
        thrown(() => assignRfmSegments([seven], RF_SEGMENTS_10)),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })

  it('refuses scores whose bins do not match the map, even when every code exists in it (the docs say it throws)', () => {
    // Tercile scores look like valid quintile codes ('333' is in the 125-code map): the row's bins give it away.
    const terciles = rfmScores(
      [
        {
          customerId: 'a',
          recency: 1,
          frequency: 9,
          monetarySum: 90,
          monetaryMean: 10,
          tenure: 50,
          firstAt: 0,
          lastAt: 0,
        },
        {
          customerId: 'b',
          recency: 20,
          frequency: 3,
          monetarySum: 30,
          monetaryMean: 10,
          tenure: 50,
          firstAt: 0,
          lastAt: 0,
        },
        {
          customerId: 'c',
          recency: 40,
          frequency: 1,
          monetarySum: 10,
          monetaryMean: 10,
          tenure: 50,
          firstAt: 0,
          lastAt: 0,
        },
      ],
      { bins: 3 },
    )
    expect(terciles.map((t) => t.code)).toEqual(['333', '222', '111'])
    const err = thrown(() => assignRfmSegments(terciles, RFM_SEGMENTS_11)) as AnalyticsError
    expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
    expect(err.message).toMatch(/scored with 3 bins, but the segment map has 5/)
    // and a code that does not match its scores is malformed
    const forged = { ...terciles[0]!, bins: 5, code: '555' }
    expect(
      isAnalyticsError(
        thrown(() => assignRfmSegments([forged], RFM_SEGMENTS_11)),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })

  it('uses one name per segment across both built-in maps (the published display names)', () => {
    const names11 = new Set(RFM_SEGMENTS_11.segments.map((s) => s.name))
    for (const { name } of RF_SEGMENTS_10.segments) expect(names11.has(name)).toBe(true)
    expect(RF_SEGMENTS_10.segments.find((s) => s.codes.includes('[1-2]5'))!.name).toBe("Can't Lose Them")
    expect(RF_SEGMENTS_10.segments.find((s) => s.codes.includes('[4-5][2-3]'))!.name).toBe(
      'Potential Loyalist',
    )
  })
})
