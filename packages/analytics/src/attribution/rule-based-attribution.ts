import { DAY_MS } from '../rfm/to-epoch-ms.js'
import { checkEnum, checkNumber, checkOptions, invalid } from '../validation/input-checks.js'
import type { AttributionResult, JourneyCredit } from './attribution-result.js'
import { channelCredits, journeyCredit, total } from './attribution-result.js'
import type { Journey } from './journey.js'
import { journeyTimes, readJourneys } from './journey.js'

/**
 * A rule-based attribution model. `time-decay` halves a touch's weight every `halfLifeMs` before the conversion
 * (default 7 days, Google's setting); `position-based` gives `first` and `last` to the first and last touch and
 * spreads the rest evenly over the middle (default 0.4/0.4, the "U-shaped" 40/20/40).
 */
export type RuleBasedModel =
  | { readonly kind: 'first-touch' }
  | { readonly kind: 'last-touch' }
  | { readonly kind: 'linear' }
  | { readonly kind: 'time-decay'; readonly halfLifeMs?: number }
  | { readonly kind: 'position-based'; readonly first?: number; readonly last?: number }

/** The kinds of {@link RuleBasedModel}. */
export const RULE_BASED_MODELS = [
  'first-touch',
  'last-touch',
  'linear',
  'time-decay',
  'position-based',
] as const satisfies readonly RuleBasedModel['kind'][]

/**
 * Credits each converting journey to its touches by a fixed rule: first touch, last touch, linear, time decay or
 * position-based (U-shaped). Every journey's value is split over its touches in integer minor units by largest
 * remainder, so the per-touch values sum exactly to the journey's value and the channel totals to the total value.
 *
 * Conversions are credited as `share × conversions`; journeys with `nulls` only add nothing.
 *
 * @param journeys - the journeys (each with at least one touch)
 * @param model - the rule, e.g. `{ kind: 'time-decay', halfLifeMs: 7 * 86_400_000 }`, or its name
 * @returns credit per channel and per journey
 * @throws AnalyticsError `EMPTY_JOURNEY` for a journey without touches; `INVALID_INPUT` for malformed journeys or
 *   model options (a missing `at` under time decay, a touch after `convertedAt`, position weights above 1 in total)
 *
 * @example
 * ```ts
 * import { ruleBasedAttribution } from '@rapport/analytics/attribution'
 *
 * const result = ruleBasedAttribution(
 *   [{ touches: [{ channel: 'email' }, { channel: 'ads' }, { channel: 'web' }, { channel: 'email' }], value: 10_000 }],
 *   { kind: 'position-based' },
 * )
 * result.journeys[0]?.touchValues // [4000, 1000, 1000, 4000]
 * ```
 */
export function ruleBasedAttribution(
  journeys: readonly Journey[],
  model: RuleBasedModel | RuleBasedModel['kind'],
): AttributionResult {
  const spec: RuleBasedModel = typeof model === 'string' ? ({ kind: model } as RuleBasedModel) : model
  const kind = checkEnum(spec?.kind, 'model.kind', RULE_BASED_MODELS)
  const sharesOf = shareRule(spec, kind)
  const read = readJourneys(journeys)
  const conversions = new Float64Array(read.channels.length)
  const values = new Float64Array(read.channels.length)
  const credits: JourneyCredit[] = new Array(read.paths.length)
  for (let j = 0; j < read.paths.length; j++) {
    const path = read.paths[j]!
    const shares = sharesOf(path.length, journeys[j]!, j)
    const credit = journeyCredit(read, j, shares)
    credits[j] = credit
    const conv = read.conversions[j]!
    for (let t = 0; t < path.length; t++) {
      conversions[path[t]!]! += shares[t]! * conv
      values[path[t]!]! += credit.touchValues[t]!
    }
  }
  return {
    model: kind,
    channels: channelCredits(read, conversions, values),
    journeys: credits,
    totalConversions: total(read.conversions),
    totalValue: total(read.values),
  }
}

type ShareRule = (touches: number, journey: Journey, index: number) => number[]

function shareRule(spec: RuleBasedModel, kind: RuleBasedModel['kind']): ShareRule {
  switch (kind) {
    case 'first-touch':
      checkOptions(spec, 'model', ['kind'])
      return (n) => Array.from({ length: n }, (_, t) => (t === 0 ? 1 : 0))
    case 'last-touch':
      checkOptions(spec, 'model', ['kind'])
      return (n) => Array.from({ length: n }, (_, t) => (t === n - 1 ? 1 : 0))
    case 'linear':
      checkOptions(spec, 'model', ['kind'])
      return (n) => new Array<number>(n).fill(1 / n)
    case 'time-decay': {
      const options = checkOptions<{ halfLifeMs?: number }>(spec as { halfLifeMs?: number }, 'model', [
        'kind',
        'halfLifeMs',
      ])
      const halfLife =
        options.halfLifeMs === undefined
          ? 7 * DAY_MS
          : checkNumber(options.halfLifeMs, 'model.halfLifeMs', { above: 0 })
      return (_n, journey, j) => timeDecayShares(journey, j, halfLife)
    }
    case 'position-based': {
      const options = checkOptions<{ first?: number; last?: number }>(spec as { first?: number }, 'model', [
        'kind',
        'first',
        'last',
      ])
      const first =
        options.first === undefined ? 0.4 : checkNumber(options.first, 'model.first', { min: 0, max: 1 })
      const last =
        options.last === undefined ? 0.4 : checkNumber(options.last, 'model.last', { min: 0, max: 1 })
      if (first + last > 1 + 1e-12) invalid('model.first + model.last', '≤ 1', first + last)
      return (n) => positionShares(n, first, last)
    }
  }
}

/** n = 1: all; n = 2: first and last in proportion (50/50 by default); n ≥ 3: first, last, the rest evenly. */
function positionShares(n: number, first: number, last: number): number[] {
  if (n === 1) return [1]
  if (n === 2) return first + last > 0 ? [first / (first + last), last / (first + last)] : [0.5, 0.5]
  const middle = (1 - first - last) / (n - 2)
  return Array.from({ length: n }, (_, t) => (t === 0 ? first : t === n - 1 ? last : middle))
}

/** w_t = 2^(−(conversion − t)/H), normalised; relative to the newest weight so long histories never underflow. */
function timeDecayShares(journey: Journey, j: number, halfLife: number): number[] {
  // journeyTimes also refuses a touch after `convertedAt`; the conversion time itself cancels out below.
  const { touches } = journeyTimes(journey, j)
  let newest = touches[0]!
  for (const t of touches) if (t > newest) newest = t
  const shares = new Array<number>(touches.length)
  let sum = 0
  for (let t = 0; t < touches.length; t++) {
    // 2^(−(conv − t)/H) / 2^(−(conv − newest)/H): the common factor cancels in the normalisation.
    const w = 2 ** (-(newest - touches[t]!) / halfLife)
    shares[t] = w
    sum += w
  }
  for (let t = 0; t < shares.length; t++) shares[t] = shares[t]! / sum
  return shares
}
