import { AnalyticsError } from '../clv/analytics-error.js'
import type { HealthNormalizer } from './health-normalizers.js'

/** Red / amber / green. */
export type HealthBand = 'red' | 'amber' | 'green'

/** One pluggable signal of a health score. */
export interface HealthSignal<I> {
  /** Unique key, e.g. `'usage'`. */
  readonly key: string
  /** Relative weight, > 0. Weights need not sum to anything. */
  readonly weight: number
  /** Reads the raw value from your input; `null`, `undefined` or a non-finite number mean "missing". */
  readonly value: (input: I) => number | null | undefined
  /** Maps the raw value to 0–100; omit when the value already is 0–100. */
  readonly normalize?: HealthNormalizer
}

/** Band thresholds: score ≤ `redMax` is red, ≤ `amberMax` amber, above it green. */
export interface HealthBands {
  /** Highest red score; default 50. */
  readonly redMax: number
  /** Highest amber score; default 75. */
  readonly amberMax: number
}

/** Configuration of {@link createHealthScorer}. */
export interface HealthScoreConfig<I> {
  /** The signals, at least one. */
  readonly signals: readonly HealthSignal<I>[]
  /** Band thresholds; default Gainsight-style `{ redMax: 50, amberMax: 75 }`. */
  readonly bands?: HealthBands
  /** Score changes of at most this many points count as `'flat'`; default 1. */
  readonly trendTolerance?: number
}

/** How one signal entered the score. */
export interface HealthSignalScore {
  /** The signal key. */
  readonly key: string
  /** Raw value, or `null` when missing. */
  readonly raw: number | null
  /** Normalised 0–100 value, or `null` when missing. */
  readonly normalized: number | null
  /** Configured weight. */
  readonly weight: number
  /** Weight share after dropping missing signals (sums to 1 over present signals; 0 when missing). */
  readonly effectiveWeight: number
  /** `effectiveWeight × normalized`: the points this signal adds to the score (sums to the score). */
  readonly contribution: number
}

/** Movement against the previous score. */
export interface HealthTrend {
  /** The previous score. */
  readonly previous: number
  /** `score − previous`. */
  readonly delta: number
  /** `'up'`, `'down'`, or `'flat'` within the tolerance. */
  readonly direction: 'up' | 'down' | 'flat'
}

/** Result of a health scorer. */
export interface HealthScoreResult {
  /** Weighted mean of the present signals (0–100), or `null` when every signal is missing. */
  readonly score: number | null
  /** Band of the score, or `null` without a score. */
  readonly band: HealthBand | null
  /** Per-signal breakdown in configuration order. */
  readonly signals: readonly HealthSignalScore[]
  /** Keys of the missing signals. */
  readonly missing: readonly string[]
  /** Share of the total weight that was present (1 = no signal missing). */
  readonly coverage: number
  /** Trend against the previous score, when one was given and both scores exist. */
  readonly trend: HealthTrend | null
}

/** Scores one input; see {@link createHealthScorer}. */
export type HealthScorer<I> = (input: I, previous?: number | HealthScoreResult | null) => HealthScoreResult

/**
 * Builds a health scorer: each signal is read from the input and normalised to 0–100, the score is the weighted mean
 * `Σ wᵢxᵢ / Σ wᵢ` over the signals that are present (missing signals are dropped and the remaining weights
 * renormalised, as Gainsight does), banded red/amber/green, and compared with the previous score for a trend.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for no signals, duplicate keys, non-positive weights or unordered bands
 * (at creation), and when a normaliser returns a non-finite number (at scoring).
 *
 * @example
 * ```ts
 * import { createHealthScorer, linearScale } from '@rapport/analytics/churn'
 *
 * const score = createHealthScorer<{ logins30d: number; openTickets: number; nps?: number }>({
 *   signals: [
 *     { key: 'usage', weight: 3, value: (a) => a.logins30d, normalize: linearScale([0, 20]) },
 *     { key: 'support', weight: 2, value: (a) => a.openTickets, normalize: linearScale([5, 0]) },
 *     { key: 'nps', weight: 1, value: (a) => a.nps, normalize: linearScale([-100, 100]) },
 *   ],
 * })
 * score({ logins30d: 12, openTickets: 1 }, 70) // { score: 68, band: 'amber', missing: ['nps'], trend: { delta: -2, ... } }
 * ```
 */
export function createHealthScorer<I>(config: HealthScoreConfig<I>): HealthScorer<I> {
  const { signals } = config
  const bands = config.bands ?? { redMax: 50, amberMax: 75 }
  const tolerance = config.trendTolerance ?? 1
  if (signals.length === 0)
    throw new AnalyticsError('INVALID_INPUT', 'a health score needs at least one signal', {})
  const keys = new Set<string>()
  for (const s of signals) {
    if (keys.has(s.key))
      throw new AnalyticsError('INVALID_INPUT', `duplicate signal key ${s.key}`, { key: s.key })
    keys.add(s.key)
    if (!(s.weight > 0) || !Number.isFinite(s.weight)) {
      throw new AnalyticsError('INVALID_INPUT', `signal ${s.key} needs a positive finite weight`, {
        key: s.key,
      })
    }
  }
  if (!(bands.redMax <= bands.amberMax)) {
    throw new AnalyticsError('INVALID_INPUT', 'bands.redMax must not exceed bands.amberMax', { ...bands })
  }
  if (!(tolerance >= 0))
    throw new AnalyticsError('INVALID_INPUT', 'trendTolerance must be ≥ 0', { tolerance })
  const totalWeight = signals.reduce((s, x) => s + x.weight, 0)

  return (input, previous) => {
    const read = signals.map((s) => {
      const raw = s.value(input)
      if (raw === null || raw === undefined || !Number.isFinite(raw))
        return { s, raw: null, normalized: null }
      const n = s.normalize ? s.normalize(raw) : raw
      if (!Number.isFinite(n)) {
        throw new AnalyticsError('INVALID_INPUT', `signal ${s.key} normalised ${raw} to ${n}`, {
          key: s.key,
          raw,
        })
      }
      return { s, raw, normalized: Math.min(100, Math.max(0, n)) }
    })
    const presentWeight = read.reduce((acc, r) => acc + (r.normalized === null ? 0 : r.s.weight), 0)
    const breakdown: HealthSignalScore[] = read.map(({ s, raw, normalized }) => {
      const effectiveWeight = normalized === null ? 0 : s.weight / presentWeight
      return {
        key: s.key,
        raw,
        normalized,
        weight: s.weight,
        effectiveWeight,
        contribution: normalized === null ? 0 : effectiveWeight * normalized,
      }
    })
    const score = presentWeight > 0 ? breakdown.reduce((acc, b) => acc + b.contribution, 0) : null
    const band: HealthBand | null =
      score === null ? null : score <= bands.redMax ? 'red' : score <= bands.amberMax ? 'amber' : 'green'
    const prev = typeof previous === 'number' ? previous : (previous?.score ?? null)
    let trend: HealthTrend | null = null
    if (score !== null && prev !== null && Number.isFinite(prev)) {
      const delta = score - prev
      trend = {
        previous: prev,
        delta,
        direction: delta > tolerance ? 'up' : delta < -tolerance ? 'down' : 'flat',
      }
    }
    return {
      score,
      band,
      signals: breakdown,
      missing: breakdown.filter((b) => b.normalized === null).map((b) => b.key),
      coverage: presentWeight / totalWeight,
      trend,
    }
  }
}
