import type { Order } from '../entities/order.js'
import { RapportError } from '../errors/rapport-error.js'
import type { Filter } from '../filter/filter-types.js'
import type { CustomerOrderAggregate, OrderPeriodUnit } from '../storage/order-aggregation.js'

/** Options of `crm.orders.customerSummaries()`. */
export interface CustomerSummariesOptions {
  /**
   * The as-of instant (a `Date` or ISO string; a date-only string is UTC midnight). Orders after it are ignored, and
   * customer age (`T`) runs to its period.
   */
  readonly asOf: Date | string
  /** The purchase period (UTC): orders in one period count as one purchase period. */
  readonly timeUnit: OrderPeriodUnit
  /** Only orders in this currency count (amounts in different currencies cannot be added). */
  readonly currency: string
  /** Which statuses count (default `['completed']`). */
  readonly status?: readonly Order['status'][]
  /** Only contacts or only companies (default both). */
  readonly customerType?: Order['customerType']
  /** Further restricts the orders, in the filter language (e.g. a custom field or a channel). */
  readonly where?: Filter
  /**
   * Splits the orders into calibration (`occurredAt <= calibrationEnd`) and holdout (`calibrationEnd < occurredAt <=
   * asOf`) for model validation; must be before `asOf`. Only customers with a calibration order are returned.
   */
  readonly calibrationEnd?: Date | string
}

/** One customer's summary; counts and totals cover calibration orders (every order when there is no split). */
export interface OrderCustomerSummary extends CustomerOrderAggregate {
  /** The customer kind. */
  readonly customerType: Order['customerType']
}

/** The result of `crm.orders.customerSummaries()`: the options it ran with and one summary per customer. */
export interface OrderSummaries {
  /** The as-of instant. */
  readonly asOf: Date
  /** The end of the calibration period, or `null` without a split. */
  readonly calibrationEnd: Date | null
  /** The purchase period. */
  readonly timeUnit: OrderPeriodUnit
  /** The currency of every amount (in minor units). */
  readonly currency: string
  /** The period index of `calibrationEnd`, or of `asOf` without a split: the "now" of customer age `T`. */
  readonly endPeriod: number
  /** The period index of `asOf` with a split, else `null`. */
  readonly holdoutEndPeriod: number | null
  /** `storage` when the adapter aggregated inside the database, `scan` when core streamed the orders. */
  readonly source: 'storage' | 'scan'
  /** One summary per customer, sorted by `customerType`, then `customerId`. */
  readonly customers: readonly OrderCustomerSummary[]
}

/** Options shared by the mapping helpers. */
export interface SummaryMappingOptions {
  /**
   * Minor units per currency unit, dividing every amount (default: the currency's ISO 4217 minor unit as reported by
   * `Intl.NumberFormat`, e.g. 100 for EUR, 1 for JPY). Pass 1 to keep minor units.
   */
  readonly minorUnitsPerUnit?: number
}

/** Options of {@link toBtydCustomers} and {@link toCalibrationHoldout}. */
export interface BtydMappingOptions extends SummaryMappingOptions {
  /**
   * Divides recency, T and durations, like lifetimes' `freq_multiplier`: `timeUnit: 'day'` with `freqMultiplier: 7`
   * buckets by day but reports weeks (the CDNOW convention). Default 1.
   */
  readonly freqMultiplier?: number
}

/** Options of {@link toRfmSummaryRows}. */
export interface RfmMappingOptions extends SummaryMappingOptions {
  /** `calendar-days` (default): whole UTC days; `exact-days`: elapsed ms / 86 400 000. As in `rfmSummary`. */
  readonly recency?: 'calendar-days' | 'exact-days'
  /** `orders` (default): orders including the first; `periods`: distinct purchase periods. */
  readonly frequency?: 'orders' | 'periods'
}

