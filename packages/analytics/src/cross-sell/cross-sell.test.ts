import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isAnalyticsError } from '../clv/analytics-error.js'
import {
  alsoBought,
  associationRules,
  basketsFromLineItems,
  frequentItemsets,
  nextBestOffers,
} from './index.js'

const codeOf = (f: () => unknown): string => {
  try {
    f()
    return 'ok'
  } catch (error) {
    return isAnalyticsError(error) ? error.code : `untyped: ${String(error)}`
  }
}

/** Brute-force Apriori reference: count every subset of the item universe against every basket. */
function bruteForceItemsets(baskets: readonly (readonly string[])[], minSupport: number) {
  const universe = [...new Set(baskets.flat())].sort()
  const minCount = Math.max(1, Math.ceil(minSupport * baskets.length - 1e-9))
  const sets = baskets.map((b) => new Set(b))
  const out = new Map<string, number>()
  for (let mask = 1; mask < 1 << universe.length; mask++) {
    const items = universe.filter((_, i) => mask & (1 << i))
    const count = sets.filter((s) => items.every((i) => s.has(i))).length
    if (count >= minCount) out.set(items.join('|'), count)
  }
  return out
}

const basketsArb = fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 6 }), {
  maxLength: 40,
})

describe('FP-Growth', () => {
  it('finds exactly the itemsets and counts of brute-force Apriori (fast-check)', () => {
    fc.assert(
      fc.property(basketsArb, fc.double({ min: 0.01, max: 1, noNaN: true }), (baskets, minSupport) => {
        const mined = frequentItemsets(baskets, { minSupport })
        const got = new Map(mined.map((s) => [s.items.join('|'), s.count]))
        expect(got).toEqual(bruteForceItemsets(baskets, minSupport))
        for (const s of mined) expect(s.support).toBeCloseTo(s.count / baskets.length, 12)
      }),
      { numRuns: 200 },
    )
  })

  it('rules carry support, confidence and lift computed from the counts (fast-check)', () => {
    fc.assert(
      fc.property(basketsArb, (baskets) => {
        fc.pre(baskets.length > 0)
        const sets = baskets.map((b) => new Set<string>(b))
        const count = (items: readonly unknown[]) =>
          sets.filter((s) => items.every((i) => s.has(i as string))).length
        for (const rule of associationRules(baskets, { minSupport: 0.1, minConfidence: 0 })) {
          const both = count([...rule.antecedent, ...rule.consequent])
          expect(rule.count).toBe(both)
          expect(rule.confidence).toBeCloseTo(both / count(rule.antecedent), 12)
          expect(rule.lift).toBeCloseTo(rule.confidence / (count(rule.consequent) / baskets.length), 12)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('maxLength stops the mining at that length', () => {
    const baskets = [
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b'],
    ]
    expect(
      Math.max(...frequentItemsets(baskets, { minSupport: 0.5, maxLength: 2 }).map((s) => s.items.length)),
    ).toBe(2)
  })
})

describe('recommendations', () => {
  const lines = [
    { order: 1, product: 'tea' },
    { order: 1, product: 'cups' },
    { order: 2, product: 'tea' },
    { order: 2, product: 'cups' },
    { order: 2, product: 'honey' },
    { order: 3, product: 'tea' },
    { order: 3, product: 'honey' },
    { order: 4, product: 'coffee' },
    { order: 4, product: 'filters' },
    { order: 5, product: 'coffee' },
    { order: 5, product: 'filters' },
    { order: 6, product: 'tea' },
  ]
  const baskets = basketsFromLineItems(lines, { order: (l) => l.order, product: (l) => l.product })
  const rules = associationRules(baskets, { minSupport: 0.2, minConfidence: 0.3 })

  it('groups line items by order', () => {
    expect(baskets).toEqual([
      ['tea', 'cups'],
      ['tea', 'cups', 'honey'],
      ['tea', 'honey'],
      ['coffee', 'filters'],
      ['coffee', 'filters'],
      ['tea'],
    ])
  })

  it('bought X, also bought Y', () => {
    expect(alsoBought(rules, 'coffee').map((o) => [o.item, o.confidence])).toEqual([['filters', 1]])
    expect(alsoBought(rules, 'cups').map((o) => o.item)).toEqual(['tea'])
  })

  it('next-best offer skips what the customer owns and keeps each product’s best rule', () => {
    const offers = nextBestOffers(rules, ['tea'])
    expect(offers.map((o) => o.item)).toEqual(['cups', 'honey'])
    expect(offers[0]!.confidence).toBeCloseTo(0.5, 12)
    expect(nextBestOffers(rules, ['tea', 'cups', 'honey'])).toEqual([])
  })

  it('bad input is INVALID_INPUT', () => {
    expect(codeOf(() => associationRules([['a']], { minSupport: 0 }))).toBe('INVALID_INPUT')
    expect(codeOf(() => associationRules([['a']], { minConfidence: 2 }))).toBe('INVALID_INPUT')
    expect(codeOf(() => associationRules('ab' as never))).toBe('INVALID_INPUT')
    expect(codeOf(() => frequentItemsets([[{}] as never]))).toBe('INVALID_INPUT')
    expect(codeOf(() => nextBestOffers(rules, ['tea'], { rankBy: 'support' as never }))).toBe('INVALID_INPUT')
  })
})
