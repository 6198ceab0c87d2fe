/**
 * `@rapport/analytics/clv`: "buy 'til you die" (BTYD) models of customer lifetime value, as pure functions.
 *
 * - Build per-customer summaries from transactions: {@link summaryDataFromTransactions},
 *   {@link calibrationAndHoldoutData}.
 * - Fit transaction models by maximum likelihood: {@link fitBgNbd}, {@link fitMbgNbd}, {@link fitParetoNbd}
 *   (continuous time), {@link fitBgBb} (discrete opportunities); spend with {@link fitGammaGamma}; contractual
 *   retention with {@link fitShiftedBetaGeometric}. Or rebuild a model from persisted params ({@link bgNbd}, ...).
 * - Value customers with {@link customerLifetimeValue}.
 *
 * Everything is computed in log space where it matters (no NaN or overflow for large frequencies or long
 * horizons); fits report honestly whether they converged, and invalid input throws an {@link AnalyticsError}.
 *
 * @example
 * ```ts
 * import { fitBgNbd, fitGammaGamma, customerLifetimeValue, summaryDataFromTransactions } from '@rapport/analytics/clv'
 * const customers = summaryDataFromTransactions(orders, {
 *   customerId: 'customerId', datetime: 'date', monetary: 'amount',
 *   observationEnd: '1997-09-30', timeUnit: 'D', freqMultiplier: 7, // exact weeks
 * })
 * const m = fitBgNbd(customers)
 * m.expectedPurchases(52, customers[0]!)
 * const clv = customerLifetimeValue({
 *   transactionModel: m, spendModel: fitGammaGamma(customers),
 *   customers: customers.map((c) => ({ ...c, monetaryValue: c.monetaryValue ?? 0 })),
 *   time: 12, discountRate: 0.01, timeUnit: 'W',
 * })
 * ```
 *
 * @module
 */
export { AnalyticsError, isAnalyticsError } from './analytics-error.js'
export type { BgBbCustomer, BgBbModel, BgBbParams } from './bg-bb.js'
export { bgBb, fitBgBb } from './bg-bb.js'
export type { BgNbdModel, BgNbdParams } from './bg-nbd.js'
export { bgNbd, fitBgNbd } from './bg-nbd.js'
export type {
  ClvCustomer,
  CustomerLifetimeValueOptions,
  PurchasePredictor,
  SpendPredictor,
} from './clv.js'
export { customerLifetimeValue } from './clv.js'
export type { BtydCustomer } from './customer-data.js'
export type { FitOptions, FitReport } from './fit-report.js'
export { GRADIENT_TOLERANCE } from './fit-report.js'
export type { GammaGammaModel, GammaGammaParams, SpendCustomer } from './gamma-gamma.js'
export { fitGammaGamma, gammaGamma } from './gamma-gamma.js'
export type { MbgNbdModel, MbgNbdParams } from './mbg-nbd.js'
export { fitMbgNbd, mbgNbd } from './mbg-nbd.js'
export type { ParetoNbdModel, ParetoNbdParams } from './pareto-nbd.js'
export { fitParetoNbd, paretoNbd } from './pareto-nbd.js'
export type {
  ShiftedBetaGeometricModel,
  ShiftedBetaGeometricParams,
} from './shifted-beta-geometric.js'
export { fitShiftedBetaGeometric, shiftedBetaGeometric } from './shifted-beta-geometric.js'
export type { RandomSource, SimulateBgNbdOptions } from './simulate.js'
export { seededRandom, simulateBgNbd } from './simulate.js'
export {
  digamma,
  expit,
  hyp2f1,
  lbeta,
  lgamma,
  log1mExp,
  log1pExp,
  logAddExp,
  logHyp2f1,
} from './special-functions.js'
export type {
  Accessor,
  CalibrationHoldoutOptions,
  CalibrationHoldoutSummary,
  CustomerSummary,
  SummaryOptions,
  Timestamp,
} from './summary.js'
export { calibrationAndHoldoutData, summaryDataFromTransactions } from './summary.js'
export type { TimeUnit } from './time-unit.js'
export { PERIODS_PER_MONTH } from './time-unit.js'
export type { FitOutcome, Fitted, TransactionModel } from './transaction-model.js'