/** A BTYD customer as `@rapport/analytics/clv` fits it (`fitBgNbd`, `fitParetoNbd`, `fitGammaGamma`, …). */
export interface BtydCustomer {
  /** The customer id. */
  readonly customerId: string
  /** Repeat purchase periods: distinct periods − 1. */
  readonly frequency: number
  /** Age at the last purchase: last period − first period (÷ `freqMultiplier`). */
  readonly recency: number
  /** Age: end period − first period (÷ `freqMultiplier`). */
  readonly T: number
  /** Mean value of the repeat periods (first period excluded), in currency units; 0 without repeats. */
  readonly monetaryValue: number
}

/** A calibration/holdout row, shaped like `calibrationAndHoldoutData` of `@rapport/analytics/clv`. */
export interface BtydCalibrationHoldout {
  /** The customer id. */
  readonly customerId: string
  /** Repeat purchase periods in the calibration period. */
  readonly frequencyCal: number
  /** Age at the last calibration purchase. */
  readonly recencyCal: number
  /** Age at the end of the calibration period. */
  readonly TCal: number
  /** Mean value of the calibration repeat periods; 0 without repeats. */
  readonly monetaryValueCal: number
  /** Distinct purchase periods in the holdout period. */
  readonly frequencyHoldout: number
  /** Length of the holdout period. */
  readonly durationHoldout: number
  /** Mean value per holdout purchase period; 0 without any. */
  readonly monetaryValueHoldout: number
}

/** An RFM row, shaped like `rfmSummary` of `@rapport/analytics/rfm` returns (ready for `rfmScores`). */
export interface RfmSummaryInput {
  /** The customer id. */
  readonly customerId: string
  /** Days since the last order. */
  readonly recency: number
  /** Orders (or purchase periods). */
  readonly frequency: number
  /** Sum of the order amounts, in currency units. */
  readonly monetarySum: number
  /** Mean order amount. */
  readonly monetaryMean: number
  /** Days from the first order to the as-of instant. */
  readonly tenure: number
  /** Epoch milliseconds of the first order. */
  readonly firstAt: number
  /** Epoch milliseconds of the last order. */
  readonly lastAt: number
}

const DAY_MS = 86_400_000

/** Checks each customer appears once, then returns the minor units per unit of money. */
function checkedScale(summaries: OrderSummaries, options: SummaryMappingOptions): number {
  const seen = new Map<string, number>()
  for (const [index, c] of summaries.customers.entries()) {
    const key = `${c.customerType}\u0000${c.customerId}`
    const first = seen.get(key)
    if (first !== undefined) {
      // A customer listed twice (e.g. two summary pages concatenated) would be counted twice by every model.
      throw new RapportError(
        'VALIDATION_FAILED',
        `Customer ${c.customerType} ${JSON.stringify(c.customerId)} occurs twice in the summaries (at ${first} and ${index})`,
        { details: { customerType: c.customerType, customerId: c.customerId, indexes: [first, index] } },
      )
    }
    seen.set(key, index)
  }
  return options.minorUnitsPerUnit ?? currencyMinorUnits(summaries.currency)
}

/**
 * Minor units per unit of an ISO 4217 currency as `Intl.NumberFormat` reports them (100 for EUR, 1 for JPY).
 *
 * @internal
 */
export function currencyMinorUnits(currency: string): number {
  let digits: number | undefined
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits
  } catch (cause) {
    throw new RapportError(
      'VALIDATION_FAILED',
      `${JSON.stringify(currency)} is not an ISO 4217 currency code`,
      {
        details: { currency },
        cause,
      },
    )
  }
  return 10 ** (digits ?? 2)
}

/**
 * Maps summaries to the BTYD customers `fitBgNbd`, `fitMbgNbd`, `fitParetoNbd` and `fitGammaGamma` take, with the
 * semantics of `summaryDataFromTransactions` (lifetimes): frequency = repeat purchase periods, recency = age at the
 * last purchase, T = age at the end period, monetaryValue = mean of the repeat periods' values. With a calibration
 * split these describe the calibration period.
 *
 * @example
 * ```ts
 * import { fitBgNbd } from '@rapport/analytics/clv'
 * const summaries = await crm.orders.customerSummaries({ asOf: '1997-09-30', timeUnit: 'day', currency: 'USD' })
 * const model = fitBgNbd(toBtydCustomers(summaries, { freqMultiplier: 7 })) // weeks
 * ```
 */
