/**
 * The optimised attribution path (journeys compiled once into flat typed arrays, shared share arrays, scratch
 * buffers, channel sets as bit masks) against a straightforward reference written here from the definitions, on
 * random journeys: every rule-based model, the per-journey split of the data-driven models, the Shapley values of
 * each worth, and compiled journeys against the plain array.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import type { AttributionResult, Journey, RuleBasedModel } from './index.js'
import {
  compileJourneys,
  markovAttribution,
  RULE_BASED_MODELS,
  ruleBasedAttribution,
  shapleyAttribution,
} from './index.js'

const DAY = 86_400_000
const CHANNELS = ['a', 'b', 'c', 'd', 'e']

const journeyArb = fc
  .record({
    channels: fc.array(fc.constantFrom(...CHANNELS), { minLength: 1, maxLength: 7 }),
    days: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 7, maxLength: 7 }),
    conversions: fc.integer({ min: 0, max: 3 }),
    nulls: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: -100_000, max: 1_000_000 }),
    id: fc.option(fc.oneof(fc.integer(), fc.string()), { nil: undefined }),
    convertedLater: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  })
  .map(({ channels, days, conversions, nulls, value, id, convertedLater }): Journey => {
    const at = days.slice(0, channels.length).sort((x, y) => x - y)
    const last = at[at.length - 1]!
    return {
      ...(id === undefined ? {} : { id }),
      touches: channels.map((channel, t) => ({ channel, at: Date.UTC(2026, 0, 1) + at[t]! * DAY })),
      conversions,
      nulls,
      value,
      ...(convertedLater === undefined
        ? {}
        : { convertedAt: new Date(Date.UTC(2026, 0, 1) + (last + convertedLater) * DAY) }),
    }
  })
const journeysArb = fc.array(journeyArb, { minLength: 1, maxLength: 25 })

/** Largest remainder, from its definition: floors, then one unit each to the largest remainders (earlier on ties). */
function referenceAllocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (total === 0) return weights.map(() => 0)
  const amount = Math.abs(total)
  const quotas = weights.map((w) => (amount * w) / sum)
  const parts = quotas.map((q) => Math.floor(q))
  let left = amount - parts.reduce((a, b) => a + b, 0)
  const order = weights
    .map((_, i) => i)
    .sort((x, y) => quotas[y]! - parts[y]! - (quotas[x]! - parts[x]!) || x - y)
  for (let k = 0; left > 0; k = (k + 1) % order.length) {
    if (weights[order[k]!]! > 0) {
      parts[order[k]!]! += 1
      left--
    }
  }
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    if (parts[order[k]!]! > 0) {
      parts[order[k]!]! -= 1
      left++
    }
  }
  return total < 0 ? parts.map((p) => -p || 0) : parts
}

const ms = (at: unknown) => (at instanceof Date ? at.getTime() : (at as number))

/** Each rule's shares, written from the model descriptions. */
function referenceShares(model: RuleBasedModel, journey: Journey): number[] {
  const n = journey.touches.length
  switch (model.kind) {
    case 'first-touch':
      return journey.touches.map((_, t) => (t === 0 ? 1 : 0))
    case 'last-touch':
      return journey.touches.map((_, t) => (t === n - 1 ? 1 : 0))
    case 'linear':
      return journey.touches.map(() => 1 / n)
    case 'position-based': {
      const first = model.first ?? 0.4
      const last = model.last ?? 0.4
      if (n === 1) return [1]
      if (n === 2) return first + last > 0 ? [first / (first + last), last / (first + last)] : [0.5, 0.5]
      return journey.touches.map((_, t) =>
        t === 0 ? first : t === n - 1 ? last : (1 - first - last) / (n - 2),
      )
    }
    case 'time-decay': {
      const halfLife = model.halfLifeMs ?? 7 * DAY
      const times = journey.touches.map((t) => ms(t.at))
      const conversion = journey.convertedAt === undefined ? Math.max(...times) : ms(journey.convertedAt)
      const w = times.map((t) => 2 ** (-(conversion - t) / halfLife))
      const s = w.reduce((a, b) => a + b, 0)
      return w.map((x) => x / s)
    }
  }
}

