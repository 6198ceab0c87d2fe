import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import type { Journey } from './index.js'
import {
  allocateMinorUnits,
  markovAttribution,
  RULE_BASED_MODELS,
  ruleBasedAttribution,
  shapleyAttribution,
  shapleyValues,
} from './index.js'

const DAY = 86_400_000
const touches = (...channels: string[]) => channels.map((channel) => ({ channel }))
const codeOf = (f: () => unknown): string => {
  try {
    f()
    return 'ok'
  } catch (error) {
    return isAnalyticsError(error) ? error.code : `untyped: ${String(error)}`
  }
}

/** Puzyrov's published Markov example (reference §B2, golden vector #13). */
const PUZYROV: Journey[] = [
  { touches: touches('google ads'), conversions: 2 },
  { touches: touches('mailing'), conversions: 1 },
  { touches: touches('google ads', 'mailing'), conversions: 1 },
  { touches: touches('google ads'), conversions: 0, nulls: 1 },
]

/** The F/O/L notebook example (golden vector #14): conversion rate per exclusive channel set. */
const FOL_RATES: [string[], number][] = [
  [['F'], 0.2],
  [['O'], 0.1],
  [['L'], 0.17],
  [['F', 'O'], 0.17],
  [['F', 'L'], 0.3],
  [['L', 'O'], 0],
  [['F', 'L', 'O'], 0.06],
]

describe('golden vectors', () => {
  it('#13 Markov toy: P 0.8, RE G 0.75 and M 0.5, 4 conversions → 2.4 / 1.6', () => {
    const result = markovAttribution(PUZYROV)
    expect(result.conversionProbability).toBeCloseTo(0.8, 12)
    expect(result.removalEffects['google ads']).toBeCloseTo(0.75, 12)
    expect(result.removalEffects['mailing']).toBeCloseTo(0.5, 12)
    const byChannel = Object.fromEntries(result.channels.map((c) => [c.channel, c.conversions]))
    expect(byChannel['google ads']).toBeCloseTo(2.4, 12)
    expect(byChannel['mailing']).toBeCloseTo(1.6, 12)
  })

  it('#14 Shapley toy from the coalition worths: F 0.455, O 0.205, L 0.34', () => {
    const worth = (s: readonly string[]) =>
      FOL_RATES.filter(([t]) => t.every((c) => s.includes(c))).reduce((a, [, r]) => a + r, 0)
    const { values, method } = shapleyValues(['F', 'O', 'L'], worth)
    expect(method).toBe('exact')
    expect(values['F']).toBeCloseTo(0.455, 12)
    expect(values['O']).toBeCloseTo(0.205, 12)
    expect(values['L']).toBeCloseTo(0.34, 12)
  })

  it('#14 Shapley toy from journeys (rate worth)', () => {
    const journeys: Journey[] = FOL_RATES.map(([set, rate]) => ({
      touches: touches(...set),
      conversions: Math.round(rate * 100),
      nulls: 100 - Math.round(rate * 100),
    }))
    const result = shapleyAttribution(journeys)
    expect(result.shapleyValues['F']).toBeCloseTo(0.455, 12)
    expect(result.shapleyValues['O']).toBeCloseTo(0.205, 12)
    expect(result.shapleyValues['L']).toBeCloseTo(0.34, 12)
    expect(result.channels.map((c) => c.share)).toEqual(
      [0.455, 0.34, 0.205].map((x) => expect.closeTo(x, 12)),
    )
  })

  it('#15 time decay, half-life 7 days, touches 14, 7 and 0 days before conversion', () => {
    const at = Date.UTC(2026, 0, 31)
    const result = ruleBasedAttribution(
      [
        {
          touches: [14, 7, 0].map((d, i) => ({ channel: `c${i}`, at: at - d * DAY })),
          convertedAt: at,
          value: 700,
        },
      ],
      { kind: 'time-decay', halfLifeMs: 7 * DAY },
    )
    expect(result.journeys[0]!.touchShares).toEqual([1 / 7, 2 / 7, 4 / 7].map((x) => expect.closeTo(x, 12)))
    expect(result.journeys[0]!.touchValues).toEqual([100, 200, 400])
  })

  it('position-based, 4 touches: 0.4, 0.1, 0.1, 0.4; n = 2 is 50/50 and n = 1 takes all', () => {
    const shares = (n: number) =>
      ruleBasedAttribution([{ touches: touches(...'abcd'.slice(0, n)) }], 'position-based').journeys[0]!
        .touchShares
    expect(shares(4)).toEqual([0.4, 0.1, 0.1, 0.4].map((x) => expect.closeTo(x, 12)))
    expect(shares(2)).toEqual([0.5, 0.5])
    expect(shares(1)).toEqual([1])
    const custom = ruleBasedAttribution([{ touches: touches('a', 'b', 'c') }], {
      kind: 'position-based',
      first: 0.3,
      last: 0.6,
    })
    expect(custom.journeys[0]!.touchShares).toEqual([0.3, 0.1, 0.6].map((x) => expect.closeTo(x, 12)))
  })

  it('first, last and linear touch', () => {
    const journeys: Journey[] = [
      { touches: touches('a', 'b', 'c'), value: 300 },
      { touches: touches('b'), value: 100 },
    ]
    const credit = (model: 'first-touch' | 'last-touch' | 'linear') =>
      Object.fromEntries(ruleBasedAttribution(journeys, model).channels.map((c) => [c.channel, c.value]))
    expect(credit('first-touch')).toEqual({ a: 300, b: 100, c: 0 })
    expect(credit('last-touch')).toEqual({ a: 0, b: 100, c: 300 })
    expect(credit('linear')).toEqual({ a: 100, b: 200, c: 100 })
  })
})