export function toBtydCustomers(summaries: OrderSummaries, options: BtydMappingOptions = {}): BtydCustomer[] {
  const mult = options.freqMultiplier ?? 1
  const scale = checkedScale(summaries, options)
  return summaries.customers.map((c) => ({
    customerId: c.customerId,
    frequency: c.periods - 1,
    recency: (c.lastPeriod - c.firstPeriod) / mult,
    T: (summaries.endPeriod - c.firstPeriod) / mult,
    monetaryValue: c.periods > 1 ? c.repeatTotal / scale / (c.periods - 1) : 0,
  }))
}

/**
 * Maps summaries computed with `calibrationEnd` to calibration/holdout rows like `calibrationAndHoldoutData`, for
 * checking a fitted model's predictions against what happened next.
 *
 * @example
 * ```ts
 * const split = await crm.orders.customerSummaries({ asOf: '1998-06-30', calibrationEnd: '1997-09-30', timeUnit: 'day', currency: 'USD' })
 * const rows = toCalibrationHoldout(split, { freqMultiplier: 7 })
 * ```
 */
export function toCalibrationHoldout(
  summaries: OrderSummaries,
  options: BtydMappingOptions = {},
): BtydCalibrationHoldout[] {
  const mult = options.freqMultiplier ?? 1
  const scale = checkedScale(summaries, options)
  const holdoutEnd = summaries.holdoutEndPeriod ?? summaries.endPeriod
  return summaries.customers.map((c) => ({
    customerId: c.customerId,
    frequencyCal: c.periods - 1,
    recencyCal: (c.lastPeriod - c.firstPeriod) / mult,
    TCal: (summaries.endPeriod - c.firstPeriod) / mult,
    monetaryValueCal: c.periods > 1 ? c.repeatTotal / scale / (c.periods - 1) : 0,
    frequencyHoldout: c.holdoutPeriods,
    durationHoldout: (holdoutEnd - summaries.endPeriod) / mult,
    monetaryValueHoldout: c.holdoutPeriods > 0 ? c.holdoutTotal / scale / c.holdoutPeriods : 0,
  }))
}

/**
 * Maps summaries to RFM rows like `rfmSummary` of `@rapport/analytics/rfm` returns, measured at `calibrationEnd`
 * when there is a split and at `asOf` otherwise; feed them to `rfmScores` and `assignRfmSegments`.
 *
 * @example
 * ```ts
 * import { rfmScores } from '@rapport/analytics/rfm'
 * const rows = toRfmSummaryRows(await crm.orders.customerSummaries({ asOf: new Date(), timeUnit: 'day', currency: 'EUR' }))
 * const scored = rfmScores(rows)
 * ```
 */
export function toRfmSummaryRows(
  summaries: OrderSummaries,
  options: RfmMappingOptions = {},
): RfmSummaryInput[] {
  const scale = checkedScale(summaries, options)
  const asOf = (summaries.calibrationEnd ?? summaries.asOf).getTime()
  const span = (from: number): number =>
    options.recency === 'exact-days'
      ? (asOf - from) / DAY_MS
      : Math.floor(asOf / DAY_MS) - Math.floor(from / DAY_MS)
  return summaries.customers.map((c) => {
    const sum = c.total / scale
    return {
      customerId: c.customerId,
      recency: span(c.lastAt.getTime()),
      frequency: options.frequency === 'periods' ? c.periods : c.orders,
      monetarySum: sum,
      monetaryMean: sum / c.orders,
      tenure: span(c.firstAt.getTime()),
      firstAt: c.firstAt.getTime(),
      lastAt: c.lastAt.getTime(),
    }
  })
}
