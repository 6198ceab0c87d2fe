import { describe, expect, it } from 'vitest'
import { sbgRetention } from '../../test/clv/cdnow.js'
import { fitShiftedBetaGeometric, shiftedBetaGeometric } from './shifted-beta-geometric.js'

const curves = sbgRetention()
const counts = (pct: number[]) => pct.map((p) => Math.round(p * 10))

describe('shifted-beta-geometric (Fader & Hardie 2007)', () => {
  it('fits the Regular cohort to α 0.704, β 1.182', () => {
    const m = fitShiftedBetaGeometric(counts(curves.regular))
    expect(m.converged).toBe(true)
    expect(m.params.alpha).toBeCloseTo(0.704, 3)
    expect(m.params.beta).toBeCloseTo(1.182, 3)
    expect(m.logLikelihood).toBeCloseTo(-1680.2652, 3)
  })

  it('fits the High End cohort to α 0.668, β 3.806', () => {
    const m = fitShiftedBetaGeometric(counts(curves.highEnd))
    expect(m.params.alpha).toBeCloseTo(0.668, 3)
    expect(m.params.beta).toBeCloseTo(3.806, 2)
    expect(m.logLikelihood).toBeCloseTo(-1611.1581, 3)
  })

  it('survival, churn and retention are consistent', () => {
    const m = shiftedBetaGeometric({ alpha: 0.704, beta: 1.182 })
    expect(m.survival(0)).toBe(1)
    let s = 1
    for (let t = 1; t < 50; t++) {
      s -= m.churnProbability(t)
      expect(m.survival(t)).toBeCloseTo(s, 12)
      expect(m.survival(t) / m.survival(t - 1)).toBeCloseTo(m.retentionRate(t), 12)
    }
    expect(m.expectedLifetime()).toBe(Number.POSITIVE_INFINITY)
    expect(shiftedBetaGeometric({ alpha: 3, beta: 2 }).expectedLifetime()).toBeCloseTo(2, 12)
    expect(Number.isFinite(m.survival(1e7))).toBe(true)
  })

  it('rejects invalid survivor curves', () => {
    for (const bad of [[], [100], [100, 120], [0, 0], [100, -1], [100, Number.NaN]]) {
      expect(() => fitShiftedBetaGeometric(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    }
  })
})
