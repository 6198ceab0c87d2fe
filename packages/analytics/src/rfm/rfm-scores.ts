import type { RfmTieRule } from './quantile-scores.js'
import { quantileScores } from './quantile-scores.js'
import type { RfmSummaryRow } from './rfm-summary.js'

/** Which monetary figure {@link rfmScores} scores. */
export type RfmMonetaryBasis = 'sum' | 'mean'

/** Options of {@link rfmScores}. */
export interface RfmScoreOptions {
  /** Score levels per dimension. Default 5 (quintiles). */
  readonly bins?: number
  /** Binning and tie rule; see {@link RfmTieRule}. Default `'rank'` (ties broken by customer id). */
  readonly tieRule?: RfmTieRule
  /** Score the total (`'sum'`, default) or the mean order value (`'mean'`). */
  readonly monetary?: RfmMonetaryBasis
}

/** An {@link RfmSummaryRow} with its scores. */
export interface RfmScoredRow extends RfmSummaryRow {
  /** Recency score, 1…bins; inverted so that the most recent customers score highest. */
  readonly r: number
  /** Frequency score, 1…bins (most orders = highest). */
  readonly f: number
  /** Monetary score, 1…bins (highest spend = highest). */
  readonly m: number
  /** `${r}${f}${m}`, e.g. `'545'` (scores are joined with `-` when bins > 9). */
  readonly code: string
  /** `${r}${f}`, e.g. `'54'` (joined with `-` when bins > 9). */
  readonly rfCode: string
}

/**
 * Scores RFM summary rows into `bins` levels per dimension. Recency is inverted (recent = high); frequency and
 * monetary are not. Ties are handled by the selected {@link RfmTieRule}; with the default `'rank'` rule they are
 * broken by customer id, so the result does not depend on row order.
 *
 * @example
 * ```ts
 * import { rfmScores, rfmSummary } from '@rapport/analytics/rfm'
 *
 * const scored = rfmScores(rfmSummary(transactions, { asOf: '2026-03-01' }), { tieRule: 'value' })
 * scored[0] // { customerId, recency, frequency, ..., r: 5, f: 3, m: 4, code: '534', rfCode: '53' }
 * ```
 */
export function rfmScores(rows: readonly RfmSummaryRow[], options: RfmScoreOptions = {}): RfmScoredRow[] {
  const bins = options.bins ?? 5
  const common = { bins, tieRule: options.tieRule ?? 'rank', ids: rows.map((r) => r.customerId) }
  const r = quantileScores(
    rows.map((row) => row.recency),
    { ...common, descending: true },
  )
  const f = quantileScores(
    rows.map((row) => row.frequency),
    common,
  )
  const m = quantileScores(
    rows.map((row) => (options.monetary === 'mean' ? row.monetaryMean : row.monetarySum)),
    common,
  )
  const sep = bins > 9 ? '-' : ''
  return rows.map((row, i) => ({
    ...row,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    code: [r[i], f[i], m[i]].join(sep),
    rfCode: [r[i], f[i]].join(sep),
  }))
}