describe('allocateMinorUnits', () => {
  it('splits like dinero.js allocate (golden vector #8)', () => {
    expect(allocateMinorUnits(100, [1, 1, 1])).toEqual([34, 33, 33])
    expect(allocateMinorUnits(1003, [50, 50])).toEqual([502, 501])
    expect(allocateMinorUnits(-100, [1, 1, 1])).toEqual([-34, -33, -33])
  })

  it('never loses or invents a minor unit, and each part is within one unit of its quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        (totalUnits, weights) => {
          const sum = weights.reduce((a, b) => a + b, 0)
          fc.pre(sum > 0)
          const parts = allocateMinorUnits(totalUnits, weights)
          expect(parts.reduce((a, b) => a + b, 0)).toBe(totalUnits)
          parts.forEach((part, i) => {
            expect(Number.isInteger(part)).toBe(true)
            if (weights[i] === 0) expect(part).toBe(0)
            expect(Math.abs(part - (totalUnits * weights[i]!) / sum)).toBeLessThan(1 + 1e-6)
          })
        },
      ),
    )
  })

  it('refuses a fractional amount and all-zero weights with a non-zero amount', () => {
    expect(codeOf(() => allocateMinorUnits(10.5, [1]))).toBe('INVALID_INPUT')
    expect(codeOf(() => allocateMinorUnits(10, [0, 0]))).toBe('INVALID_INPUT')
    expect(codeOf(() => allocateMinorUnits(10, [1, -1]))).toBe('INVALID_INPUT')
    expect(allocateMinorUnits(0, [0, 0])).toEqual([0, 0])
  })
})

