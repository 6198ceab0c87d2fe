import { checkOptions, optionalEnum } from '../validation/input-checks.js'
import type { AttributionResult } from './attribution-result.js'
import { resultFromChannelWeights } from './attribution-result.js'
import type { Journey } from './journey.js'
import { readJourneys } from './journey.js'
import type { ShapleyOptions } from './shapley-values.js'
import { shapleyCore } from './shapley-values.js'

/**
 * The worth v(S) of a set S of channels, from the journeys whose distinct channels all lie in S:
 * - `rate` (default): Σ over those channel sets T of T's conversion rate conv/(conv + nulls), as in the common
 *   marketing recipe (each exclusive channel set's rate is its worth);
 * - `conversions`: Σ of their conversions;
 * - `pooled-rate`: their conversions over their conversions + nulls (one pooled rate; not additive).
 */
export type ShapleyWorth = 'rate' | 'conversions' | 'pooled-rate'

/** Options of {@link shapleyAttribution}. */
export interface ShapleyAttributionOptions extends ShapleyOptions {
  /** How a channel set's worth is measured; default `rate`. */
  readonly worth?: ShapleyWorth
}

/** The result of {@link shapleyAttribution}. */
export interface ShapleyAttributionResult extends AttributionResult {
  /** φ per channel (credit shares are max(φ, 0) normalised). */
  readonly shapleyValues: Readonly<Record<string, number>>
  /** `exact` or `sampled` (see {@link ShapleyResult}). */
  readonly method: 'exact' | 'sampled'
  /** Standard error per channel of a sampled φ (0 when exact). */
  readonly standardErrors: Readonly<Record<string, number>>
}

/**
 * Data-driven attribution by Shapley values over channel coalitions. Journeys are grouped by their set of distinct
 * channels T; v(S) is built from the groups with T ⊆ S (see {@link ShapleyWorth}). Channels get `φ / Σ φ` of the
 * conversions (negative φ count as 0), and of the value by largest remainder in integer minor units; each journey's
 * own value is split over its touches in proportion to its channels' φ.
 *
 * With the additive worths (`rate`, `conversions`) v is a sum of unanimity games, so φᵢ = Σ_{T ∋ i} w(T)/|T|
 * (each channel set's worth shared equally by its channels): exact at any number of channels, in one pass. The
 * `pooled-rate` worth has no such form: exact up to `maxExactPlayers` (12) channels, sampled beyond, with a
 * standard error per channel.
 *
 * @param journeys - converting and non-converting paths
 * @param options - worth and, for `pooled-rate`, the exact/sampled settings of {@link shapleyValues}
 * @returns credit per channel and journey, φ, method and standard errors
 * @throws AnalyticsError `EMPTY_JOURNEY` for a journey without touches, `INVALID_INPUT` for malformed input
 *
 * @example
 * ```ts
 * import { shapleyAttribution } from '@rapport/analytics/attribution'
 *
 * const result = shapleyAttribution([
 *   { touches: [{ channel: 'email' }], conversions: 1, nulls: 4, value: 5_000 },
 *   { touches: [{ channel: 'email' }, { channel: 'ads' }], conversions: 3, nulls: 2, value: 15_000 },
 * ])
 * result.shapleyValues // { email: 0.5, ads: 0.3 }
 * ```
 */
export function shapleyAttribution(
  journeys: readonly Journey[],
  options?: ShapleyAttributionOptions,
): ShapleyAttributionResult {
  const opts = checkOptions<ShapleyAttributionOptions>(options, 'options', [
    'worth',
    'maxExactPlayers',
    'samples',
    'seed',
  ])
  const worth = optionalEnum(opts.worth, 'options.worth', ['rate', 'conversions', 'pooled-rate'], 'rate')
  const read = readJourneys(journeys)
  const n = read.channels.length
  // Group the journeys by their distinct channel set.
  const groups = new Map<string, { members: number[]; conversions: number; trials: number }>()
  for (let j = 0; j < read.paths.length; j++) {
    const members = [...new Set(read.paths[j]!)].sort((a, b) => a - b)
    const key = members.join(',')
    let group = groups.get(key)
    if (!group) {
      group = { members, conversions: 0, trials: 0 }
      groups.set(key, group)
    }
    group.conversions += read.conversions[j]!
    group.trials += read.conversions[j]! + read.nulls[j]!
  }
  let phi: Float64Array
  let standardErrors: Float64Array = new Float64Array(n)
  let method: 'exact' | 'sampled' = 'exact'
  if (worth === 'pooled-rate') {
    const list = [...groups.values()]
    const result = shapleyCore(
      n,
      (inS) => {
        let conversions = 0
        let trials = 0
        for (const g of list) {
          if (g.members.every((c) => inS[c] === 1)) {
            conversions += g.conversions
            trials += g.trials
          }
        }
        return trials > 0 ? conversions / trials : 0
      },
      { maxExactPlayers: opts.maxExactPlayers, samples: opts.samples, seed: opts.seed },
    )
    phi = result.values
    standardErrors = result.standardErrors
    method = result.method
  } else {
    phi = new Float64Array(n)
    for (const g of groups.values()) {
      const w = worth === 'rate' ? (g.trials > 0 ? g.conversions / g.trials : 0) : g.conversions
      for (const c of g.members) phi[c]! += w / g.members.length
    }
  }
  const weights = phi.map((x) => Math.max(0, x))
  const shapley: Record<string, number> = {}
  const errors: Record<string, number> = {}
  read.channels.forEach((channel, c) => {
    shapley[channel] = phi[c]!
    errors[channel] = standardErrors[c]!
  })
  return {
    ...resultFromChannelWeights('shapley', read, weights),
    shapleyValues: shapley,
    method,
    standardErrors: errors,
  }
}
