import { AnalyticsError } from '../clv/analytics-error.js'
import {
  checkArray,
  checkId,
  checkNumber,
  checkOptions,
  checkUniqueIds,
  optionalBoolean,
  optionalEnum,
  optionalNumber,
} from '../validation/input-checks.js'
import type { EntityId } from './compare-ids.js'
import { compareIds } from './compare-ids.js'

/**
 * How values are cut into `bins` scores, and so what happens to ties:
 *
 * - `'rank'` (default): sort by value, break ties deterministically (by id when ids are given, else by input position),
 *   then cut the ranks into equal-count bins with pandas `qcut(rank(method="first"), n)` semantics: rank `i` of `N`
 *   (1-based) gets score `max(1, ceil(n·(i−1)/(N−1)))`. Bin sizes differ by at most one (the extra customers go to the
 *   first and last bins). Equal values can get different scores.
 * - `'value'`: value-based bins that keep ties together. Bin edges are the type-7 (linear-interpolated) quantiles at
 *   `k/n`; bins are right-closed like pandas `qcut`, i.e. score = 1 + number of edges strictly below the value. Equal
 *   values always get equal scores, so on tie-heavy data some scores are empty and bins are unbalanced.
 * - `'ntile'`: exactly SQL `NTILE(n) OVER (ORDER BY value, id)`, and with `descending` exactly
 *   `NTILE(n) OVER (ORDER BY value DESC, id)`: equal-count buckets in that order, the first `N mod n` buckets one
 *   larger, the bucket number is the score. Ties are ordered by id ascending in both directions (by input position
 *   without ids), so recency scored with `descending` puts the larger buckets and the lower ids at the low scores,
 *   as the SQL does; it is not the ascending NTILE reversed.
 */
export type RfmTieRule = 'rank' | 'value' | 'ntile'

/** Options of {@link quantileScores}. */
export interface QuantileScoreOptions {
  /** Number of scores (bins), an integer ≥ 1. Default 5 (quintiles). */
  readonly bins?: number
  /** Binning rule; see {@link RfmTieRule}. Default `'rank'`. */
  readonly tieRule?: RfmTieRule
  /**
   * When true, the lowest values get the highest score (used for recency: recent = high). Default false. Under
   * `'rank'` and `'value'` the ascending scores are reversed; under `'ntile'` the values are ordered descending
   * (ties still by ascending id), as SQL's `ORDER BY value DESC, id`.
   */
  readonly descending?: boolean
  /** Tie-break keys, one per value (customer ids), unique; without them ties are broken by input position. */
  readonly ids?: readonly EntityId[]
}

/**
 * Scores each value 1…`bins` by its position in the distribution, with a documented, selectable tie rule
 * ({@link RfmTieRule}). The result is aligned with the input and deterministic: it never depends on the input order
 * when `ids` are given and unique.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a non-finite value, a bad `bins`, an unknown tie rule or option, or
 * `ids` of the wrong length or type; `DUPLICATE_ID` for repeated ids.
 *
 * @example
 * ```ts
 * quantileScores([10, 20, 20, 30, 40], { bins: 5 })                     // [1, 2, 3, 4, 5]
 * quantileScores([10, 20, 20, 30, 40], { bins: 5, tieRule: 'value' })   // [1, 2, 2, 4, 5]
 * quantileScores([3, 40, 12], { bins: 3, descending: true })            // [3, 1, 2]
 * ```
 */
export function quantileScores(values: readonly number[], options: QuantileScoreOptions = {}): number[] {
  checkArray(values, 'values')
  checkOptions(options, 'options', ['bins', 'tieRule', 'descending', 'ids'])
  const bins = optionalNumber(options.bins, 'options.bins', 5, { min: 1, integer: true })
  const rule = optionalEnum(options.tieRule, 'options.tieRule', TIE_RULES, 'rank')
  const descending = optionalBoolean(options.descending, 'options.descending', false)
  const ids = options.ids === undefined ? undefined : checkArray<EntityId>(options.ids, 'options.ids')
  if (ids && ids.length !== values.length) {
    throw new AnalyticsError('INVALID_INPUT', 'ids must have one entry per value', {
      values: values.length,
      ids: ids.length,
    })
  }
  values.forEach((v, index) => {
    checkNumber(v, `values[${index}]`, {}, { index })
  })
  if (ids) {
    ids.forEach((id, index) => {
      checkId(id, `options.ids[${index}]`, { index })
    })
    checkUniqueIds(ids, 'options.ids')
  }
  const n = values.length
  // SQL NTILE with DESC orders the values descending but still breaks ties by ascending id.
  const sign = rule === 'ntile' && descending ? -1 : 1
  const order = values.map((_, i) => i)
  order.sort((a, b) => {
    const dv = sign * (values[a]! - values[b]!)
    if (dv !== 0) return dv
    if (ids) {
      const di = compareIds(ids[a]!, ids[b]!)
      if (di !== 0) return di
    }
    return a - b
  })
  const scores = new Array<number>(n)
  if (rule === 'value') {
    const sorted = order.map((i) => values[i]!)
    const edges: number[] = []
    for (let k = 1; k < bins; k++) {
      // type-7 quantile at k/bins, with the index split in integers so that it is exact
      const lo = Math.floor(((n - 1) * k) / bins)
      const frac = (((n - 1) * k) % bins) / bins
      const a = sorted[lo]!
      const b = sorted[Math.min(lo + 1, n - 1)]!
      edges.push(frac === 0 ? a : a + frac * (b - a))
    }
    for (let i = 0; i < n; i++) {
      const v = values[i]!
      let score = 1
      for (const edge of edges) if (v > edge) score++
      scores[i] = score
    }
  } else if (rule === 'rank') {
    order.forEach((index, p) => {
      scores[index] = n === 1 ? 1 : Math.max(1, Math.ceil((bins * p) / (n - 1)))
    })
  } else {
    const q = Math.floor(n / bins)
    const r = n % bins
    order.forEach((index, p) => {
      scores[index] =
        p < r * (q + 1) ? Math.floor(p / (q + 1)) + 1 : r + Math.floor((p - r * (q + 1)) / q) + 1
    })
  }
  return descending && rule !== 'ntile' ? scores.map((s) => bins + 1 - s) : scores
}

/** The tie rules of {@link quantileScores}. @internal */
export const TIE_RULES = ['rank', 'value', 'ntile'] as const satisfies readonly RfmTieRule[]
