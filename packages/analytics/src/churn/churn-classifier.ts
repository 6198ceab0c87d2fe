import { AnalyticsError } from '../clv/analytics-error.js'
import type { EntityId } from '../rfm/compare-ids.js'
import { checkBoolean } from '../validation/input-checks.js'
import { brierScore, rocAuc } from './classification-metrics.js'
import type { LogisticRegressionOptions } from './logistic-regression.js'
import { fitLogisticRegression, sigmoid } from './logistic-regression.js'
import { stratifiedSplit } from './seeded-random.js'

/** One labelled customer of the training history. */
export interface ChurnExample {
  /** Optional id, carried through for your bookkeeping. */
  readonly id?: EntityId
  /** Numeric features, e.g. `{ recency: 40, frequency: 3, tenure: 400, openTickets: 2 }`. */
  readonly features: Readonly<Record<string, number>>
  /** Whether the customer churned (by your definition, e.g. no order within 90 days after the snapshot). */
  readonly churned: boolean
}

/** Options of {@link trainChurnClassifier}. */
export interface ChurnClassifierOptions extends Omit<LogisticRegressionOptions, 'weights'> {
  /** Features to use, in order; default every key of the first example, sorted. */
  readonly features?: readonly string[]
  /** Share of each class held out for evaluation (stratified); default 0.25. 0 trains on everything. */
  readonly holdoutFraction?: number
  /** Seed of the split; default 1. The same seed and data always give the same model. */
  readonly seed?: number
}

/** AUC and Brier score on one set of customers. */
export interface ChurnEvaluation {
  /** Customers in the set. */
  readonly size: number
  /** Share who churned. */
  readonly churnRate: number
  /** ROC AUC, or `null` when one class is absent. */
  readonly auc: number | null
  /** Brier score, or `null` for an empty set. */
  readonly brier: number | null
}

/** One feature's part in a prediction. */
export interface ChurnFeatureContribution {
  /** Feature name. */
  readonly feature: string
  /** Raw value. */
  readonly value: number
  /** `(value − mean) / sd` with the training mean and standard deviation. */
  readonly standardized: number
  /** The feature's coefficient (per standard deviation). */
  readonly coefficient: number
  /** `coefficient × standardized`: its push on the logit (positive = towards churn). */
  readonly contribution: number
}

/** A prediction with its explanation; `intercept + Σ contributions = logit` and `probability = σ(logit)`. */
export interface ChurnExplanation {
  /** P(churn). */
  readonly probability: number
  /** Log-odds of churn. */
  readonly logit: number
  /** The model's intercept (log-odds of churn for an average customer). */
  readonly intercept: number
  /** Per-feature contributions, largest absolute first. */
  readonly contributions: readonly ChurnFeatureContribution[]
}

/** A trained churn classifier. */
export interface ChurnClassifier {
  /** Features in model order. */
  readonly features: readonly string[]
  /** Intercept on the standardised scale. */
  readonly intercept: number
  /** Coefficient per feature, per training standard deviation (comparable across features). */
  readonly coefficients: Readonly<Record<string, number>>
  /** Training mean per feature. */
  readonly means: Readonly<Record<string, number>>
  /** Training standard deviation per feature (population; constant features get 1 and coefficient 0). */
  readonly scales: Readonly<Record<string, number>>
  /** Whether IRLS converged, and in how many iterations. */
  readonly fit: { readonly converged: boolean; readonly iterations: number }
  /** Indices (into the training examples) of the rows used for fitting and of the holdout rows. */
  readonly split: { readonly train: readonly number[]; readonly holdout: readonly number[] }
  /** Metrics on the training rows and on the holdout (`null` when `holdoutFraction` is 0). */
  readonly metrics: { readonly train: ChurnEvaluation; readonly holdout: ChurnEvaluation | null }
  /** P(churn) for a customer's features. */
  predict(features: Readonly<Record<string, number>>): number
  /** P(churn) with per-feature contributions. */
  explain(features: Readonly<Record<string, number>>): ChurnExplanation
}

/**
 * Trains an L2-regularised logistic-regression churn classifier on your own history: features are standardised with
 * the training mean and standard deviation, the model is fitted by IRLS (deterministic), and it is evaluated on a
 * seeded, stratified holdout (AUC and Brier score). The model is trained on the training split only, so the holdout
 * metrics are honest; retrain with `holdoutFraction: 0` to use every row once you trust it.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for no examples, a missing or non-finite feature, or a bad option.
 *
 * @example
 * ```ts
 * import { trainChurnClassifier } from '@rapport/analytics/churn'
 *
 * const clf = trainChurnClassifier(history, { features: ['recency', 'frequency', 'tenure', 'openTickets'] })
 * clf.metrics.holdout // { size, churnRate, auc: 0.81, brier: 0.14 }
 * clf.explain({ recency: 120, frequency: 1, tenure: 300, openTickets: 3 }).contributions[0] // the biggest reason
 * ```
 */
