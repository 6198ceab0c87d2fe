import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseDecimal } from '../money/decimal.js'
import { applyPriceFormula } from './price-formula.js'
import type { PriceBookView, PriceEntryView } from './price-lookup.js'
import { choosePrice, MAX_PRICE_RULE_DEPTH } from './price-lookup.js'

describe('applyPriceFormula (Odoo formula items)', () => {
  it('discounts exactly, then rounds half up to the multiple, then adds the surcharge', () => {
    expect(applyPriceFormula(10_000, { discountPercent: '15' })).toBe(8_500)
    // 99.99 less 12.5 % is 87.49125: one minor unit is the default rounding step.
    expect(applyPriceFormula(9_999, { discountPercent: '12.5' })).toBe(8_749)
    // A negative discount is a markup: 80.00 + 25 % = 100.00, rounded to whole 5.00 steps then −0.05.
    expect(applyPriceFormula(8_000, { discountPercent: '-25', roundingMinor: 500, surchargeMinor: -5 })).toBe(
      9_995,
    )
    // Half up at the rounding step: 125.00 to tens is 130.00, 124.99 is 120.00.
    expect(applyPriceFormula(12_500, { roundingMinor: 1_000 })).toBe(13_000)
    expect(applyPriceFormula(12_499, { roundingMinor: 1_000 })).toBe(12_000)
    expect(applyPriceFormula(12_500, { roundingMinor: 1_000 }, 'halfEven')).toBe(12_000)
  })

  it('holds the price within the margins over the base, and never below zero', () => {
    // 50 % off 100.00 is 50.00, but the minimum margin keeps it at base − 20.00.
    expect(applyPriceFormula(10_000, { discountPercent: '50', minMarginMinor: -2_000 })).toBe(8_000)
    // A markup of 60 % is capped at base + 30.00.
    expect(applyPriceFormula(10_000, { discountPercent: '-60', maxMarginMinor: 3_000 })).toBe(13_000)
    expect(applyPriceFormula(500, { surchargeMinor: -1_000 })).toBe(0)
    expect(applyPriceFormula(10_000, { discountPercent: '100' })).toBe(0)
  })

  it('without clamps, the price less the surcharge is a multiple of the step nearest the discounted base', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 9_999 }).map((bp) => (bp / 100).toFixed(2)),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: -1_000, max: 1_000 }),
        (base, discount, step, surcharge) => {
          const price = applyPriceFormula(base, {
            discountPercent: discount,
            roundingMinor: step,
            surchargeMinor: surcharge,
          })
          const rounded = price - surcharge
          const { n, d } = parseDecimal(discount, ['d'])
          // The exact discounted base, scaled by 100d.
          const exact = BigInt(base) * (100n * d - n)
          // Held at zero: some multiple within half a step of the discounted base is at most −surcharge.
          if (price === 0) return 2n * exact <= (2n * BigInt(-surcharge) + BigInt(step)) * 100n * d
          // Otherwise |rounded − exact| ≤ step / 2.
          const gap = BigInt(rounded) * 100n * d - exact
          return rounded % step === 0 && 2n * (gap < 0n ? -gap : gap) <= BigInt(step) * 100n * d
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('choosePrice with derived books', () => {
  const ask = (quantity: string, over: Record<string, unknown> = {}) => ({
    productId: 'prd_1',
    quantity: parseDecimal(quantity, ['quantity']),
    date: '2026-03-01',
    currency: 'EUR',
    ...over,
  })
  const list: PriceBookView = { id: 'pbk_list', kind: 'default', currency: 'EUR', active: true }
  const partner: PriceBookView = {
    id: 'pbk_partner',
    kind: 'segment',
    segmentId: 'seg_partner',
    currency: 'EUR',
    active: true,
    priceRule: { basePriceBookId: 'pbk_list', discountPercent: '20', roundingMinor: 100, surchargeMinor: -1 },
  }
  const entries: PriceEntryView[] = [
    {
      id: 'pbe_1',
      priceBookId: 'pbk_list',
      productId: 'prd_1',
      unitPriceMinor: 12_345,
      minQuantity: 0,
      active: true,
    },
    {
      id: 'pbe_2',
      priceBookId: 'pbk_list',
      productId: 'prd_1',
      unitPriceMinor: 11_000,
      minQuantity: 10,
      active: true,
    },
    {
      id: 'pbe_3',
      priceBookId: 'pbk_list',
      productId: 'prd_2',
      unitPriceMinor: 5_000,
      minQuantity: 0,
      active: true,
    },
    {
      id: 'pbe_4',
      priceBookId: 'pbk_partner',
      productId: 'prd_2',
      unitPriceMinor: 3_333,
      minQuantity: 0,
      active: true,
    },
  ]
  const partnerAsk = (quantity: string, over: Record<string, unknown> = {}) =>
    ask(quantity, { segmentIds: ['seg_partner'], ...over })

  it('applies the rule to the base book’s tier for the quantity, and keeps where it came from', () => {
    // 123.45 × 0.8 = 98.76 → 99.00 → 98.99; from 10 units the base tier is 110.00 → 88.00 → 87.99.
    expect(choosePrice([list, partner], entries, partnerAsk('1'))).toMatchObject({
      unitPriceMinor: 9_899,
      source: 'segment',
      priceBookId: 'pbk_partner',
      priceBookEntryId: 'pbe_1',
      minQuantity: 0,
      derivedFrom: { priceBookId: 'pbk_list', unitPriceMinor: 12_345 },
    })
    expect(choosePrice([list, partner], entries, partnerAsk('10'))?.unitPriceMinor).toBe(8_799)
    // Buyers outside the segment get the list price.
    expect(choosePrice([list, partner], entries, ask('1'))?.unitPriceMinor).toBe(12_345)
  })

  it('an entry of the derived book itself wins over its rule', () => {
    expect(choosePrice([list, partner], entries, partnerAsk('1', { productId: 'prd_2' }))).toMatchObject({
      unitPriceMinor: 3_333,
      priceBookEntryId: 'pbe_4',
    })
    expect(choosePrice([list, partner], entries, partnerAsk('1', { productId: 'prd_2' }))?.derivedFrom).toBe(
      undefined,
    )
  })

  it('prices nothing from a base book that is missing, inactive, in another currency or not valid on the date', () => {
    expect(choosePrice([partner], entries, partnerAsk('1'))).toBeUndefined()
    expect(choosePrice([{ ...list, active: false }, partner], entries, partnerAsk('1'))).toBeUndefined()
    expect(choosePrice([{ ...list, currency: 'USD' }, partner], entries, partnerAsk('1'))).toBeUndefined()
    const later = { ...list, validFrom: '2026-04-01' }
    expect(choosePrice([later, partner], entries, partnerAsk('1'))).toBeUndefined()
  })

  it('follows chains up to the depth limit, and a cycle prices nothing', () => {
    const chain = (length: number): PriceBookView[] =>
      Array.from({ length }, (_, i) => ({
        id: `pbk_${i}`,
        kind: i === 0 ? 'default' : 'segment',
        segmentId: i === 0 ? null : 'seg_x',
        currency: 'EUR',
        active: true,
        // pbk_0 is the one the buyer gets; each derives from the next, +1.00 each step.
        priceRule: i === length - 1 ? null : { basePriceBookId: `pbk_${i + 1}`, surchargeMinor: 100 },
      }))
    const base = (length: number): PriceEntryView[] => [
      {
        id: 'pbe_base',
        priceBookId: `pbk_${length - 1}`,
        productId: 'prd_1',
        unitPriceMinor: 1_000,
        minQuantity: 0,
        active: true,
      },
    ]
    const atLimit = MAX_PRICE_RULE_DEPTH
    expect(choosePrice(chain(atLimit), base(atLimit), ask('1'))?.unitPriceMinor).toBe(
      1_000 + (atLimit - 1) * 100,
    )
    expect(choosePrice(chain(atLimit + 1), base(atLimit + 1), ask('1'))).toBeUndefined()
    const loop: PriceBookView[] = [
      { ...list, priceRule: { basePriceBookId: 'pbk_b' } },
      {
        id: 'pbk_b',
        kind: 'segment',
        segmentId: 'seg_b',
        currency: 'EUR',
        active: true,
        priceRule: { basePriceBookId: 'pbk_list' },
      },
    ]
    expect(choosePrice(loop, [], ask('1'))).toBeUndefined()
  })
})
