import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import type { ChurnExample } from './churn-classifier.js'
import { trainChurnClassifier } from './churn-classifier.js'
import { churnFeatures, churnTrainingSet } from './churn-training-set.js'
import { brierScore, rocAuc } from './classification-metrics.js'
import { contractualChurnProbability, retentionCurve } from './contractual-churn.js'
import { fitLogisticRegression, sigmoid } from './logistic-regression.js'
import { churnProbabilities, churnProbability } from './non-contractual-churn.js'
import { mulberry32, stratifiedSplit } from './seeded-random.js'

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}

/** Synthetic customers from a known logistic model on standardised features. */
function synthetic(n: number, seed: number) {
  const random = mulberry32(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const truth = { intercept: -0.5, recency: 1.5, frequency: -0.8, noise: 0 }
  return {
    truth,
    examples: Array.from({ length: n }, () => {
      const z = { recency: normal(), frequency: normal(), noise: normal() }
      const logit = truth.intercept + truth.recency * z.recency + truth.frequency * z.frequency
      return {
        // raw features on arbitrary scales; standardisation must undo them
        features: {
          recency: 60 + 25 * z.recency,
          frequency: 4 + 2 * z.frequency,
          noise: -3 + 0.01 * z.noise,
        },
        churned: random() < sigmoid(logit),
      }
    }),
  }
}

describe('non-contractual churn', () => {
  it('is 1 − P(alive) of any model', () => {
    const model = { probabilityAlive: (c: { p: number }) => c.p }
    expect(churnProbability(model, { p: 0.73 })).toBeCloseTo(0.27, 12)
    expect(churnProbabilities(model, [{ p: 1 }, { p: 0 }])).toEqual([0, 1])
    expect(
      isAnalyticsError(
        errorOf(() => churnProbability(model, { p: 1.5 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    expect(
      isAnalyticsError(
        errorOf(() => churnProbability(model, { p: Number.NaN })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('contractual churn', () => {
  // sBG survival S(t) = B(α, β+t) / B(α, β), by its product form; retention r_t = (β+t−1)/(α+β+t−1)
  const alpha = 0.704
  const beta = 1.182
  const sbg = {
    survival: (t: number) => {
      let s = 1
      for (let k = 1; k <= t; k++) s *= (beta + k - 1) / (alpha + beta + k - 1)
      return s
    },
  }
  it('gives sBG next-renewal churn 1 − r_{t+1}, falling with tenure', () => {
    for (let t = 0; t < 8; t++) {
      expect(contractualChurnProbability(sbg, { tenure: t })).toBeCloseTo(
        1 - (beta + t) / (alpha + beta + t),
        12,
      )
    }
    expect(contractualChurnProbability(sbg, { tenure: 1 })).toBeLessThan(
      contractualChurnProbability(sbg, { tenure: 0 }),
    )
    expect(contractualChurnProbability(sbg, { tenure: 2, horizon: 3 })).toBeCloseTo(
      1 - sbg.survival(5) / sbg.survival(2),
      12,
    )
    expect(retentionCurve(sbg, 3).map((r) => Number(r.toFixed(12)))).toEqual(
      [1, 2, 3].map((t) => Number(((beta + t - 1) / (alpha + beta + t - 1)).toFixed(12))),
    )
  })
  it('rejects negative tenure and impossible survival', () => {
    expect(
      isAnalyticsError(
        errorOf(() => contractualChurnProbability(sbg, { tenure: -1 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    const dead = { survival: (t: number) => (t === 0 ? 1 : 0) }
    expect(
      isAnalyticsError(
        errorOf(() => contractualChurnProbability(dead, { tenure: 2 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('classification metrics', () => {
  const pairs = fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
      fc.boolean(),
    ),
    {
      minLength: 1,
      maxLength: 60,
    },
  )
  it('AUC equals the brute-force pair count (ties = ½)', () => {
    fc.assert(
      fc.property(pairs, (data) => {
        const scores = data.map((d) => d[0])
        const labels = data.map((d) => d[1])
        const pos = data.filter((d) => d[1]).map((d) => d[0])
        const neg = data.filter((d) => !d[1]).map((d) => d[0])
        const auc = rocAuc(scores, labels)
        if (pos.length === 0 || neg.length === 0) {
          expect(auc).toBeNull()
          return
        }
        let wins = 0
        for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0
        expect(auc).toBeCloseTo(wins / (pos.length * neg.length), 12)
      }),
    )
  })
  it('Brier equals the mean squared error', () => {
    fc.assert(
      fc.property(pairs, (data) => {
        const direct = data.reduce((s, [p, y]) => s + (p - (y ? 1 : 0)) ** 2, 0) / data.length
        expect(
          brierScore(
            data.map((d) => d[0]),
            data.map((d) => d[1]),
          ),
        ).toBeCloseTo(direct, 12)
      }),
    )
  })
})

describe('logistic regression (IRLS, L2)', () => {
  it('reaches a stationary point of the penalised likelihood', () => {
    const { examples } = synthetic(500, 7)
    const X = examples.map((e) => [e.features.recency / 25, e.features.frequency / 2])
    const y = examples.map((e) => (e.churned ? 1 : 0))
    const l2 = 3
    const fit = fitLogisticRegression(X, y, { l2 })
    expect(fit.converged).toBe(true)
    const grad = [0, 0, 0]
    X.forEach((row, i) => {
      const r =
        sigmoid(fit.intercept + fit.coefficients[0]! * row[0]! + fit.coefficients[1]! * row[1]!) - y[i]!
      grad[0]! += r
      grad[1]! += r * row[0]!
      grad[2]! += r * row[1]!
    })
    grad[1]! += l2 * fit.coefficients[0]!
    grad[2]! += l2 * fit.coefficients[1]!
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-8)
  })
  it('stays finite on perfectly separable data thanks to the penalty, and shrinks with a larger one', () => {
    const X = [[0], [1], [2], [3], [4], [5]]
    const y = [0, 0, 0, 1, 1, 1]
    const weak = fitLogisticRegression(X, y, { l2: 0.01 })
    const strong = fitLogisticRegression(X, y, { l2: 10 })
    expect(Number.isFinite(weak.coefficients[0]!)).toBe(true)
    expect(weak.coefficients[0]!).toBeGreaterThan(strong.coefficients[0]!)
    expect(strong.coefficients[0]!).toBeGreaterThan(0)
  })
  it('rejects bad labels and ragged rows', () => {
    expect(
      isAnalyticsError(
        errorOf(() => fitLogisticRegression([[1]], [2])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    expect(
      isAnalyticsError(
        errorOf(() => fitLogisticRegression([[1], [1, 2]], [0, 1])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('churn classifier', () => {
  const { truth, examples } = synthetic(4000, 42)
  const clf = trainChurnClassifier(examples, { l2: 0.1 })

  it('recovers the sign and magnitude of the generating model', () => {
    expect(clf.features).toEqual(['frequency', 'noise', 'recency'])
    expect(clf.coefficients['recency']!).toBeCloseTo(truth.recency, 0)
    expect(Math.abs(clf.coefficients['recency']! - truth.recency)).toBeLessThan(0.2)
    expect(Math.abs(clf.coefficients['frequency']! - truth.frequency)).toBeLessThan(0.2)
    expect(Math.abs(clf.coefficients['noise']!)).toBeLessThan(0.15)
    expect(Math.abs(clf.intercept - truth.intercept)).toBeLessThan(0.2)
    expect(clf.fit.converged).toBe(true)
  })

  it('reports holdout AUC and Brier that match independent computations', () => {
    const { holdout, train } = clf.split
    expect(holdout.length + train.length).toBe(examples.length)
    expect(new Set([...holdout, ...train]).size).toBe(examples.length)
    expect(holdout.length).toBeCloseTo(1000, -1)
    const p = holdout.map((i) => clf.predict(examples[i]!.features))
    const y = holdout.map((i) => examples[i]!.churned)
    let wins = 0
    let pairs = 0
    p.forEach((pi, a) => {
      if (!y[a]) return
      p.forEach((pj, b) => {
        if (y[b]) return
        pairs++
        wins += pi > pj ? 1 : pi === pj ? 0.5 : 0
      })
    })
    const m = clf.metrics.holdout!
    expect(m.size).toBe(holdout.length)
    expect(m.auc).toBeCloseTo(wins / pairs, 12)
    expect(m.brier).toBeCloseTo(p.reduce((s, pi, i) => s + (pi - (y[i] ? 1 : 0)) ** 2, 0) / p.length, 12)
    expect(m.auc!).toBeGreaterThan(0.75)
    // better than predicting the base rate for everyone
    const rate = m.churnRate
    expect(m.brier!).toBeLessThan(rate * (1 - rate))
    // the stratified split keeps the base rate
    expect(Math.abs(m.churnRate - clf.metrics.train.churnRate)).toBeLessThan(0.01)
  })

  it('explains each score: intercept + Σ coefficient × standardised value = logit', () => {
    for (const i of clf.split.holdout.slice(0, 50)) {
      const e = clf.explain(examples[i]!.features)
      const sum = e.contributions.reduce((s, c) => s + c.contribution, e.intercept)
      expect(sum).toBeCloseTo(e.logit, 12)
      expect(sigmoid(e.logit)).toBeCloseTo(e.probability, 12)
      for (const c of e.contributions) {
        expect(c.standardized).toBeCloseTo((c.value - clf.means[c.feature]!) / clf.scales[c.feature]!, 12)
        expect(c.contribution).toBeCloseTo(c.coefficient * c.standardized, 12)
      }
      const abs = e.contributions.map((c) => Math.abs(c.contribution))
      expect(abs).toEqual([...abs].sort((a, b) => b - a))
    }
  })

  it('is deterministic for a seed and changes with it', () => {
    const again = trainChurnClassifier(examples, { l2: 0.1 })
    expect(again.coefficients).toEqual(clf.coefficients)
    expect(again.split).toEqual(clf.split)
    const other = trainChurnClassifier(examples, { l2: 0.1, seed: 2 })
    expect(other.split.holdout).not.toEqual(clf.split.holdout)
  })

  it('stratified split holds out round(fraction × class size) of each class', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 50 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.nat(),
        (labels, f, seed) => {
          const { train, holdout } = stratifiedSplit(labels, f, seed)
          const pos = labels.filter(Boolean).length
          const neg = labels.length - pos
          expect(holdout.filter((i) => labels[i]).length).toBe(Math.round(f * pos))
          expect(holdout.filter((i) => !labels[i]).length).toBe(Math.round(f * neg))
          expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i))
        },
      ),
    )
  })

  it('rejects missing features and bad options with INVALID_INPUT, leaving the input untouched', () => {
    const input: ChurnExample[] = [
      { features: { a: 1 }, churned: true },
      { features: { b: 1 }, churned: false },
    ]
    const snapshot = structuredClone(input)
    const err = errorOf(() => trainChurnClassifier(input))
    expect(isAnalyticsError(err, 'INVALID_INPUT')).toBe(true)
    expect((err as { details: unknown }).details).toEqual({ index: 1, feature: 'a' })
    expect(input).toEqual(snapshot)
    expect(
      isAnalyticsError(
        errorOf(() => trainChurnClassifier([])),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    expect(
      isAnalyticsError(
        errorOf(() => trainChurnClassifier(examples, { holdoutFraction: 1 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
    expect(
      isAnalyticsError(
        errorOf(() => clf.predict({ recency: 1 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})

describe('churn training set from orders', () => {
  const orders = [
    { customerId: 'a', at: '2026-01-01', amount: 10 },
    { customerId: 'a', at: '2026-02-15', amount: 30 }, // within 30 days after the cutoff: a stays
    { customerId: 'b', at: '2025-12-01', amount: 20 },
    { customerId: 'b', at: '2026-03-20', amount: 20 }, // after the window: b churned
    { customerId: 'c', at: '2026-02-10', amount: 5 }, // first order after the cutoff: not in the set
  ]
  it('labels churn as no order within the horizon and computes features as of the cutoff', () => {
    const set = churnTrainingSet(orders, {
      cutoff: '2026-01-31',
      horizonDays: 30,
      extraFeatures: (id) => ({ tickets: id === 'a' ? 2 : 0 }),
    })
    expect(set.map((e) => [e.customerId, e.churned])).toEqual([
      ['a', false],
      ['b', true],
    ])
    expect(set[0]!.features).toEqual({ recency: 30, frequency: 1, monetary: 10, tenure: 30, tickets: 2 })
    expect(set[1]!.features).toEqual({ recency: 61, frequency: 1, monetary: 20, tenure: 61, tickets: 0 })
    expect(churnFeatures(orders, { asOf: '2026-03-31' }).map((r) => r.features['frequency'])).toEqual([
      2, 2, 1,
    ])
    expect(
      isAnalyticsError(
        errorOf(() => churnTrainingSet(orders, { cutoff: '2026-01-31', horizonDays: 0 })),
        'INVALID_INPUT',
      ),
    ).toBe(true)
  })
})
