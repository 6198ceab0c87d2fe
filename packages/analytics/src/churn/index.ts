/**
 * Churn and health: non-contractual churn from any P(alive) model, contractual churn from any survival model (sBG),
 * a pluggable weighted health score with red/amber/green bands and trend, and an explainable logistic-regression
 * churn classifier with holdout AUC and Brier score.
 *
 * @example
 * ```ts
 * import { churnTrainingSet, trainChurnClassifier } from '@rapport/analytics/churn'
 *
 * const history = churnTrainingSet(orders, { cutoff: '2025-09-30', horizonDays: 90 })
 * const clf = trainChurnClassifier(history)
 * console.log(clf.metrics.holdout?.auc)
 * ```
 *
 * @module
 */
export type {
  ChurnClassifier,
  ChurnClassifierOptions,
  ChurnEvaluation,
  ChurnExample,
  ChurnExplanation,
  ChurnFeatureContribution,
} from './churn-classifier.js'
export { trainChurnClassifier } from './churn-classifier.js'
export type { ChurnFeatureOptions, ChurnFeatureRow, ChurnTrainingSetOptions } from './churn-training-set.js'
export { churnFeatures, churnTrainingSet } from './churn-training-set.js'
export { brierScore, rocAuc } from './classification-metrics.js'
export type { ContractualChurnOptions, SurvivalModel } from './contractual-churn.js'
export { contractualChurnProbability, retentionCurve } from './contractual-churn.js'
export type { HealthNormalizer, HealthThreshold } from './health-normalizers.js'
export { linearScale, percentileScale, thresholdScale } from './health-normalizers.js'
export type {
  HealthBand,
  HealthBands,
  HealthScoreConfig,
  HealthScoreResult,
  HealthScorer,
  HealthSignal,
  HealthSignalScore,
  HealthTrend,
} from './health-score.js'
export { createHealthScorer } from './health-score.js'
export type { LogisticRegressionFit, LogisticRegressionOptions } from './logistic-regression.js'
export { fitLogisticRegression, sigmoid } from './logistic-regression.js'
export type { AliveProbabilityModel } from './non-contractual-churn.js'
export { churnProbabilities, churnProbability } from './non-contractual-churn.js'
