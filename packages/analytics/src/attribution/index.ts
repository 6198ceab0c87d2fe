/**
 * Multi-touch attribution over plain arrays of customer journeys: rule-based models (first touch, last touch,
 * linear, time decay, position-based) and data-driven ones (Markov removal effect solved exactly as an absorbing
 * chain; Shapley values). Revenue is credited in integer minor units by largest remainder, so the credits always
 * sum exactly to the revenue.
 *
 * @example
 * ```ts
 * import { markovAttribution, ruleBasedAttribution } from '@rapport/analytics/attribution'
 *
 * const journeys = [
 *   { id: 'deal_1', touches: [{ channel: 'email' }, { channel: 'webinar' }], value: 120_000 },
 *   { id: 'deal_2', touches: [{ channel: 'ads' }], conversions: 0, nulls: 1 },
 * ]
 * ruleBasedAttribution(journeys, 'linear').channels
 * markovAttribution(journeys).removalEffects
 * ```
 *
 * @module
 */
export { allocateMinorUnits } from './allocate-minor-units.js'
export type {
  AttributionModelName,
  AttributionResult,
  ChannelCredit,
  JourneyCredit,
} from './attribution-result.js'
export type { CompiledJourneys, Journey, Touch } from './journey.js'
export { compileJourneys } from './journey.js'
export type { MarkovAttributionResult } from './markov-attribution.js'
export { markovAttribution } from './markov-attribution.js'
export type { RuleBasedModel } from './rule-based-attribution.js'
export { RULE_BASED_MODELS, ruleBasedAttribution } from './rule-based-attribution.js'
export type {
  ShapleyAttributionOptions,
  ShapleyAttributionResult,
  ShapleyWorth,
} from './shapley-attribution.js'
export { shapleyAttribution } from './shapley-attribution.js'
export type { ShapleyOptions, ShapleyResult } from './shapley-values.js'
export { shapleyValues } from './shapley-values.js'