/** Σ per channel of a value per touch. */
function perChannel(
  journeys: readonly Journey[],
  perTouch: (j: number, t: number) => number,
): Map<string, number> {
  const out = new Map<string, number>()
  journeys.forEach((journey, j) => {
    journey.touches.forEach((touch, t) => {
      out.set(touch.channel, (out.get(touch.channel) ?? 0) + perTouch(j, t))
    })
  })
  return out
}

/** A data-driven model's split of each journey over its touches by channel weight (a channel touched k times: w/k each). */
function referenceSplit(journey: Journey, weights: Readonly<Record<string, number>>): number[] {
  const count = (c: string) => journey.touches.filter((t) => t.channel === c).length
  const w = journey.touches.map((t) => Math.max(0, weights[t.channel]!) / count(t.channel))
  const s = w.reduce((a, b) => a + b, 0)
  return s > 0 ? w.map((x) => x / s) : w.map(() => 1 / w.length)
}

function expectJourneys(
  result: AttributionResult,
  journeys: readonly Journey[],
  shares: number[][],
  exact: boolean,
) {
  expect(result.journeys).toHaveLength(journeys.length)
  result.journeys.forEach((credit, j) => {
    expect(credit.index).toBe(j)
    expect(credit.id).toBe(journeys[j]!.id)
    expect(credit.touchShares).toHaveLength(shares[j]!.length)
    for (const [t, s] of credit.touchShares.entries()) expect(s).toBeCloseTo(shares[j]![t]!, 12)
    const values = referenceAllocate(journeys[j]!.value ?? 0, shares[j]!)
    if (exact) expect(credit.touchValues).toEqual(values)
    else
      for (const [t, v] of credit.touchValues.entries())
        expect(Math.abs(v - values[t]!)).toBeLessThanOrEqual(1)
  })
}

/** Shapley values by enumerating every coalition, from the formula. */
function referencePhi(journeys: readonly Journey[], worth: 'rate' | 'conversions' | 'pooled-rate') {
  const players = [...new Set(journeys.flatMap((j) => j.touches.map((t) => t.channel)))]
  const groups = new Map<string, { set: string[]; conversions: number; trials: number }>()
  for (const j of journeys) {
    const set = [...new Set(j.touches.map((t) => t.channel))].sort()
    const g = groups.get(set.join()) ?? { set, conversions: 0, trials: 0 }
    g.conversions += j.conversions ?? 1
    g.trials += (j.conversions ?? 1) + (j.nulls ?? 0)
    groups.set(set.join(), g)
  }
  const v = (s: Set<string>) => {
    const inside = [...groups.values()].filter((g) => g.set.every((c) => s.has(c)))
    if (worth === 'conversions') return inside.reduce((a, g) => a + g.conversions, 0)
    if (worth === 'rate') return inside.reduce((a, g) => a + (g.trials > 0 ? g.conversions / g.trials : 0), 0)
    const trials = inside.reduce((a, g) => a + g.trials, 0)
    return trials > 0 ? inside.reduce((a, g) => a + g.conversions, 0) / trials : 0
  }
  const n = players.length
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1))
  const phi: Record<string, number> = {}
  for (const p of players) {
    const others = players.filter((q) => q !== p)
    let sum = 0
    for (let mask = 0; mask < 1 << others.length; mask++) {
      const s = new Set(others.filter((_, i) => (mask >> i) & 1))
      const weight = (factorial(s.size) * factorial(n - s.size - 1)) / factorial(n)
      sum += weight * (v(new Set([...s, p])) - v(s))
    }
    phi[p] = sum
  }
  return phi
}

