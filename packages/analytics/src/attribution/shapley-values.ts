import { mulberry32 } from '../churn/seeded-random.js'
import { AnalyticsError } from '../clv/analytics-error.js'
import {
  checkArray,
  checkFunction,
  checkNumber,
  checkOptions,
  checkString,
  invalid,
} from '../validation/input-checks.js'

/** Options of {@link shapleyValues}. */
export interface ShapleyOptions {
  /** Up to this many players the values are exact (all 2ⁿ coalitions); beyond, sampled. Default 12, at most 20. */
  readonly maxExactPlayers?: number
  /** Random permutations drawn when sampling. Default 2,000. */
  readonly samples?: number
  /** Seed of the permutation sampler (same seed, same estimate). Default 1. */
  readonly seed?: number
}

/** Shapley values of a cooperative game. */
export interface ShapleyResult {
  /** φ per player. They sum to v(all players) − v(∅) (efficiency), exactly up to rounding, also when sampled. */
  readonly values: Readonly<Record<string, number>>
  /** `exact` (every coalition evaluated) or `sampled` (random permutations). */
  readonly method: 'exact' | 'sampled'
  /** Permutations drawn (0 when exact). */
  readonly samples: number
  /**
   * Per player, the standard error of a sampled φ (0 when exact): the sample standard deviation of the player's
   * marginal contributions over √samples. The estimate is unbiased and, by the central limit theorem, within
   * ±1.96 standard errors of the exact value about 95 % of the time.
   */
  readonly standardErrors: Readonly<Record<string, number>>
}

/**
 * Shapley values φᵢ = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)) of a game given by its worth function.
 * Exact up to `maxExactPlayers` players (2ⁿ worth calls, O(n·2ⁿ) arithmetic); beyond, estimated from `samples`
 * seeded random permutations (n worth calls each), with a standard error per player.
 *
 * @param players - distinct player names (channels)
 * @param worth - v(S) for a coalition, given as the member names in the order of `players`; v(∅) is also asked
 * @param options - exact/sampled threshold, sample count and seed
 * @returns φ per player, how it was computed and the sampling error
 * @throws AnalyticsError `INVALID_INPUT` for duplicate players, bad options, or a worth that is not a finite number
 *
 * @example
 * ```ts
 * import { shapleyValues } from '@rapport/analytics/attribution'
 *
 * // Two channels that convert only together split the credit evenly.
 * const { values } = shapleyValues(['email', 'ads'], (s) => (s.length === 2 ? 1 : 0))
 * values // { email: 0.5, ads: 0.5 }
 * ```
 */
export function shapleyValues(
  players: readonly string[],
  worth: (coalition: readonly string[]) => number,
  options?: ShapleyOptions,
): ShapleyResult {
  checkArray<string>(players, 'players')
  const seen = new Set<string>()
  players.forEach((p, i) => {
    checkString(p, `players[${i}]`)
    if (seen.has(p)) invalid(`players[${i}]`, 'a name not listed before', p)
    seen.add(p)
  })
  checkFunction(worth, 'worth')
  const v = (members: Uint8Array): number => {
    const names: string[] = []
    for (let i = 0; i < players.length; i++) if (members[i]) names.push(players[i]!)
    const value = worth(names)
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AnalyticsError('INVALID_INPUT', `worth(${JSON.stringify(names)}) must be a finite number`, {
        field: 'worth',
        coalition: names,
      })
    }
    return value
  }
  const result = shapleyCore(players.length, v, options)
  const values: Record<string, number> = {}
  const standardErrors: Record<string, number> = {}
  players.forEach((p, i) => {
    values[p] = result.values[i]!
    standardErrors[p] = result.standardErrors[i]!
  })
  return { values, method: result.method, samples: result.samples, standardErrors }
}

/**
 * {@link shapleyValues} on player indexes, with a worth function over a membership vector; `vOfMask`, when given,
 * is the same worth over a bit mask of the members (bit i = player i), which the exact enumeration calls instead.
 * @internal
 */
export function shapleyCore(
  n: number,
  v: (members: Uint8Array) => number,
  options?: ShapleyOptions,
  vOfMask?: (mask: number) => number,
): { values: Float64Array; standardErrors: Float64Array; method: 'exact' | 'sampled'; samples: number } {
  const opts = checkOptions<ShapleyOptions>(options, 'options', ['maxExactPlayers', 'samples', 'seed'])
  const maxExact =
    opts.maxExactPlayers === undefined
      ? 12
      : checkNumber(opts.maxExactPlayers, 'options.maxExactPlayers', { integer: true, min: 0, max: 20 })
  const samples =
    opts.samples === undefined
      ? 2000
      : checkNumber(opts.samples, 'options.samples', { integer: true, min: 1, max: 10_000_000 })
  const seed = opts.seed === undefined ? 1 : checkNumber(opts.seed, 'options.seed', { integer: true })
  if (n <= maxExact) {
    return {
      values: exactShapley(n, vOfMask ?? byMembers(n, v)),
      standardErrors: new Float64Array(n),
      method: 'exact',
      samples: 0,
    }
  }
  return { ...sampledShapley(n, v, samples, seed), method: 'sampled', samples }
}

/** A worth over a membership vector as a worth over a bit mask. */
function byMembers(n: number, v: (members: Uint8Array) => number): (mask: number) => number {
  const members = new Uint8Array(n)
  return (mask) => {
    for (let i = 0; i < n; i++) members[i] = (mask >> i) & 1
    return v(members)
  }
}

function exactShapley(n: number, v: (mask: number) => number): Float64Array {
  const size = 1 << n
  const worths = new Float64Array(size)
  for (let mask = 0; mask < size; mask++) worths[mask] = v(mask)
  // coef[s] = s!(n−s−1)!/n! = 1 / (n · C(n−1, s))
  const coef = new Float64Array(Math.max(n, 1))
  let binom = 1
  for (let s = 0; s < n; s++) {
    coef[s] = 1 / (n * binom)
    binom = (binom * (n - 1 - s)) / (s + 1)
  }
  const phi = new Float64Array(n)
  for (let mask = 0; mask < size; mask++) {
    let s = 0
    for (let m = mask; m; m &= m - 1) s++
    for (let i = 0; i < n; i++) {
      const bit = 1 << i
      if (mask & bit) continue
      phi[i]! += coef[s]! * (worths[mask | bit]! - worths[mask]!)
    }
  }
  return phi
}

function sampledShapley(
  n: number,
  v: (members: Uint8Array) => number,
  samples: number,
  seed: number,
): { values: Float64Array; standardErrors: Float64Array } {
  const random = mulberry32(seed)
  const members = new Uint8Array(n)
  const empty = v(members)
  const mean = new Float64Array(n)
  const m2 = new Float64Array(n)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let k = 1; k <= samples; k++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    members.fill(0)
    let previous = empty
    for (const player of order) {
      members[player] = 1
      const current = v(members)
      // Welford's running mean and variance of the player's marginal contribution.
      const x = current - previous
      const delta = x - mean[player]!
      mean[player]! += delta / k
      m2[player]! += delta * (x - mean[player]!)
      previous = current
    }
  }
  const standardErrors = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    standardErrors[i] = samples > 1 ? Math.sqrt(m2[i]! / (samples - 1) / samples) : Number.POSITIVE_INFINITY
  }
  return { values: mean, standardErrors }
}
