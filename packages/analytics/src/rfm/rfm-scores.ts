import {
  checkArray,
  checkId,
  checkNumber,
  checkObject,
  checkOptions,
  checkUniqueIds,
  optionalEnum,
  optionalNumber,
} from '../validation/input-checks.js'
import type { RfmTieRule } from './quantile-scores.js'
import { quantileScores, TIE_RULES } from './quantile-scores.js'
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

/** The option keys of {@link rfmScores}. @internal */
export const RFM_SCORE_OPTIONS = ['bins', 'tieRule', 'monetary'] as const

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
  /** The number of score levels the row was scored with, so a segment map for another bin count can refuse it. */
  readonly bins: number
}

/**
 * Scores RFM summary rows into `bins` levels per dimension. Recency is inverted (recent = high); frequency and
 * monetary are not. Ties are handled by the selected {@link RfmTieRule}; with the default `'rank'` rule they are
 * broken by customer id, so the result does not depend on row order. With `tieRule: 'ntile'` the scores equal SQL's
 * `NTILE(bins) OVER (ORDER BY recency DESC, customerId)`, `NTILE(bins) OVER (ORDER BY frequency, customerId)` and
 * `NTILE(bins) OVER (ORDER BY monetary, customerId)`.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a malformed row (id, non-finite or negative recency/frequency,
 * non-finite monetary), an unknown tie rule or monetary basis, bad bins or an unknown option; `DUPLICATE_ID` when a
 * customer appears twice (each would otherwise take a place in the quantiles).
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
  checkArray(rows, 'rows')
  checkOptions(options, 'options', RFM_SCORE_OPTIONS)
  const bins = optionalNumber(options.bins, 'options.bins', 5, { min: 1, integer: true })
  const tieRule = optionalEnum(options.tieRule, 'options.tieRule', TIE_RULES, 'rank')
  const monetary = optionalEnum(options.monetary, 'options.monetary', ['sum', 'mean'] as const, 'sum')
  rows.forEach((row, index) => {
    const at = `rows[${index}]`
    checkObject(row, at, { index })
    checkId(row.customerId, `${at}.customerId`, { index })
    checkNumber(row.recency, `${at}.recency`, { min: 0 }, { index })
    checkNumber(row.frequency, `${at}.frequency`, { min: 0 }, { index })
    checkNumber(
      monetary === 'mean' ? row.monetaryMean : row.monetarySum,
      `${at}.${monetary === 'mean' ? 'monetaryMean' : 'monetarySum'}`,
      {},
      { index },
    )
  })
  checkUniqueIds(
    rows.map((r) => r.customerId),
    'rows',
  )
  const common = { bins, tieRule, ids: rows.map((r) => r.customerId) }
  const r = quantileScores(
    rows.map((row) => row.recency),
    { ...common, descending: true },
  )
  const f = quantileScores(
    rows.map((row) => row.frequency),
    common,
  )
  const m = quantileScores(
    rows.map((row) => (monetary === 'mean' ? row.monetaryMean : row.monetarySum)),
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
    bins,
  }))
}
