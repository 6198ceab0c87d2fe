import type { EntityId } from '../rfm/compare-ids.js'
import { allocateUnchecked } from './allocate-minor-units.js'
import type { ReadJourneys } from './journey.js'

/** The names of the attribution models. */
export type AttributionModelName =
  | 'first-touch'
  | 'last-touch'
  | 'linear'
  | 'time-decay'
  | 'position-based'
  | 'markov'
  | 'shapley'

/** What one channel is credited with. */
export interface ChannelCredit {
  /** The channel. */
  readonly channel: string
  /** Conversions credited (fractional). */
  readonly conversions: number
  /** Revenue credited, in integer minor units; the channels' values sum exactly to the total value. */
  readonly value: number
  /** Share of the credit, in [0, 1]; the shares sum to 1 (0 everywhere when nothing converted). */
  readonly share: number
}

/** How one journey's credit is split over its touches (what you persist per deal and campaign). */
export interface JourneyCredit {
  /** Position of the journey in the input. */
  readonly index: number
  /** The journey's `id`, when it had one. */
  readonly id?: EntityId
  /** Share of the journey's credit per touch, aligned with `touches`; sums to 1. */
  readonly touchShares: readonly number[]
  /** The journey's value per touch, integer minor units, aligned with `touches`; sums exactly to its value. */
  readonly touchValues: readonly number[]
}

/** The result of an attribution model. */
export interface AttributionResult {
  /** Which model produced it. */
  readonly model: AttributionModelName
  /** One entry per channel seen, most conversions first (ties by channel name). */
  readonly channels: readonly ChannelCredit[]
  /** One entry per input journey, in input order. */
  readonly journeys: readonly JourneyCredit[]
  /** Σ conversions of the journeys. */
  readonly totalConversions: number
  /** Σ value of the journeys, integer minor units; equals Σ of `channels[].value`. */
  readonly totalValue: number
}

/** Sorted channel credits from per-channel conversions and values. @internal */
export function channelCredits(
  read: ReadJourneys,
  conversions: Float64Array,
  values: ArrayLike<number>,
): ChannelCredit[] {
  let sum = 0
  for (const c of conversions) sum += c
  return read.channels
    .map((channel, c) => ({
      channel,
      conversions: conversions[c]!,
      value: values[c]!,
      share: sum > 0 ? conversions[c]! / sum : 0,
    }))
    .sort(
      (a, b) =>
        b.conversions - a.conversions ||
        b.value - a.value ||
        (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0),
    )
}

/** Σ of a typed array. @internal */
export function total(values: Float64Array): number {
  let s = 0
  for (const v of values) s += v
  return s
}

/** Frozen all-zero touch values by journey length, shared by every journey without revenue. */
const zeros: (readonly number[])[] = []

/**
 * Splits journey `j`'s value over its touches by `shares` (which sum to 1). A journey without revenue gets a shared,
 * frozen array of zeros (most journeys of a large input never converted). @internal
 */
export function journeyCredit(read: ReadJourneys, j: number, shares: readonly number[]): JourneyCredit {
  const value = read.values[j]!
  const touchValues =
    value === 0
      ? (zeros[shares.length] ??= Object.freeze(new Array<number>(shares.length).fill(0)))
      : allocateUnchecked(value, shares, 1)
  const id = read.ids[j]
  return id === undefined
    ? { index: j, touchShares: shares, touchValues }
    : { index: j, id, touchShares: shares, touchValues }
}

/**
 * Channel totals and journey splits for a data-driven model with one weight per channel: the total conversions
 * and value are shared by weight (value by largest remainder), and each journey is split over its touches in
 * proportion to its channels' weights (a channel touched twice shares its weight between the touches; equal split
 * when every weight in the journey is 0). @internal
 */
export function resultFromChannelWeights(
  model: AttributionModelName,
  read: ReadJourneys,
  weights: Float64Array,
): AttributionResult {
  const totalConversions = total(read.conversions)
  const totalValue = total(read.values)
  let weightSum = 0
  for (const w of weights) weightSum += w
  const conversions = new Float64Array(weights.length)
  if (weightSum > 0)
    for (let c = 0; c < weights.length; c++) conversions[c] = (weights[c]! / weightSum) * totalConversions
  const values =
    weightSum > 0 ? allocateUnchecked(totalValue, weights, weightSum) : new Array(weights.length).fill(0)
  if (!(weightSum > 0) && totalValue !== 0) {
    // Nothing converted under the model but revenue was recorded: keep it by splitting it evenly.
    const even = allocateUnchecked(totalValue, new Array(weights.length).fill(1), weights.length)
    for (let c = 0; c < even.length; c++) values[c] = even[c]
  }
  const journeys: JourneyCredit[] = new Array(read.size)
  const seen = new Float64Array(weights.length)
  const { offsets, touches } = read
  for (let j = 0; j < read.size; j++) {
    const from = offsets[j]!
    const to = offsets[j + 1]!
    for (let t = from; t < to; t++) seen[touches[t]!] = 0
    for (let t = from; t < to; t++) seen[touches[t]!]! += 1
    const shares: number[] = []
    let s = 0
    for (let t = from; t < to; t++) {
      const c = touches[t]!
      const w = weights[c]! / seen[c]!
      shares.push(w)
      s += w
    }
    const n = to - from
    for (let t = 0; t < n; t++) shares[t] = s > 0 ? shares[t]! / s : 1 / n
    journeys[j] = journeyCredit(read, j, shares)
  }
  return {
    model,
    channels: channelCredits(read, conversions, values),
    journeys,
    totalConversions,
    totalValue,
  }
}
