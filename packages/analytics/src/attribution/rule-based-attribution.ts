import { DAY_MS } from '../rfm/to-epoch-ms.js'
import { checkEnum, checkNumber, checkOptions, invalid } from '../validation/input-checks.js'
import type { AttributionResult, JourneyCredit } from './attribution-result.js'
import { channelCredits, journeyCredit, total } from './attribution-result.js'
import type { CompiledJourneys, Journey } from './journey.js'
import { readJourneys, touchTimes } from './journey.js'

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
 * @param journeys - the journeys (each with at least one touch), or {@link compileJourneys}' result
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
  journeys: readonly Journey[] | CompiledJourneys,
  model: RuleBasedModel | RuleBasedModel['kind'],
): AttributionResult {
  const spec: RuleBasedModel = typeof model === 'string' ? ({ kind: model } as RuleBasedModel) : model
  const kind = checkEnum(spec?.kind, 'model.kind', RULE_BASED_MODELS)
  const rule = shareRule(spec, kind)
  // Every rule but time decay depends on the length only: one frozen array per length, shared by the journeys.
  const byLength: (readonly number[])[] = []
  const sharesOf: ShareRule =
    kind === 'time-decay' ? rule : (n, from, times) => (byLength[n] ??= Object.freeze(rule(n, from, times)))
  const read = readJourneys(journeys)
  const times = kind === 'time-decay' ? touchTimes(read) : null
  const conversions = new Float64Array(read.channels.length)
  const values = new Float64Array(read.channels.length)
  const credits: JourneyCredit[] = new Array(read.size)
  const { offsets, touches } = read
  for (let j = 0; j < read.size; j++) {
    const from = offsets[j]!
    const n = offsets[j + 1]! - from
    const shares = sharesOf(n, from, times)
    const credit = journeyCredit(read, j, shares)
    credits[j] = credit
    const conv = read.conversions[j]!
    const touchValues = credit.touchValues
    for (let t = 0; t < n; t++) {
      const c = touches[from + t]!
      conversions[c]! += shares[t]! * conv
      values[c]! += touchValues[t]!
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

/** The shares of a journey's `n` touches, which start at `from` in the flat touch arrays (`times` for time decay). */
type ShareRule = (n: number, from: number, times: Float64Array | null) => readonly number[]

function shareRule(spec: RuleBasedModel, kind: RuleBasedModel['kind']): ShareRule {
  switch (kind) {
    case 'first-touch':
      checkOptions(spec, 'model', ['kind'])
      return (n) => {
        const shares = [1]
        for (let t = 1; t < n; t++) shares.push(0)
        return shares
      }
    case 'last-touch':
      checkOptions(spec, 'model', ['kind'])
      return (n) => {
        const shares: number[] = []
        for (let t = 1; t < n; t++) shares.push(0)
        shares.push(1)
        return shares
      }
    case 'linear':
      checkOptions(spec, 'model', ['kind'])
      return (n) => {
        const share = 1 / n
        const shares: number[] = []
        for (let t = 0; t < n; t++) shares.push(share)
        return shares
      }
    case 'time-decay': {
      const options = checkOptions<{ halfLifeMs?: number }>(spec as { halfLifeMs?: number }, 'model', [
        'kind',
        'halfLifeMs',
      ])
      const halfLife =
        options.halfLifeMs === undefined
          ? 7 * DAY_MS
          : checkNumber(options.halfLifeMs, 'model.halfLifeMs', { above: 0 })
      return (n, from, times) => timeDecayShares(times as Float64Array, from, n, halfLife)
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
  const shares = [first]
  for (let t = 1; t < n - 1; t++) shares.push(middle)
  shares.push(last)
  return shares
}

/**
 * w_t = 2^(−(conversion − t)/H), normalised; relative to the newest weight so long histories never underflow.
 * `times` were checked by `touchTimes` (which also refuses a touch after `convertedAt`); the conversion time itself
 * cancels out below.
 */
function timeDecayShares(times: Float64Array, from: number, n: number, halfLife: number): number[] {
  let newest = times[from]!
  for (let t = 1; t < n; t++) if (times[from + t]! > newest) newest = times[from + t]!
  const shares: number[] = []
  let sum = 0
  for (let t = 0; t < n; t++) {
    // 2^(−(conv − t)/H) / 2^(−(conv − newest)/H): the common factor cancels in the normalisation.
    const w = 2 ** (-(newest - times[from + t]!) / halfLife)
    shares.push(w)
    sum += w
  }
  for (let t = 0; t < n; t++) shares[t] = shares[t]! / sum
  return shares
}
