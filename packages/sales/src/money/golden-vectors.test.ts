// The golden vectors of the sales reference (§G, rows 1–10), one test each, in minor units.
import { describe, expect, it } from 'vitest'
import { applyPriceFormula } from '../products/price-formula.js'
import { choosePrice } from '../products/price-lookup.js'
import { allocateLargestRemainder } from './allocate.js'
import { calculateDocument } from './calculate-document.js'
import { multiplyMinor } from './multiply.js'

describe('golden vectors (sales reference §G)', () => {
  const odoo = [
    { quantity: '1', unitPriceMinor: 2153, taxRate: '21' },
    { quantity: '1', unitPriceMinor: 2153, taxRate: '21' },
  ]

  it('#1 two lines of 21.53 with 21 % included, rounded globally: 35.59 + 7.47 = 43.06, the delta on line 1', () => {
    const doc = calculateDocument({
      currency: 'EUR',
      pricesIncludeTax: true,
      taxRounding: 'global',
      lines: odoo,
    })
    expect(doc.totals).toMatchObject({ subtotalMinor: 3559, taxMinor: 747, totalMinor: 4306 })
    expect(doc.lines.map((l) => [l.subtotalMinor, l.taxMinor])).toEqual([
      [1780, 373],
      [1779, 374],
    ])
  })

  it('#2 the same rounded per line: 35.58 + 7.48 = 43.06', () => {
    const doc = calculateDocument({
      currency: 'EUR',
      pricesIncludeTax: true,
      taxRounding: 'perLine',
      lines: odoo,
    })
    expect(doc.totals).toMatchObject({ subtotalMinor: 3558, taxMinor: 748, totalMinor: 4306 })
    expect(doc.lines.map((l) => l.subtotalMinor)).toEqual([1779, 1779])
  })

  it('#3 three lines of 1.00 at 7.5 %: per line 0.24, global half-up 0.23, global half-even 0.22', () => {
    const lines = [1, 2, 3].map(() => ({ quantity: '1', unitPriceMinor: 100, taxRate: '7.5' }))
    expect(calculateDocument({ currency: 'USD', lines }).totals.taxMinor).toBe(24)
    expect(calculateDocument({ currency: 'USD', lines, taxRounding: 'global' }).totals.taxMinor).toBe(23)
    const even = calculateDocument({
      currency: 'USD',
      lines,
      taxRounding: 'global',
      roundingMode: 'halfEven',
    })
    expect(even.totals.taxMinor).toBe(22)
    expect(even.lines.map((l) => l.taxMinor)).toEqual([8, 7, 7])
  })

  it('#4 24.99 at 10.75 % plus untaxed shipping 6.44: tax 2.69, total 34.12 (Medusa #14817 kept 34.116425)', () => {
    const doc = calculateDocument({
      currency: 'USD',
      lines: [
        { quantity: '1', unitPriceMinor: 2499, taxRate: '10.75' },
        { kind: 'shipping', quantity: '1', unitPriceMinor: 644 },
      ],
    })
    expect(doc.totals).toMatchObject({ taxMinor: 269, totalMinor: 3412 })
  })

  it('#5 list 100, 10 %, qty 3, VAT 20 %: line 270, VAT 54, gross 300, discount 30, total 324 (SuiteCRM)', () => {
    const doc = calculateDocument({
      currency: 'EUR',
      lines: [{ quantity: '3', unitPriceMinor: 10000, discount: { percent: '10' }, taxRate: '20' }],
    })
    expect(doc.lines[0]).toMatchObject({ netMinor: 27000, subtotalMinor: 27000, taxMinor: 5400 })
    expect(doc.totals).toMatchObject({ grossMinor: 30000, lineDiscountMinor: 3000, totalMinor: 32400 })
  })

  it('#6 unit 100, 10 %, qty 3: subtotal 300, total price 270 (Salesforce)', () => {
    const doc = calculateDocument({
      currency: 'USD',
      lines: [{ quantity: '3', unitPriceMinor: 10000, discount: { percent: '10' } }],
    })
    expect(doc.lines[0]).toMatchObject({ grossMinor: 30000, netMinor: 27000 })
  })

  it('#7 CPQ partner-first waterfall 10,000 less 20 %, 10 %, 50 %, 50 %: 8,000 / 7,200 / 3,600 / 1,800', () => {
    const steps = ['20', '10', '50', '50'].map((percent) => ({ percent }))
    const nets = steps.map(
      (_, k) =>
        calculateDocument({
          currency: 'USD',
          lines: [{ quantity: '1', unitPriceMinor: 1_000_000, discount: steps.slice(0, k + 1) }],
        }).totals.subtotalMinor,
    )
    expect(nets).toEqual([800_000, 720_000, 360_000, 180_000])
  })

  it('#8 allocate 1.00 one to one to one and 10.03 fifty-fifty: 0.34/0.33/0.33 and 5.02/5.01', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33])
    expect(allocateLargestRemainder(1003, [50, 50])).toEqual([502, 501])
  })

  it('#9 EUR 21.53 × 0.21 is 4.5213 exactly, 4.52 rounded', () => {
    expect(multiplyMinor(2153, '0.21')).toBe(452)
    expect(multiplyMinor(2153, '0.21', 'up')).toBe(453)
  })

  it('#10 an Odoo formula item with discount 0, price_round 10 and surcharge −0.01 prices a base of 123 at 119.99', () => {
    const rule = { discountPercent: '0', roundingMinor: 1_000, surchargeMinor: -1 }
    expect(applyPriceFormula(12_300, rule)).toBe(11_999)
    // The same through a derived price book: the default book derives from a cost book holding 123.00.
    const answer = choosePrice(
      [
        { id: 'pbk_cost', kind: 'segment', segmentId: 'seg_internal', currency: 'EUR', active: true },
        {
          id: 'pbk_retail',
          kind: 'default',
          currency: 'EUR',
          active: true,
          priceRule: { basePriceBookId: 'pbk_cost', ...rule },
        },
      ],
      [
        {
          id: 'pbe_cost',
          priceBookId: 'pbk_cost',
          productId: 'prd_1',
          unitPriceMinor: 12_300,
          minQuantity: 0,
          active: true,
        },
      ],
      { productId: 'prd_1', quantity: { n: 1n, d: 1n }, date: '2026-03-01', currency: 'EUR' },
    )
    expect(answer).toMatchObject({
      unitPriceMinor: 11_999,
      source: 'default',
      priceBookId: 'pbk_retail',
      priceBookEntryId: 'pbe_cost',
      derivedFrom: { priceBookId: 'pbk_cost', unitPriceMinor: 12_300 },
    })
  })
})
