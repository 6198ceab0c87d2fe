import { describe, expect, it } from 'vitest'
import { cohortRetention } from '../../src/pipeline/index.js'
import { loadCdnowSample } from '../rfm/load-cdnow.js'

describe('cohort retention on CDNOW', () => {
  it('finds the three Q1-1997 acquisition cohorts and their 18-month retention', () => {
    const orders = loadCdnowSample()
    const rows = cohortRetention(orders)
    // the sample is 1/10 of the customers who first bought in Q1 1997; data runs to June 1998
    expect(rows.map((r) => r.cohort)).toEqual(['1997-01', '1997-02', '1997-03'])
    expect(rows.reduce((s, r) => s + r.size, 0)).toBe(2357)
    expect(rows.map((r) => r.active.length)).toEqual([18, 17, 16])
    for (const r of rows) {
      expect(r.retention[0]).toBe(1)
      // the classic CDNOW pattern: a sharp drop after the first month, then a long flat tail
      expect(r.retention[1]!).toBeLessThan(0.25)
      expect(r.retention.at(-1)!).toBeGreaterThan(0.03)
    }
  })
})
