import { describe, expect, it } from 'vitest'
import { defaultPersonRule, findDuplicatePairs } from '../src/index.js'
import type { FebrlRecord } from './febrl.js'
import { accuracy, readFebrl, truePairCount } from './febrl.js'

/**
 * Accuracy of the default person rule on FEBRL (synthetic persons © ANU, ANUOS 1.3; fixtures/febrl/NOTICE.md).
 * The threshold is tuned on FEBRL 3 (deduplication) and reported on FEBRL 4 (linkage of 4a against 4b), as the
 * issue asks: pair completeness ≥ 0.99 and F1 ≥ 0.98.
 */
const everyPair = { ...defaultPersonRule, threshold: 0 }

function scored(records: readonly FebrlRecord[]) {
  return findDuplicatePairs(everyPair, records, (r) => r, { includeNonDuplicates: true })
}

describe('the default person rule on FEBRL', () => {
  it('FEBRL 3: blocking keeps ≥ 0.99 of the true pairs, and the best-F1 threshold is the default one', () => {
    const records = readFebrl('dataset3')
    const truth = truePairCount(records)
    const { pairs, candidates } = scored(records)
    const completeness = accuracy(pairs, truth).recall
    let best = { threshold: 0, f1: 0 }
    for (let t = 50; t <= 80; t++) {
      const f1 = accuracy(
        pairs.filter((p) => p.score >= t / 100),
        truth,
      ).f1
      if (f1 > best.f1) best = { threshold: t / 100, f1 }
    }
    const atDefault = accuracy(
      pairs.filter((p) => p.score >= defaultPersonRule.threshold),
      truth,
    )
    console.info(
      `[febrl3] ${records.length} records, ${truth} true pairs, ${candidates} candidates ` +
        `(reduction ${(1 - candidates / ((records.length * (records.length - 1)) / 2)).toFixed(5)}), ` +
        `PC ${completeness.toFixed(4)}, best F1 ${best.f1.toFixed(4)} at ${best.threshold}, ` +
        `default ${defaultPersonRule.threshold}: P ${atDefault.precision.toFixed(4)} R ${atDefault.recall.toFixed(4)} F1 ${atDefault.f1.toFixed(4)}`,
    )
    expect(completeness).toBeGreaterThanOrEqual(0.99)
    expect(Math.abs(best.threshold - defaultPersonRule.threshold)).toBeLessThanOrEqual(0.02)
    expect(atDefault.f1).toBeGreaterThanOrEqual(0.975)
  })

  it('FEBRL 4 (reported, not tuned): pair completeness ≥ 0.99 and F1 ≥ 0.98 at the default threshold', () => {
    const a = readFebrl('dataset4a')
    const b = readFebrl('dataset4b')
    const { pairs, candidates } = scored([...a, ...b])
    // A linkage task: only pairs across the two files count.
    const cross = pairs.filter((p) => p.a.recId.includes('-org') !== p.b.recId.includes('-org'))
    const completeness = accuracy(cross, a.length).recall
    const result = accuracy(
      cross.filter((p) => p.score >= defaultPersonRule.threshold),
      a.length,
    )
    console.info(
      `[febrl4] ${a.length}+${b.length} records, ${candidates} candidates, PC ${completeness.toFixed(4)}, ` +
        `P ${result.precision.toFixed(4)} R ${result.recall.toFixed(4)} F1 ${result.f1.toFixed(4)}`,
    )
    expect(completeness).toBeGreaterThanOrEqual(0.99)
    expect(result.f1).toBeGreaterThanOrEqual(0.98)
  })
})
