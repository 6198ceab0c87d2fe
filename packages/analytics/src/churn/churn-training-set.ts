import { AnalyticsError } from '../clv/analytics-error.js'
import type { EntityId } from '../rfm/compare-ids.js'
import type { RfmTransaction } from '../rfm/rfm-summary.js'
import { rfmSummary } from '../rfm/rfm-summary.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { DAY_MS, toEpochMs } from '../rfm/to-epoch-ms.js'
import type { ChurnExample } from './churn-classifier.js'

/** Options of {@link churnFeatures}. */
export interface ChurnFeatureOptions {
  /** Snapshot date: features use only orders up to it. */
  readonly asOf: TimeInput
  /**
   * Extra features per customer (open tickets, complaints, days to contract end…), merged over the order-based ones.
   * Return `undefined` for none.
   */
  readonly extraFeatures?: (customerId: EntityId) => Readonly<Record<string, number>> | undefined
}

/** Order-based features of one customer at a snapshot. */
export interface ChurnFeatureRow {
  /** The customer. */
  readonly customerId: EntityId
  /**
   * `recency` (days since last order), `frequency` (orders), `monetary` (mean order value), `tenure` (days since the
   * first order), plus any extra features.
   */
  readonly features: Readonly<Record<string, number>>
}

/**
 * Order-based churn features per customer at a snapshot date (customers with at least one order by then):
 * recency, frequency, mean order value and tenure in days, plus your extra features.
 *
 * @example
 * ```ts
 * const current = churnFeatures(orders, { asOf: new Date(), extraFeatures: (id) => ({ openTickets: tickets[id] ?? 0 }) })
 * current.map((c) => classifier.predict(c.features))
 * ```
 */
export function churnFeatures(
  transactions: readonly RfmTransaction[],
  options: ChurnFeatureOptions,
): ChurnFeatureRow[] {
  return rfmSummary(transactions, { asOf: options.asOf }).map((row) => ({
    customerId: row.customerId,
    features: {
      recency: row.recency,
      frequency: row.frequency,
      monetary: row.monetaryMean,
      tenure: row.tenure,
      ...(options.extraFeatures?.(row.customerId) ?? {}),
    },
  }))
}

/** Options of {@link churnTrainingSet}. */
export interface ChurnTrainingSetOptions extends Omit<ChurnFeatureOptions, 'asOf'> {
  /** Snapshot date in the past: features are computed as of it. */
  readonly cutoff: TimeInput
  /** A customer "churned" when they place no order in the `horizonDays` after the cutoff. */
  readonly horizonDays: number
}

/**
 * Builds labelled examples from your own order history: features as of `cutoff` ({@link churnFeatures}), label =
 * no order in `(cutoff, cutoff + horizonDays]`. The window must lie in the past (every order in it must already be
 * recorded), otherwise recent customers look churned.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a non-positive horizon.
 *
 * @example
 * ```ts
 * const history = churnTrainingSet(orders, { cutoff: '2025-09-30', horizonDays: 90 })
 * const clf = trainChurnClassifier(history.map(({ features, churned }) => ({ features, churned })))
 * ```
 */
export function churnTrainingSet(
  transactions: readonly RfmTransaction[],
  options: ChurnTrainingSetOptions,
): (ChurnExample & { readonly customerId: EntityId })[] {
  if (!(options.horizonDays > 0)) {
    throw new AnalyticsError('INVALID_INPUT', 'horizonDays must be positive', {
      horizonDays: options.horizonDays,
    })
  }
  const cutoff = toEpochMs(options.cutoff, 'cutoff')
  const end = cutoff + options.horizonDays * DAY_MS
  const active = new Set<EntityId>()
  transactions.forEach((tx, index) => {
    const at = toEpochMs(tx.at, `transactions[${index}].at`, { index, field: 'at' })
    if (at > cutoff && at <= end) active.add(tx.customerId)
  })
  return churnFeatures(transactions, { ...options, asOf: cutoff }).map((row) => ({
    id: row.customerId,
    customerId: row.customerId,
    features: row.features,
    churned: !active.has(row.customerId),
  }))
}