const journeyArb = fc.record({
  touches: fc.array(
    fc.record({
      channel: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      at: fc.integer({ min: 0, max: 60 * DAY }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  conversions: fc.integer({ min: 0, max: 5 }),
  nulls: fc.integer({ min: 0, max: 5 }),
  value: fc.integer({ min: 0, max: 10_000_000 }),
})

describe('every model credits exactly the revenue', () => {
  it('channel values and each journey’s touch values sum exactly to the revenue (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(journeyArb, { minLength: 1, maxLength: 30 }), (journeys) => {
        const revenue = journeys.reduce((a, j) => a + j.value, 0)
        const results = [
          ...RULE_BASED_MODELS.map((m) => ruleBasedAttribution(journeys, m)),
          markovAttribution(journeys),
          shapleyAttribution(journeys),
        ]
        for (const result of results) {
          expect(result.totalValue).toBe(revenue)
          expect(
            result.channels.reduce((a, c) => a + c.value, 0),
            result.model,
          ).toBe(revenue)
          result.journeys.forEach((credit, j) => {
            expect(credit.touchValues.reduce((a, b) => a + b, 0)).toBe(journeys[j]!.value)
            expect(credit.touchShares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
          })
        }
      }),
      { numRuns: 60 },
    )
  })
})

/** Absorption probability by value iteration x ← Q x + r: an independent check of the linear solve. */
function iteratedAbsorption(journeys: readonly Journey[], removed?: string): number {
  const edges = new Map<string, Map<string, number>>()
  const add = (from: string, to: string, w: number) => {
    const row = edges.get(from) ?? new Map<string, number>()
    row.set(to, (row.get(to) ?? 0) + w)
    edges.set(from, row)
  }
  for (const j of journeys) {
    const conv = j.conversions ?? 1
    const nulls = j.nulls ?? 0
    if (conv + nulls === 0) continue
    let from = '(start)'
    for (const t of j.touches) {
      add(from, t.channel, conv + nulls)
      from = t.channel
    }
    add(from, '(conversion)', conv)
    add(from, '(null)', nulls)
  }
  let x = new Map<string, number>()
  for (let iteration = 0; iteration < 20_000; iteration++) {
    const next = new Map<string, number>()
    for (const [from, row] of edges) {
      if (from === removed) continue
      const totalWeight = [...row.values()].reduce((a, b) => a + b, 0)
      let p = 0
      for (const [to, w] of row) {
        if (to === removed) continue
        p += (w / totalWeight) * (to === '(conversion)' ? 1 : (x.get(to) ?? 0))
      }
      next.set(from, p)
    }
    x = next
  }
  return x.get('(start)') ?? 0
}

describe('Markov removal effect', () => {
  it('agrees with value iteration on random journeys (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(journeyArb, { minLength: 1, maxLength: 12 }), (journeys) => {
        const result = markovAttribution(journeys)
        const p = iteratedAbsorption(journeys)
        expect(result.conversionProbability).toBeCloseTo(p, 9)
        for (const [channel, effect] of Object.entries(result.removalEffects)) {
          const expected = p > 0 ? 1 - iteratedAbsorption(journeys, channel) / p : 0
          expect(effect, channel).toBeCloseTo(expected, 8)
        }
      }),
      { numRuns: 40 },
    )
  })

  it('self-loops (a channel touched twice in a row) do not change the absorption probabilities', () => {
    const looped = PUZYROV.map((j) => ({ ...j, touches: j.touches.flatMap((t) => [t, t]) }))
    const a = markovAttribution(PUZYROV)
    const b = markovAttribution(looped)
    expect(b.conversionProbability).toBeCloseTo(a.conversionProbability, 12)
    expect(b.removalEffects['mailing']).toBeCloseTo(a.removalEffects['mailing']!, 12)
  })
})