export function trainChurnClassifier(
  examples: readonly ChurnExample[],
  options: ChurnClassifierOptions = {},
): ChurnClassifier {
  if (examples.length === 0) throw new AnalyticsError('INVALID_INPUT', 'no training examples', {})
  const features = [...(options.features ?? Object.keys(examples[0]!.features).sort())]
  if (features.length === 0) throw new AnalyticsError('INVALID_INPUT', 'no features', {})
  const fraction = options.holdoutFraction ?? 0.25
  if (!(fraction >= 0 && fraction < 1)) {
    throw new AnalyticsError('INVALID_INPUT', 'holdoutFraction must be in [0, 1)', {
      holdoutFraction: fraction,
    })
  }
  const rows = examples.map((ex, i) => featureRow(ex.features, features, i))
  // A label must be a boolean: `churned: "yes"` would otherwise silently count as not churned.
  const labels = examples.map((ex, i) => checkBoolean(ex.churned, `examples[${i}].churned`))
  const { train, holdout } = stratifiedSplit(labels, fraction, options.seed ?? 1)
  if (train.length === 0) throw new AnalyticsError('INVALID_INPUT', 'the training split is empty', {})

  const means = features.map((_, j) => train.reduce((s, i) => s + rows[i]![j]!, 0) / train.length)
  const scales = features.map((_, j) => {
    const v = train.reduce((s, i) => s + (rows[i]![j]! - means[j]!) ** 2, 0) / train.length
    return v > 1e-24 ? Math.sqrt(v) : 1
  })
  const standardize = (row: readonly number[]) => row.map((x, j) => (x - means[j]!) / scales[j]!)
  const fit = fitLogisticRegression(
    train.map((i) => standardize(rows[i]!)),
    train.map((i) => (labels[i] ? 1 : 0)),
    {
      ...(options.l2 === undefined ? {} : { l2: options.l2 }),
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
      ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    },
  )
  const explain = (input: Readonly<Record<string, number>>): ChurnExplanation => {
    const raw = featureRow(input, features)
    const z = standardize(raw)
    const contributions = features.map((feature, j) => ({
      feature,
      value: raw[j]!,
      standardized: z[j]!,
      coefficient: fit.coefficients[j]!,
      contribution: fit.coefficients[j]! * z[j]!,
    }))
    const logit = contributions.reduce((s, c) => s + c.contribution, fit.intercept)
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    return { probability: sigmoid(logit), logit, intercept: fit.intercept, contributions }
  }
  const evaluate = (idx: readonly number[]): ChurnEvaluation => {
    const p = idx.map((i) => sigmoid(linear(fit.intercept, fit.coefficients, standardize(rows[i]!))))
    const y = idx.map((i) => labels[i]!)
    return {
      size: idx.length,
      churnRate: idx.length === 0 ? 0 : y.filter(Boolean).length / idx.length,
      auc: rocAuc(p, y),
      brier: brierScore(p, y),
    }
  }
  return {
    features,
    intercept: fit.intercept,
    coefficients: Object.fromEntries(features.map((f, j) => [f, fit.coefficients[j]!])),
    means: Object.fromEntries(features.map((f, j) => [f, means[j]!])),
    scales: Object.fromEntries(features.map((f, j) => [f, scales[j]!])),
    fit: { converged: fit.converged, iterations: fit.iterations },
    split: { train, holdout },
    metrics: { train: evaluate(train), holdout: fraction > 0 ? evaluate(holdout) : null },
    predict: (input) => explain(input).probability,
    explain,
  }
}

function featureRow(
  values: Readonly<Record<string, number>>,
  features: readonly string[],
  index?: number,
): number[] {
  return features.map((f) => {
    const v = values?.[f]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `${index === undefined ? 'input' : `example ${index}`} has no finite value for feature ${f}`,
        { ...(index === undefined ? {} : { index }), feature: f },
      )
    }
    return v
  })
}

function linear(intercept: number, coefficients: readonly number[], z: readonly number[]): number {
  let s = intercept
  for (let j = 0; j < z.length; j++) s += coefficients[j]! * z[j]!
  return s
}
