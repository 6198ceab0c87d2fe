import { AnalyticsError } from '../clv/analytics-error.js'

/** Maps a raw signal value to 0–100 (the scorer clamps the result). */
export type HealthNormalizer = (raw: number) => number

/**
 * Linear min-max scaling: `from[0]` ↦ 0 and `from[1]` ↦ 100, clamped. Give a reversed range to invert
 * (e.g. `linearScale([30, 0])` for "days since last login": 0 days = 100, 30+ days = 0).
 *
 * @example
 * ```ts
 * linearScale([0, 10])(7.5) // 75
 * ```
 */
export function linearScale(from: readonly [number, number]): HealthNormalizer {
  const [a, b] = from
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) {
    throw new AnalyticsError('INVALID_INPUT', 'linearScale needs two different finite bounds', { from })
  }
  return (raw) => clamp(((raw - a) / (b - a)) * 100)
}

/** One step of {@link thresholdScale}. */
export interface HealthThreshold {
  /** Lower bound (inclusive) of the raw value for this step. */
  readonly atLeast: number
  /** Score (0–100) for raw values from `atLeast` up to the next step. */
  readonly score: number
}

/**
 * Step function, as in CS-platform scorecards: the score of the highest step whose `atLeast` is ≤ the raw value, or
 * `below` (default 0) under every step.
 *
 * @example
 * ```ts
 * const nps = thresholdScale([{ atLeast: -100, score: 0 }, { atLeast: 0, score: 50 }, { atLeast: 30, score: 100 }])
 * nps(12) // 50
 * ```
 */
export function thresholdScale(steps: readonly HealthThreshold[], below = 0): HealthNormalizer {
  const sorted = [...steps].sort((x, y) => x.atLeast - y.atLeast)
  return (raw) => {
    let score = below
    for (const step of sorted) if (raw >= step.atLeast) score = step.score
    return clamp(score)
  }
}

/**
 * Percentile rank in a reference population (the share of the population strictly below, plus half the ties),
 * times 100. Good for signals without a natural scale, such as seats used or API calls.
 *
 * @example
 * ```ts
 * percentileScale([10, 20, 30, 40])(30) // 62.5
 * ```
 */
export function percentileScale(population: readonly number[]): HealthNormalizer {
  const sorted = population.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) {
    throw new AnalyticsError('INVALID_INPUT', 'percentileScale needs a non-empty population', {})
  }
  return (raw) => {
    let below = 0
    let equal = 0
    for (const v of sorted) {
      if (v < raw) below++
      else if (v === raw) equal++
    }
    return clamp(((below + equal / 2) / sorted.length) * 100)
  }
}

function clamp(x: number): number {
  return Math.min(100, Math.max(0, x))
}
