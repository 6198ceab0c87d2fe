/**
 * A/B experiment statistics on conversion counts: the fixed-horizon two-proportion z test with a confidence
 * interval, the Bayesian beta-binomial Pr(B > A) with expected loss, a sample-size calculator, and the mSPRT
 * sequential test whose always-valid p-value can be watched without inflating false positives.
 *
 * @example
 * ```ts
 * import { bayesianAbTest, msprtTest, twoProportionTest } from '@rapport/analytics/experiments'
 *
 * const a = { successes: 200, trials: 1000 }
 * const b = { successes: 250, trials: 1000 }
 * twoProportionTest(a, b).pValue // 0.0074
 * bayesianAbTest(a, b).probabilityBBeatsA // 0.9963
 * msprtTest(a, b, { tau2: 1e-4 }).pValue // 0.508: not yet significant when peeking is allowed
 * ```
 *
 * @module
 */
export type { ArmCounts } from './arm-counts.js'
export type { BayesianAbTestOptions, BayesianAbTestResult, BetaPrior } from './bayesian-ab-test.js'
export { bayesianAbTest } from './bayesian-ab-test.js'
export { normalCdf, normalQuantile } from './normal-distribution.js'
export type { SampleSize, SampleSizeOptions } from './sample-size.js'
export { sampleSizeTwoProportions } from './sample-size.js'
export type { MsprtLook, MsprtOptions } from './sequential-test.js'
export { msprtTest, sequentialTest } from './sequential-test.js'
export type { TwoProportionTestOptions, TwoProportionTestResult } from './two-proportion-test.js'
export { twoProportionTest } from './two-proportion-test.js'