describe('Shapley values', () => {
  it('the closed form of the additive worths equals exact enumeration (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(journeyArb, { minLength: 1, maxLength: 20 }), (journeys) => {
        const result = shapleyAttribution(journeys, { worth: 'conversions' })
        const sets = journeys.map((j) => new Set(j.touches.map((t) => t.channel)))
        const channels = Object.keys(result.shapleyValues)
        const exact = shapleyValues(channels, (s) =>
          journeys.reduce(
            (a, j, i) => a + ([...sets[i]!].every((c) => s.includes(c)) ? j.conversions : 0),
            0,
          ),
        )
        for (const c of channels) expect(result.shapleyValues[c]).toBeCloseTo(exact.values[c]!, 9)
      }),
      { numRuns: 40 },
    )
  })

  it('beyond 12 players the values are sampled, seeded, efficient, and within the reported error', () => {
    // A game with a known answer: v(S) = (Σ weights in S)², φᵢ = wᵢ · Σw.
    const players = Array.from({ length: 14 }, (_, i) => `p${i}`)
    const weight = (p: string) => Number(p.slice(1)) + 1
    const sum = players.reduce((a, p) => a + weight(p), 0)
    const worth = (s: readonly string[]) => s.reduce((a, p) => a + weight(p), 0) ** 2
    const sampled = shapleyValues(players, worth, { samples: 4000, seed: 7 })
    expect(sampled.method).toBe('sampled')
    expect(shapleyValues(players, worth, { samples: 4000, seed: 7 })).toEqual(sampled)
    const total = Object.values(sampled.values).reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(sum * sum, 6)
    for (const p of players) {
      const error = Math.abs(sampled.values[p]! - weight(p) * sum)
      expect(error).toBeLessThan(4 * sampled.standardErrors[p]! + 1e-9)
    }
    const exact = shapleyValues(players, worth, { maxExactPlayers: 14 })
    expect(exact.method).toBe('exact')
    for (const p of players) expect(exact.values[p]).toBeCloseTo(weight(p) * sum, 9)
  })

  it('pooled-rate worth: exact up to 12 channels agrees with the sampled estimate beyond the threshold', () => {
    const journeys = PUZYROV
    const exact = shapleyAttribution(journeys, { worth: 'pooled-rate' })
    const sampled = shapleyAttribution(journeys, { worth: 'pooled-rate', maxExactPlayers: 0, samples: 4000 })
    expect(exact.method).toBe('exact')
    expect(sampled.method).toBe('sampled')
    for (const c of ['google ads', 'mailing']) {
      expect(Math.abs(sampled.shapleyValues[c]! - exact.shapleyValues[c]!)).toBeLessThan(
        4 * sampled.standardErrors[c]! + 1e-9,
      )
    }
  })
})

describe('bad input', () => {
  it('an empty journey is EMPTY_JOURNEY under every model', () => {
    const journeys = [
      { touches: touches('a'), value: 10 },
      { id: 'deal_9', touches: [], value: 5 },
    ]
    for (const model of RULE_BASED_MODELS) {
      expect(codeOf(() => ruleBasedAttribution(journeys, model))).toBe('EMPTY_JOURNEY')
    }
    expect(codeOf(() => markovAttribution(journeys))).toBe('EMPTY_JOURNEY')
    expect(codeOf(() => shapleyAttribution(journeys))).toBe('EMPTY_JOURNEY')
  })

  it('malformed journeys and options are INVALID_INPUT', () => {
    const ok = { touches: touches('a') }
    expect(codeOf(() => ruleBasedAttribution([{ ...ok, value: 1.5 }], 'linear'))).toBe('INVALID_INPUT')
    expect(codeOf(() => ruleBasedAttribution([{ ...ok, conversions: -1 }], 'linear'))).toBe('INVALID_INPUT')
    expect(codeOf(() => ruleBasedAttribution([{ touches: [{ channel: '' }] }], 'linear'))).toBe(
      'INVALID_INPUT',
    )
    expect(codeOf(() => ruleBasedAttribution([ok], 'time-decay'))).toBe('INVALID_INPUT')
    expect(
      codeOf(() =>
        ruleBasedAttribution([{ touches: [{ channel: 'a', at: 10 }], convertedAt: 5 }], 'time-decay'),
      ),
    ).toBe('INVALID_INPUT')
    expect(codeOf(() => ruleBasedAttribution([ok], { kind: 'position-based', first: 0.7, last: 0.7 }))).toBe(
      'INVALID_INPUT',
    )
    expect(codeOf(() => ruleBasedAttribution([ok], { kind: 'time-decay', halfLifeMs: 0 }))).toBe(
      'INVALID_INPUT',
    )
    expect(codeOf(() => ruleBasedAttribution([ok], 'u-shaped' as never))).toBe('INVALID_INPUT')
    expect(codeOf(() => shapleyAttribution([ok], { worth: 'value' as never }))).toBe('INVALID_INPUT')
    expect(codeOf(() => shapleyValues(['a', 'a'], () => 0))).toBe('INVALID_INPUT')
    expect(codeOf(() => shapleyValues(['a'], () => Number.NaN))).toBe('INVALID_INPUT')
  })

  it('no journeys: an empty result, not an error', () => {
    const result = markovAttribution([])
    expect(result.channels).toEqual([])
    expect(result.totalValue).toBe(0)
  })
})
