import { AnalyticsError } from '../clv/analytics-error.js'
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
 * - `'ntile'`: SQL `NTILE(n) OVER (ORDER BY value, id)`: equal-count buckets, the first `N mod n` buckets one larger.
 *   Ties are broken like `'rank'`.
 */
export type RfmTieRule = 'rank' | 'value' | 'ntile'

/** Options of {@link quantileScores}. */
export interface QuantileScoreOptions {
  /** Number of scores (bins), an integer ≥ 1. Default 5 (quintiles). */
  readonly bins?: number
  /** Binning rule; see {@link RfmTieRule}. Default `'rank'`. */
  readonly tieRule?: RfmTieRule
  /** When true, the lowest values get the highest score (used for recency: recent = high). Default false. */
  readonly descending?: boolean
  /** Tie-break keys, one per value (customer ids); without them ties are broken by input position. */
  readonly ids?: readonly EntityId[]
}

/**
 * Scores each value 1…`bins` by its position in the distribution, with a documented, selectable tie rule
 * ({@link RfmTieRule}). The result is aligned with the input and deterministic: it never depends on the input order
 * when `ids` are given and unique.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a non-finite value, a bad `bins`, or `ids` of the wrong length.
 *
 * @example
 * ```ts
 * quantileScores([10, 20, 20, 30, 40], { bins: 5 })                     // [1, 2, 3, 4, 5]
 * quantileScores([10, 20, 20, 30, 40], { bins: 5, tieRule: 'value' })   // [1, 2, 2, 4, 5]
 * quantileScores([3, 40, 12], { bins: 3, descending: true })            // [3, 1, 2]
 * ```
 */
export function quantileScores(values: readonly number[], options: QuantileScoreOptions = {}): number[] {
  const bins = options.bins ?? 5
  const rule = options.tieRule ?? 'rank'
  const ids = options.ids
  if (!Number.isInteger(bins) || bins < 1) {
    throw new AnalyticsError('INVALID_INPUT', `bins must be a positive integer, got ${bins}`, { bins })
  }
  if (ids && ids.length !== values.length) {
    throw new AnalyticsError('INVALID_INPUT', 'ids must have one entry per value', {
      values: values.length,
      ids: ids.length,
    })
  }
  values.forEach((v, index) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new AnalyticsError('INVALID_INPUT', `values[${index}] must be a finite number`, { index })
    }
  })
  if (rule !== 'rank' && rule !== 'value' && rule !== 'ntile') {
    throw new AnalyticsError('INVALID_INPUT', `unknown tie rule ${String(rule)}`, { tieRule: rule })
  }
  const n = values.length
  const order = values.map((_, i) => i)
  order.sort((a, b) => {
    const dv = values[a]! - values[b]!
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
  return options.descending ? scores.map((s) => bins + 1 - s) : scores
}
