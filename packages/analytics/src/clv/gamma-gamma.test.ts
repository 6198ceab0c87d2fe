import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { fitGammaGamma, gammaGamma } from './gamma-gamma.js'

const cdnow = cdnowSummary()

describe('Gamma-Gamma', () => {
  it('reproduces the single-customer density (note 025; not btyd’s int8-overflowed 862.9432)', () => {
    const m = gammaGamma({ p: 6.25, q: 3.74, gamma: 15.44 })
    expect(m.logLikelihoodOf([{ frequency: 50, monetaryValue: 38 }])).toBeCloseTo(-4.170214, 5)
    expect(m.logLikelihoodOf(cdnow)).toBeCloseTo(-4055.9247, 3)
  })

  const m = fitGammaGamma(cdnow)

  it('fits the 946 CDNOW repeat customers (one-time buyers are skipped)', () => {
    expect(m.converged).toBe(true)
    expect(m.params.p).toBeCloseTo(6.25, 2)
    expect(m.params.q).toBeCloseTo(3.74, 2)
    expect(m.params.gamma).toBeCloseTo(15.44, 1)
    expect(Math.abs(m.logLikelihood - -4055.9232)).toBeLessThan(1e-3)
    const repeaters = cdnow.filter((c) => c.frequency > 0)
    expect(repeaters).toHaveLength(946)
    expect(m.logLikelihoodOf(repeaters)).toBeCloseTo(m.logLikelihood, 8)
  })

  it('reproduces the published conditional expected spend', () => {
    const expected = [
      24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408,
    ]
    cdnow.slice(0, 9).forEach((c, i) => {
      expect(m.expectedSpend(c)).toBeCloseTo(expected[i]!, 1)
    })
    const mean = cdnow.reduce((s, c) => s + m.expectedSpend(c), 0) / cdnow.length
    expect(mean).toBeCloseTo(35.2529588256, 3)
  })

  it('is invariant to the currency unit', () => {
    const cents = fitGammaGamma(cdnow.map((c) => ({ ...c, monetaryValue: c.monetaryValue * 100 })))
    expect(cents.params.gamma / m.params.gamma).toBeCloseTo(100, 3)
    expect(cents.params.p).toBeCloseTo(m.params.p, 4)
  })

  it('rejects a non-positive spend for a repeat customer and q ≤ 1 means', () => {
    expect(() => fitGammaGamma([{ frequency: 2, monetaryValue: 0 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
    expect(() =>
      gammaGamma({ p: 1, q: 0.9, gamma: 1 }).expectedSpend({ frequency: 0, monetaryValue: 0 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }))
  })
})
