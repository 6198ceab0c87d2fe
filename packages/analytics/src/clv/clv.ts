import { AnalyticsError } from './analytics-error.js'
import type { BtydCustomer } from './customer-data.js'
import type { SpendCustomer } from './gamma-gamma.js'
import type { TimeUnit } from './time-unit.js'
import { PERIODS_PER_MONTH } from './time-unit.js'

/** A customer with both a purchase history and a repeat-purchase mean value. */
export interface ClvCustomer extends BtydCustomer {
  /** Mean value of the repeat purchases (ignored when `frequency` is 0: the population mean is used). */
  monetaryValue: number
}

/** The part of a transaction model {@link customerLifetimeValue} needs (every BTYD model here has it). */
export interface PurchasePredictor {
  /** E[Y(t) | x, t_x, T] in the model's time unit. */
  expectedPurchases(t: number, customer: BtydCustomer): number
}

/** The part of a spend model {@link customerLifetimeValue} needs (a Gamma-Gamma model has it). */
export interface SpendPredictor {
  /** Expected value of one future transaction. */
  expectedSpend(customer: SpendCustomer): number
}

/** Options of {@link customerLifetimeValue}. */
export interface CustomerLifetimeValueOptions {
  /** Fitted BG/NBD, MBG/NBD or Pareto/NBD model (any {@link PurchasePredictor}). */
  transactionModel: PurchasePredictor
  /** Fitted Gamma-Gamma model (any {@link SpendPredictor}). */
  spendModel: SpendPredictor
  /** Customers to value. */
  customers: readonly ClvCustomer[]
  /** Horizon in whole months. Default 12. */
  time?: number
  /** Monthly discount rate (0.01 = 1 % a month). Default 0.01. */
  discountRate?: number
  /** Unit of the customers' `T` and of the transaction model. Required: there is no safe default. */
  timeUnit: TimeUnit
  /**
   * Periods of `timeUnit` per month. Default {@link PERIODS_PER_MONTH} (365.25/12 days). Pass 4.345 (weeks) or 30
   * (days) to reproduce lifetimes' `customer_lifetime_value` exactly.
   */
  periodsPerMonth?: number
}

/**
 * Discounted customer lifetime value over a horizon of months, with the semantics of lifetimes'
 * `customer_lifetime_value` (and PyMC-Marketing's): for month k = 1..`time`,
 * `CLV += E(M) · (E[Y(k·f)] − E[Y((k−1)·f)]) / (1 + discountRate)^k`, where f is the number of `timeUnit`
 * periods per month and E(M) the spend model's expected transaction value. Unlike lifetimes, the time unit is
 * explicit, so weekly data cannot silently be treated as days.
 *
 * @param options - models, customers, horizon, discount rate and time unit; see {@link CustomerLifetimeValueOptions}
 * @returns one CLV per customer, in the order given
 * @throws AnalyticsError `INVALID_INPUT` for a bad horizon, discount rate or time unit (and whatever the models
 *   throw for invalid customers)
 *
 * @example
 * ```ts
 * import { customerLifetimeValue, fitBgNbd, fitGammaGamma } from '@rapport/analytics/clv'
 * const transactionModel = fitBgNbd(customers) // customers: { frequency, recency, T, monetaryValue }[] in weeks
 * const spendModel = fitGammaGamma(customers)
 * const clv = customerLifetimeValue({
 *   transactionModel, spendModel, customers, time: 12, discountRate: 0.01, timeUnit: 'W',
 * })
 * ```
 */
export function customerLifetimeValue(options: CustomerLifetimeValueOptions): number[] {
  const { transactionModel, spendModel, customers } = options
  const time = options.time ?? 12
  const d = options.discountRate ?? 0.01
  if (!Number.isInteger(time) || time < 0) {
    throw new AnalyticsError('INVALID_INPUT', `time must be a whole number of months ≥ 0, got ${time}`)
  }
  if (!Number.isFinite(d) || d <= -1) {
    throw new AnalyticsError('INVALID_INPUT', `discountRate must be a finite number > -1, got ${d}`)
  }
  if (!(options.timeUnit in PERIODS_PER_MONTH)) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `timeUnit must be 'H', 'D', 'W' or 'M', got ${String(options.timeUnit)}`,
    )
  }
  const f = options.periodsPerMonth ?? PERIODS_PER_MONTH[options.timeUnit]
  if (!(f > 0) || !Number.isFinite(f)) {
    throw new AnalyticsError('INVALID_INPUT', `periodsPerMonth must be a finite number > 0, got ${f}`)
  }
  if (!Array.isArray(customers)) throw new AnalyticsError('INVALID_INPUT', 'customers must be an array')
  return customers.map((c) => {
    const spend = spendModel.expectedSpend(c)
    if (time === 0) return 0
    if (d === 0) return spend * transactionModel.expectedPurchases(time * f, c)
    let clv = 0
    let previous = 0
    for (let k = 1; k <= time; k++) {
      const current = transactionModel.expectedPurchases(k * f, c)
      clv += (spend * (current - previous)) / (1 + d) ** k
      previous = current
    }
    return clv
  })
}
