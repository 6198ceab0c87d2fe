import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { bgNbd, fitBgNbd } from './bg-nbd.js'
import { minimizeBfgs, minimizeNelderMead, numericGradient } from './optimize.js'
import { simulateBgNbd } from './simulate.js'

/** Data with no evidence of dropout: every repeat customer bought at the very end. */
function noDropoutData() {
  const data = []
  for (let i = 0; i < 200; i++)
    data.push({ frequency: 1 + (i % 7), recency: 20 + (i % 10), T: 20 + (i % 10) })
  for (let i = 0; i < 100; i++) data.push({ frequency: 0, recency: 0, T: 25 })
  return data
}

describe('fit convergence reporting', () => {
  it('recovers simulated parameters and reports convergence at the optimum', () => {
    const truth = { r: 0.5, alpha: 5, a: 1.2, b: 3 }
    const data = simulateBgNbd(truth, { customers: 20_000, T: (i) => 30 + (i % 10), seed: 11 })
    const m = fitBgNbd(data)
    expect(m.converged).toBe(true)
    expect(m.report.gradientNorm).toBeLessThan(1e-5)
    expect(m.report.message).toMatch(/^converged/)
    expect(m.params.r).toBeCloseTo(truth.r, 1)
    expect(m.params.alpha / truth.alpha).toBeCloseTo(1, 0)
    // The fitted LL is at least as good as the truth's.
    expect(m.logLikelihood).toBeGreaterThanOrEqual(bgNbd(truth).logLikelihoodOf(data))
  })

  it('flags a parameter running off to 0 / ∞ instead of claiming convergence', () => {
    const m = fitBgNbd(noDropoutData(), { maxRestarts: 0 })
    expect(m.converged).toBe(false)
    expect(m.report.message).toMatch(/drifted/)
    expect(Number.isFinite(m.logLikelihood)).toBe(true)
    expect(() => fitBgNbd(noDropoutData(), { requireConvergence: true, maxRestarts: 0 })).toThrow(
      expect.objectContaining({ code: 'FIT_FAILED' }),
    )
  })

  it('an L2 penalizer shrinks the parameters; the reported LL excludes the penalty', () => {
    const data = cdnowSummary()
    const plain = fitBgNbd(data)
    const penalized = fitBgNbd(data, { penalizer: 0.1 })
    expect(penalized.converged).toBe(true)
    expect(penalized.params.b).toBeLessThan(plain.params.b)
    expect(penalized.logLikelihood).toBeLessThan(plain.logLikelihood)
    expect(penalized.logLikelihood).toBeCloseTo(bgNbd(penalized.params).logLikelihoodOf(data), 8)
  })

  it('the same seed gives the same simulation', () => {
    const p = { r: 0.3, alpha: 4, a: 0.8, b: 2.5 }
    expect(simulateBgNbd(p, { customers: 50, T: 10, seed: 3 })).toEqual(
      simulateBgNbd(p, { customers: 50, T: 10, seed: 3 }),
    )
  })
})

describe('optimisers', () => {
  const rosenbrock = (x: readonly number[]) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2

  it('BFGS and Nelder–Mead find the Rosenbrock minimum', () => {
    const b = minimizeBfgs(rosenbrock, numericGradient(rosenbrock), [-1.2, 1])
    expect(b.x[0]).toBeCloseTo(1, 5)
    expect(b.x[1]).toBeCloseTo(1, 5)
    const n = minimizeNelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5000 })
    expect(n.converged).toBe(true)
    expect(n.x[0]).toBeCloseTo(1, 4)
  })

  it('BFGS reports a non-finite start instead of looping', () => {
    const r = minimizeBfgs(
      () => Number.NaN,
      numericGradient(() => Number.NaN),
      [0, 0],
    )
    expect(r.converged).toBe(false)
    expect(r.message).toMatch(/not finite/)
  })
})
