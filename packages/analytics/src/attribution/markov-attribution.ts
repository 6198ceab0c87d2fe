import { solveLinearSystem } from '../churn/solve-linear-system.js'
import { AnalyticsError } from '../clv/analytics-error.js'
import type { AttributionResult } from './attribution-result.js'
import { resultFromChannelWeights } from './attribution-result.js'
import type { CompiledJourneys, Journey } from './journey.js'
import { readJourneys } from './journey.js'

/** The result of {@link markovAttribution}: the credit plus the chain's absorption figures. */
export interface MarkovAttributionResult extends AttributionResult {
  /** P(conversion) from the start state of the fitted chain. */
  readonly conversionProbability: number
  /** Per channel, the removal effect 1 − P(without the channel)/P, in [0, 1]. */
  readonly removalEffects: Readonly<Record<string, number>>
}

/**
 * Data-driven attribution by the first-order Markov removal effect, solved exactly as an absorbing Markov chain
 * (a linear solve, not a Monte-Carlo simulation, so results do not vary from run to run).
 *
 * States are (start), the channels, (conversion) and (null). Each path adds `conversions + nulls` to each of its
 * transitions, `conversions` to last-touch → (conversion) and `nulls` to last-touch → (null). P is the probability of
 * absorption in (conversion) from (start), from `(I − Q) x = r`. Removing a channel sends every transition into it
 * to (null); its removal effect is RE = 1 − P(without it)/P. Channels get `RE / Σ RE` of the conversions, and of the
 * value by largest remainder in integer minor units. Each journey's own value is split over its touches in
 * proportion to its channels' removal effects.
 *
 * Cost: one n×n solve per channel (n channels), after one pass over the touches.
 *
 * @param journeys - converting and non-converting paths (`conversions`, `nulls`), or {@link compileJourneys}' result
 * @returns credit per channel and journey, P(conversion) and the removal effects
 * @throws AnalyticsError `EMPTY_JOURNEY` for a journey without touches, `INVALID_INPUT` for malformed journeys
 *
 * @example
 * ```ts
 * import { markovAttribution } from '@rapport/analytics/attribution'
 *
 * const result = markovAttribution([
 *   { touches: [{ channel: 'google ads' }], conversions: 2 },
 *   { touches: [{ channel: 'mailing' }], conversions: 1 },
 *   { touches: [{ channel: 'google ads' }, { channel: 'mailing' }], conversions: 1 },
 *   { touches: [{ channel: 'google ads' }], conversions: 0, nulls: 1 },
 * ])
 * result.conversionProbability // 0.8
 * result.removalEffects // { 'google ads': 0.75, mailing: 0.5 }
 * ```
 */
export function markovAttribution(journeys: readonly Journey[] | CompiledJourneys): MarkovAttributionResult {
  const read = readJourneys(journeys)
  const n = read.channels.length
  // counts[i][j]: i = channel (0…n−1) or start (n); j = channel, conversion (n) or null (n + 1).
  const counts = Array.from({ length: n + 1 }, () => new Float64Array(n + 2))
  const { offsets, touches } = read
  for (let j = 0; j < read.size; j++) {
    const conv = read.conversions[j]!
    const weight = conv + read.nulls[j]!
    if (weight === 0) continue
    let from = n
    for (let t = offsets[j]!; t < offsets[j + 1]!; t++) {
      const c = touches[t]!
      counts[from]![c]! += weight
      from = c
    }
    counts[from]![n]! += conv
    counts[from]![n + 1]! += read.nulls[j]!
  }
  const rowTotal = counts.map((row) => row.reduce((a, b) => a + b, 0))
  const absorption = (removed: number): number => {
    // (I − Q) x = r over the channel states; a removed channel is pinned to x = 0 (it leads to null).
    const A: number[][] = []
    const b: number[] = []
    for (let i = 0; i < n; i++) {
      const row = new Array<number>(n).fill(0)
      row[i] = 1
      if (i === removed || rowTotal[i] === 0) {
        A.push(row)
        b.push(0)
        continue
      }
      for (let k = 0; k < n; k++) row[k]! -= counts[i]![k]! / rowTotal[i]!
      A.push(row)
      b.push(counts[i]![n]! / rowTotal[i]!)
    }
    const x = solveLinearSystem(A, b)
    if (x === null) {
      // Unreachable for chains built from finite paths (every state reaches an end), kept as a typed guard.
      throw new AnalyticsError('NOT_CONVERGED', 'the Markov chain has a closed loop without absorption', {})
    }
    let p = 0
    const start = counts[n]!
    if (rowTotal[n] === 0) return 0
    for (let c = 0; c < n; c++) if (c !== removed) p += (start[c]! / rowTotal[n]!) * x[c]!
    return p
  }
  const base = absorption(-1)
  const effects = new Float64Array(n)
  const removalEffects: Record<string, number> = {}
  for (let c = 0; c < n; c++) {
    const effect = base > 0 ? Math.min(1, Math.max(0, 1 - absorption(c) / base)) : 0
    effects[c] = effect
    removalEffects[read.channels[c]!] = effect
  }
  return {
    ...resultFromChannelWeights('markov', read, effects),
    conversionProbability: base,
    removalEffects,
  }
}
