import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { churnProbability, contractualChurnProbability, retentionCurve } from '../../src/churn/index.js'
import { bgNbd, fitShiftedBetaGeometric, mbgNbd } from '../../src/clv/index.js'

/** x, t_x, T (weeks) of the 2,357 CDNOW customers, from the fixture the clv tests use. */
function cdnowSummary(): { frequency: number; recency: number; T: number }[] {
  const file = fileURLToPath(
    new URL('../fixtures/cdnow/cdnow_customers_summary_with_transactions.csv', import.meta.url),
  )
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const [, x, tx, T] = line.split(',').map(Number)
      return { frequency: x!, recency: tx!, T: T! }
    })
}

describe('churn with the /clv models (structural typing, no import cycle)', () => {
  const customers = cdnowSummary()
  // published CDNOW parameters (Fader, Hardie & Lee 2005; lifetimes' MBG/NBD test)
  const bg = bgNbd({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })
  const mbg = mbgNbd({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 })

  it('non-contractual churn is 1 − P(alive); BG/NBD calls every one-time buyer alive, MBG/NBD does not', () => {
    for (const c of customers.slice(0, 200)) {
      expect(churnProbability(bg, c)).toBeCloseTo(1 - bg.probabilityAlive(c), 14)
      expect(churnProbability(mbg, c)).toBeCloseTo(1 - mbg.probabilityAlive(c), 14)
    }
    const oneTimers = customers.filter((c) => c.frequency === 0)
    expect(oneTimers.length).toBe(1411)
    expect(oneTimers.every((c) => churnProbability(bg, c) === 0)).toBe(true)
    expect(oneTimers.every((c) => churnProbability(mbg, c) > 0)).toBe(true)
    // customer 1516 of the BTYD walkthrough: P(alive) 0.9688523 → churn ≈ 0.031
    expect(churnProbability(bg, { frequency: 26, recency: 30.85714, T: 31 })).toBeCloseTo(1 - 0.96885, 3)
  })

  it('contractual churn from a fitted sBG: next-renewal churn equals 1 − r(t+1) and falls with tenure', () => {
    // Fader & Hardie (2007) "Regular" cohort: % alive at years 0..7
    const model = fitShiftedBetaGeometric([1000, 631, 468, 382, 326, 289, 262, 241])
    expect(model.params.alpha).toBeCloseTo(0.704, 2)
    expect(model.params.beta).toBeCloseTo(1.182, 2)
    const risks = [0, 1, 2, 3, 4, 5].map((tenure) => contractualChurnProbability(model, { tenure }))
    for (const [tenure, risk] of risks.entries())
      expect(risk).toBeCloseTo(1 - model.retentionRate(tenure + 1), 12)
    for (let i = 1; i < risks.length; i++) expect(risks[i]!).toBeLessThan(risks[i - 1]!)
    expect(retentionCurve(model, 7).map((r) => r.toFixed(10))).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((t) => model.retentionRate(t).toFixed(10)),
    )
  })
})