describe('the optimised path equals a straightforward reference (fast-check)', () => {
  const models: RuleBasedModel[] = [
    ...RULE_BASED_MODELS.map((kind) => ({ kind }) as RuleBasedModel),
    { kind: 'time-decay', halfLifeMs: 2 * DAY },
    { kind: 'position-based', first: 0.25, last: 0.5 },
    { kind: 'position-based', first: 0, last: 0 },
  ]

  it('rule-based models: every share, every touch value and every channel total', () => {
    fc.assert(
      fc.property(journeysArb, (journeys) => {
        for (const model of models) {
          const result = ruleBasedAttribution(journeys, model)
          const shares = journeys.map((j) => referenceShares(model, j))
          // Time decay's reference divides by the conversion's weight, the model by the newest touch's: equal up
          // to rounding, so a unit may move on a tie of remainders.
          expectJourneys(result, journeys, shares, model.kind !== 'time-decay')
          const conversions = perChannel(journeys, (j, t) => shares[j]![t]! * (journeys[j]!.conversions ?? 1))
          const values = perChannel(journeys, (j, t) => result.journeys[j]!.touchValues[t]!)
          expect(result.channels.map((c) => c.channel).sort()).toEqual([...conversions.keys()].sort())
          for (const c of result.channels) {
            expect(c.conversions).toBeCloseTo(conversions.get(c.channel)!, 9)
            expect(c.value).toBe(values.get(c.channel))
          }
        }
      }),
      { numRuns: 80 },
    )
  })

  it('Shapley: φ of every worth by enumerating coalitions, and each journey split by φ', () => {
    fc.assert(
      fc.property(journeysArb, (journeys) => {
        for (const worth of ['rate', 'conversions', 'pooled-rate'] as const) {
          const result = shapleyAttribution(journeys, { worth })
          const phi = referencePhi(journeys, worth)
          expect(Object.keys(result.shapleyValues).sort()).toEqual(Object.keys(phi).sort())
          for (const [c, value] of Object.entries(phi)) expect(result.shapleyValues[c]).toBeCloseTo(value, 9)
          expectJourneys(
            result,
            journeys,
            journeys.map((j) => referenceSplit(j, result.shapleyValues)),
            false,
          )
        }
      }),
      { numRuns: 60 },
    )
  })

  it('Markov: each journey split by its channels’ removal effects', () => {
    fc.assert(
      fc.property(journeysArb, (journeys) => {
        const result = markovAttribution(journeys)
        expectJourneys(
          result,
          journeys,
          journeys.map((j) => referenceSplit(j, result.removalEffects)),
          false,
        )
      }),
      { numRuns: 60 },
    )
  })

  it('compiled journeys give every model the same result as the array, also when reused', () => {
    fc.assert(
      fc.property(journeysArb, (journeys) => {
        const compiled = compileJourneys(journeys)
        expect(compiled.size).toBe(journeys.length)
        for (let round = 0; round < 2; round++) {
          for (const model of models) {
            expect(ruleBasedAttribution(compiled, model)).toEqual(ruleBasedAttribution(journeys, model))
          }
          expect(markovAttribution(compiled)).toEqual(markovAttribution(journeys))
          for (const worth of ['rate', 'conversions', 'pooled-rate'] as const) {
            expect(shapleyAttribution(compiled, { worth })).toEqual(shapleyAttribution(journeys, { worth }))
          }
        }
      }),
      { numRuns: 30 },
    )
  })

  it('an object shaped like compiled journeys but not made by compileJourneys is INVALID_INPUT', () => {
    const forged = { ...compileJourneys([{ touches: [{ channel: 'a' }] }]) }
    try {
      markovAttribution(forged)
      expect.unreachable()
    } catch (error) {
      expect(isAnalyticsError(error) && error.code).toBe('INVALID_INPUT')
    }
  })

  it('compiling refuses what the models refuse, and time decay still checks the touch times', () => {
    const code = (f: () => unknown) => {
      try {
        f()
        return 'ok'
      } catch (error) {
        return isAnalyticsError(error) ? error.code : String(error)
      }
    }
    expect(code(() => compileJourneys([{ touches: [] }]))).toBe('EMPTY_JOURNEY')
    expect(code(() => compileJourneys([{ touches: [{ channel: 'a' }], value: 1.5 }]))).toBe('INVALID_INPUT')
    const untimed = compileJourneys([{ touches: [{ channel: 'a' }] }])
    expect(code(() => ruleBasedAttribution(untimed, 'linear'))).toBe('ok')
    expect(code(() => ruleBasedAttribution(untimed, 'time-decay'))).toBe('INVALID_INPUT')
    expect(code(() => ruleBasedAttribution(untimed, 'time-decay'))).toBe('INVALID_INPUT')
  })
})
