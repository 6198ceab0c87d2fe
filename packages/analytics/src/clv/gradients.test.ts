import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cdnowSummary } from '../../test/clv/cdnow.js'
import { bgNbdLogLikelihood } from './bg-nbd.js'
import type { CustomerColumns } from './customer-data.js'
import { toColumns } from './customer-data.js'
import { gammaGammaLogLikelihood, toSpendColumns } from './gamma-gamma.js'
import { mbgNbdLogLikelihood } from './mbg-nbd.js'
import { paretoLogLikelihood } from './pareto-nbd.js'

const sample = cdnowSummary().filter((_, i) => i % 11 === 0)
const columns = toColumns(sample)
const spend = toSpendColumns(sample)

type Ll = (p: readonly number[], d: CustomerColumns, grad?: number[]) => number

/** Central differences of ll with respect to log-parameters. */
function numeric(ll: (p: readonly number[]) => number, params: readonly number[]): number[] {
  return params.map((_, i) => {
    const h = 1e-6
    const up = params.map((v, k) => (k === i ? v * Math.exp(h) : v))
    const down = params.map((v, k) => (k === i ? v * Math.exp(-h) : v))
    return (ll(up) - ll(down)) / (2 * h)
  })
}

function expectGradient(ll: (p: readonly number[], grad?: number[]) => number, params: readonly number[]) {
  const g = params.map(() => 0)
  const v = ll(params, g)
  expect(v).toBeCloseTo(ll(params), 8)
  const n = numeric((p) => ll(p), params)
  g.forEach((gi, i) => {
    expect(Math.abs(gi - n[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(n[i]!)))
  })
}

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true })

describe('analytic gradients agree with finite differences', () => {
  it.each([
    ['BG/NBD', bgNbdLogLikelihood],
    ['MBG/NBD', mbgNbdLogLikelihood],
    ['Pareto/NBD', paretoLogLikelihood],
  ] as [string, Ll][])('%s', (_, ll) => {
    fc.assert(
      fc.property(positive(0.1, 3), positive(0.5, 30), positive(0.1, 5), positive(0.5, 30), (a, b, c, d) => {
        expectGradient((p, g) => ll(p, columns, g), [a, b, c, d])
      }),
      { numRuns: 30 },
    )
  })

  it('Pareto/NBD on both sides of α = β', () => {
    expectGradient((p, g) => paretoLogLikelihood(p, columns, g), [0.55, 10.58, 0.61, 11.67])
    expectGradient((p, g) => paretoLogLikelihood(p, columns, g), [0.55, 12.5, 0.61, 11.67])
    expectGradient((p, g) => paretoLogLikelihood(p, columns, g), [0.55, 11.67, 0.61, 11.67])
  })

  it('Gamma-Gamma', () => {
    fc.assert(
      fc.property(positive(0.5, 20), positive(0.5, 20), positive(0.5, 50), (p, q, g) => {
        expectGradient((th, grad) => gammaGammaLogLikelihood(th, spend, 1, grad), [p, q, g])
      }),
      { numRuns: 30 },
    )
  })
})
