import { checkOptions, optionalEnum } from '../validation/input-checks.js'
import type { AttributionResult } from './attribution-result.js'
import { resultFromChannelWeights } from './attribution-result.js'
import type { CompiledJourneys, Journey, ReadJourneys } from './journey.js'
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
 * @param journeys - converting and non-converting paths, or {@link compileJourneys}' result
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
  journeys: readonly Journey[] | CompiledJourneys,
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
  const groups = channelSets(read)
  let phi: Float64Array
  let standardErrors: Float64Array = new Float64Array(n)
  let method: 'exact' | 'sampled' = 'exact'
  if (worth === 'pooled-rate') {
    const { masks, conversions, trials } = groups
    const count = conversions.length
    // v(S) = Σ conversions / Σ trials over the channel sets T ⊆ S, summed in the order the sets first occur.
    const ofMask = (mask: number): number => {
      let conv = 0
      let tried = 0
      for (let g = 0; g < count; g++) {
        if ((masks![g]! & ~mask) === 0) {
          conv += conversions[g]!
          tried += trials[g]!
        }
      }
      return tried > 0 ? conv / tried : 0
    }
    const ofMembers = (inS: Uint8Array): number => {
      if (masks) {
        let mask = 0
        for (let c = 0; c < n; c++) if (inS[c] === 1) mask |= 1 << c
        return ofMask(mask)
      }
      let conv = 0
      let tried = 0
      for (let g = 0; g < count; g++) {
        if (groups.members[g]!.every((c) => inS[c] === 1)) {
          conv += conversions[g]!
          tried += trials[g]!
        }
      }
      return tried > 0 ? conv / tried : 0
    }
    const result = shapleyCore(
      n,
      ofMembers,
      { maxExactPlayers: opts.maxExactPlayers, samples: opts.samples, seed: opts.seed },
      masks ? ofMask : undefined,
    )
    phi = result.values
    standardErrors = result.standardErrors
    method = result.method
  } else {
    phi = new Float64Array(n)
    for (let g = 0; g < groups.conversions.length; g++) {
      const members = groups.members[g]!
      const conv = groups.conversions[g]!
      const tried = groups.trials[g]!
      const w = worth === 'rate' ? (tried > 0 ? conv / tried : 0) : conv
      for (const c of members) phi[c]! += w / members.length
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

/** The journeys grouped by their set of distinct channels, in the order the sets first occur. */
interface ChannelSets {
  /** Each set's channels, ascending. */
  readonly members: number[][]
  /** Each set as a bit mask (bit c = channel c), when there are at most 30 channels; else `null`. */
  readonly masks: Int32Array | null
  readonly conversions: Float64Array
  readonly trials: Float64Array
}

/** Groups the journeys by channel set: keyed by bit mask up to 30 channels, by the joined indexes beyond. */
function channelSets(read: ReadJourneys): ChannelSets {
  const n = read.channels.length
  const byMask = n <= 30
  const { offsets, touches } = read
  const slot = new Map<number | string, number>()
  const members: number[][] = []
  const masks: number[] = []
  const conversions: number[] = []
  const trials: number[] = []
  for (let j = 0; j < read.size; j++) {
    let key: number | string
    let set: number[] | null = null
    if (byMask) {
      let mask = 0
      for (let t = offsets[j]!; t < offsets[j + 1]!; t++) mask |= 1 << touches[t]!
      key = mask
    } else {
      set = [...new Set(touches.subarray(offsets[j]!, offsets[j + 1]!))].sort((a, b) => a - b)
      key = set.join(',')
    }
    let g = slot.get(key)
    if (g === undefined) {
      g = members.length
      slot.set(key, g)
      if (set === null) {
        set = []
        for (let c = 0; c < n; c++) if (((key as number) >> c) & 1) set.push(c)
      }
      members.push(set)
      masks.push(byMask ? (key as number) : 0)
      conversions.push(0)
      trials.push(0)
    }
    conversions[g]! += read.conversions[j]!
    trials[g]! += read.conversions[j]! + read.nulls[j]!
  }
  return {
    members,
    masks: byMask ? Int32Array.from(masks) : null,
    conversions: Float64Array.from(conversions),
    trials: Float64Array.from(trials),
  }
}
