import { describe, expect, it } from 'vitest'
import { assignRfmSegments } from '../rfm/assign-segments.js'
import { RFM_SEGMENTS_11 } from '../rfm/built-in-segment-maps.js'
import { rfmScores } from '../rfm/rfm-scores.js'
import { isAnalyticsError } from './analytics-error.js'
import { fitBgNbd } from './bg-nbd.js'
import { fitGammaGamma } from './gamma-gamma.js'
import { fitMbgNbd } from './mbg-nbd.js'
import { fitParetoNbd } from './pareto-nbd.js'

const rows = [
  { customerId: 'c1', frequency: 2, recency: 20, T: 30, monetaryValue: 10 },
  { customerId: 'c2', frequency: 0, recency: 0, T: 25, monetaryValue: 0 },
  { customerId: 'c3', frequency: 5, recency: 28, T: 30, monetaryValue: 12 },
]
const duplicated = [...rows, { ...rows[0]! }]

function duplicateError(run: () => unknown) {
  try {
    run()
  } catch (error) {
    return isAnalyticsError(error) ? { code: error.code, details: error.details } : error
  }
  return 'accepted'
}

describe('duplicate customer ids are refused, not counted twice', () => {
  it.each([
    ['fitBgNbd', () => fitBgNbd(duplicated as never, { maxIterations: 5 })],
    ['fitMbgNbd', () => fitMbgNbd(duplicated as never, { maxIterations: 5 })],
    ['fitParetoNbd', () => fitParetoNbd(duplicated as never, { maxIterations: 5 })],
    ['fitGammaGamma', () => fitGammaGamma(duplicated as never, { maxIterations: 5 })],
  ])('%s: DUPLICATE_ID naming the id and both rows', (_name, run) => {
    expect(duplicateError(run)).toEqual({
      code: 'DUPLICATE_ID',
      details: { id: 'c1', indexes: [0, 3] },
    })
  })

  it('rows without ids, or with distinct ids, are accepted as before', () => {
    const anonymous = duplicated.map(({ customerId: _, ...rest }) => rest)
    expect(fitBgNbd(anonymous, { maxIterations: 5 }).params).toBeDefined()
    expect(fitBgNbd(rows, { maxIterations: 5 }).params).toBeDefined()
  })

  it('assignRfmSegments refuses a scored row repeated (segment counts would count it twice)', () => {
    const scored = rfmScores(
      [1, 2, 3, 4, 5].map((i) => ({
        customerId: `c${i}`,
        recency: i * 10,
        frequency: i,
        monetarySum: i * 100,
        monetaryMean: 100,
        tenure: 60,
        firstAt: 0,
        lastAt: i * 1000,
      })),
    )
    expect(assignRfmSegments(scored, RFM_SEGMENTS_11)).toHaveLength(5)
    expect(duplicateError(() => assignRfmSegments([...scored, scored[2]!], RFM_SEGMENTS_11))).toEqual({
      code: 'DUPLICATE_ID',
      details: { id: 'c3', indexes: [2, 5] },
    })
  })
})
