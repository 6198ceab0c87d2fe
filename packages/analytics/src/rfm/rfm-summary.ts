import { AnalyticsError } from '../clv/analytics-error.js'
import { checkArray, checkObject, checkOptions, optionalEnum } from '../validation/input-checks.js'
import type { EntityId } from './compare-ids.js'
import { compareIds } from './compare-ids.js'
import type { TimeInput } from './to-epoch-ms.js'
import { DAY_MS, toEpochMs, utcDayIndex } from './to-epoch-ms.js'

/** One order (or payment) of a customer: who, when and how much. */
export interface RfmTransaction {
  /** The customer the order belongs to. */
  readonly customerId: EntityId
  /** When the order happened. */
  readonly at: TimeInput
  /** Order value in your currency (any finite number; refunds may be negative). */
  readonly amount: number
}

/** How {@link rfmSummary} measures recency. */
export type RfmRecencyMode = 'calendar-days' | 'exact-days'

/** How {@link rfmSummary} counts frequency. */
export type RfmFrequencyMode = 'transactions' | 'days'

/** Options of {@link rfmSummary}. */
export interface RfmSummaryOptions {
  /** The as-of date. Transactions after it are ignored, so you can compute historical snapshots. */
  readonly asOf: TimeInput
  /**
   * `'calendar-days'` (default): whole UTC calendar days between the last order and `asOf` (an order on the as-of day
   * has recency 0). `'exact-days'`: elapsed milliseconds / 86 400 000, fractional.
   */
  readonly recency?: RfmRecencyMode
  /**
   * `'transactions'` (default): number of orders including the first (classic RFM). `'days'`: number of distinct UTC
   * days with an order (several orders on one day count once, the BTYD convention).
   */
  readonly frequency?: RfmFrequencyMode
}

/** Recency, frequency and monetary value of one customer as of a date. */
export interface RfmSummaryRow {
  /** The customer. */
  readonly customerId: EntityId
  /** Days since the last order (see {@link RfmSummaryOptions.recency}); 0 or more. */
  readonly recency: number
  /** Number of orders (or order days), including the first; 1 or more. */
  readonly frequency: number
  /** Sum of the order amounts. */
  readonly monetarySum: number
  /** Mean order amount: `monetarySum / number of transactions`. */
  readonly monetaryMean: number
  /** Days from the first order to `asOf` (customer age, the BTYD `T` in days); 0 or more. */
  readonly tenure: number
  /** Epoch milliseconds of the first order. */
  readonly firstAt: number
  /** Epoch milliseconds of the last order. */
  readonly lastAt: number
}

/** The option keys of {@link rfmSummary}. @internal */
export const RFM_SUMMARY_OPTIONS = ['asOf', 'recency', 'frequency'] as const

interface Accumulator {
  customerId: EntityId
  count: number
  days: Set<number>
  sum: number
  first: number
  last: number
}

/**
 * Classic RFM summary per customer as of a date: recency = days since the last order, frequency = number of orders
 * (including the first), monetary = sum and mean of the order amounts. Note that BTYD "recency" (age at the last
 * repeat purchase) is a different quantity: use the `/clv` summary for BTYD models.
 *
 * Rows are returned sorted by customer id (numbers numerically, then strings by code unit), so the output does not
 * depend on the input order. Customers whose every order is after `asOf` are absent.
 *
 * @throws `AnalyticsError` with code `INVALID_INPUT` (and the offending `index` in `details`) for an invalid date,
 * a non-finite amount, a missing or `NaN` customer id, an unknown `recency`/`frequency` mode or an unknown option.
 *
 * @example
 * ```ts
 * import { rfmSummary } from '@rapport/analytics/rfm'
 *
 * const rows = rfmSummary(
 *   [
 *     { customerId: 'c1', at: '2026-01-03', amount: 40 },
 *     { customerId: 'c1', at: '2026-02-10', amount: 60 },
 *     { customerId: 'c2', at: '2026-01-20', amount: 15 },
 *   ],
 *   { asOf: '2026-03-01' },
 * )
 * // [{ customerId: 'c1', recency: 19, frequency: 2, monetarySum: 100, monetaryMean: 50, tenure: 57, ... }, ...]
 * ```
 */
export function rfmSummary(
  transactions: readonly RfmTransaction[],
  options: RfmSummaryOptions,
): RfmSummaryRow[] {
  checkArray(transactions, 'transactions')
  checkOptions(options, 'options', RFM_SUMMARY_OPTIONS, { required: true })
  const asOf = toEpochMs(options.asOf, 'options.asOf')
  const recencyMode = optionalEnum(
    options.recency,
    'options.recency',
    ['calendar-days', 'exact-days'] as const,
    'calendar-days',
  )
  const frequencyMode = optionalEnum(
    options.frequency,
    'options.frequency',
    ['transactions', 'days'] as const,
    'transactions',
  )
  const byCustomer = new Map<EntityId, Accumulator>()
  transactions.forEach((tx, index) => {
    checkObject(tx, `transactions[${index}]`, { index })
    const id = tx.customerId
    if (
      (typeof id !== 'string' && typeof id !== 'number') ||
      (typeof id === 'number' && !Number.isFinite(id))
    ) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `transactions[${index}].customerId must be a string or a number`,
        {
          index,
          field: 'customerId',
        },
      )
    }
    const at = toEpochMs(tx.at, `transactions[${index}].at`, { index, field: 'at' })
    if (typeof tx.amount !== 'number' || !Number.isFinite(tx.amount)) {
      throw new AnalyticsError('INVALID_INPUT', `transactions[${index}].amount must be a finite number`, {
        index,
        field: 'amount',
        value: String(tx.amount),
      })
    }
    if (at > asOf) return
    let acc = byCustomer.get(id)
    if (!acc) {
      acc = { customerId: id, count: 0, days: new Set(), sum: 0, first: at, last: at }
      byCustomer.set(id, acc)
    }
    acc.count += 1
    acc.days.add(utcDayIndex(at))
    acc.sum += tx.amount
    if (at < acc.first) acc.first = at
    if (at > acc.last) acc.last = at
  })
  const span = (from: number): number =>
    recencyMode === 'exact-days' ? (asOf - from) / DAY_MS : utcDayIndex(asOf) - utcDayIndex(from)
  return [...byCustomer.values()]
    .sort((a, b) => compareIds(a.customerId, b.customerId))
    .map((acc) => ({
      customerId: acc.customerId,
      recency: span(acc.last),
      frequency: frequencyMode === 'days' ? acc.days.size : acc.count,
      monetarySum: acc.sum,
      monetaryMean: acc.sum / acc.count,
      tenure: span(acc.first),
      firstAt: acc.first,
      lastAt: acc.last,
    }))
}
