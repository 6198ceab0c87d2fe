import { isRapportError } from '@rapport/core'
import { describe, expect, it } from 'vitest'
import { SalesErrorCodes } from '../errors.js'
import { calculateDocument } from './calculate-document.js'
import type { DocumentInput } from './document-types.js'

function code(input: unknown): string | undefined {
  try {
    calculateDocument(input as DocumentInput)
  } catch (error) {
    return isRapportError(error) ? error.code : 'not a RapportError'
  }
  return undefined
}

describe('calculateDocument', () => {
  it('shares a header discount over item lines only, pro rata to net, by largest remainder', () => {
    const doc = calculateDocument({
      currency: 'USD',
      headerDiscount: { amountMinor: 100 },
      lines: [
        { quantity: '1', unitPriceMinor: 1000 },
        { quantity: '1', unitPriceMinor: 1000 },
        { quantity: '1', unitPriceMinor: 1000 },
        { kind: 'shipping', quantity: '1', unitPriceMinor: 500 },
      ],
    })
    expect(doc.lines.map((l) => l.headerDiscountMinor)).toEqual([34, 33, 33, 0])
    expect(doc.totals).toMatchObject({ headerDiscountMinor: 100, subtotalMinor: 3400, totalMinor: 3400 })
  })

  it('takes a header percentage of the item nets and caps an amount at them', () => {
    const lines = [{ quantity: '2', unitPriceMinor: 999, taxRate: '10' }]
    const percent = calculateDocument({ currency: 'USD', headerDiscount: { percent: '12.5' }, lines })
    expect(percent.totals).toMatchObject({ headerDiscountMinor: 250, subtotalMinor: 1748, taxMinor: 175 })
    const capped = calculateDocument({ currency: 'USD', headerDiscount: { amountMinor: 5000 }, lines })
    expect(capped.totals).toMatchObject({ headerDiscountMinor: 1998, subtotalMinor: 0, totalMinor: 0 })
  })

  it('applies per-unit and per-line amount discounts and never goes below zero', () => {
    const doc = calculateDocument({
      currency: 'EUR',
      lines: [
        { quantity: '3', unitPriceMinor: 1000, discount: { amountPerUnitMinor: 150 } },
        { quantity: '3', unitPriceMinor: 1000, discount: { amountMinor: 150 } },
        { quantity: '1', unitPriceMinor: 100, discount: { amountMinor: 500 } },
      ],
    })
    expect(doc.lines.map((l) => [l.netMinor, l.lineDiscountMinor])).toEqual([
      [2550, 450],
      [2850, 150],
      [0, 100],
    ])
  })

  it('rounds decimal quantities once per step and uses ISO 4217 exponents (JPY 0, KWD 3)', () => {
    const usd = calculateDocument({ currency: 'USD', lines: [{ quantity: '1.5', unitPriceMinor: 99 }] })
    expect(usd.lines[0]).toMatchObject({ quantity: '1.5', grossMinor: 149, netMinor: 149 })
    const jpy = calculateDocument({
      currency: 'JPY',
      lines: [{ quantity: '1', unitPriceMinor: 1000 }],
      fx: { companyCurrency: 'KWD', rate: '0.002071' },
    })
    expect(jpy.company).toEqual({
      currency: 'KWD',
      rate: '0.002071',
      subtotalMinor: 2071,
      taxMinor: 0,
      totalMinor: 2071,
    })
  })

  it('keeps document and company totals with the frozen rate, lines summing exactly in both', () => {
    const doc = calculateDocument({
      currency: 'EUR',
      fx: { companyCurrency: 'CNY', rate: '7.8123' },
      lines: [
        { quantity: '1', unitPriceMinor: 333, taxRate: '13' },
        { quantity: '1', unitPriceMinor: 333, taxRate: '13' },
        { quantity: '1', unitPriceMinor: 334, taxRate: '6' },
      ],
    })
    // 3.33 × 13 % = 0.4329 → 0.43 twice; 3.34 × 6 % = 0.2004 → 0.20
    expect(doc.totals).toMatchObject({ subtotalMinor: 1000, taxMinor: 106, totalMinor: 1106 })
    // 10.00 EUR × 7.8123 = 78.123 → 78.12 CNY; 1.06 × 7.8123 = 8.281038 → 8.28
    expect(doc.company).toMatchObject({ subtotalMinor: 7812, taxMinor: 828, totalMinor: 8640 })
    // shares of 78.12: 26.01396, 26.01396, 26.09208 → floors 7811, the leftover fen to the first largest remainder
    expect(doc.lines.map((l) => l.company?.subtotalMinor)).toEqual([2602, 2601, 2609])
    const lineSum = doc.lines.reduce((acc, l) => acc + (l.company?.totalMinor ?? 0), 0)
    expect(lineSum).toBe(8640)
    expect(doc.taxes).toEqual([
      { rate: '13', baseMinor: 666, taxMinor: 86 },
      { rate: '6', baseMinor: 334, taxMinor: 20 },
    ])
  })

  it('refuses bad input with a typed error naming the path', () => {
    const ok = { quantity: '1', unitPriceMinor: 100 }
    expect(code({ currency: 'EUR', lines: [{ ...ok, quantity: '-1' }] })).toBe(
      SalesErrorCodes.NEGATIVE_QUANTITY,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, currency: 'USD' }] })).toBe(
      SalesErrorCodes.CURRENCY_MISMATCH,
    )
    expect(code({ currency: 'EURO', lines: [ok] })).toBe(SalesErrorCodes.INVALID_CURRENCY)
    expect(code({ currency: 'XAU', lines: [ok] })).toBe(SalesErrorCodes.INVALID_CURRENCY)
    expect(code({ currency: 'EUR', lines: [{ ...ok, quantity: '1e3' }] })).toBe(
      SalesErrorCodes.INVALID_DECIMAL,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, quantity: Number.NaN }] })).toBe(
      SalesErrorCodes.INVALID_DECIMAL,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, unitPriceMinor: 1.5 }] })).toBe(
      SalesErrorCodes.INVALID_AMOUNT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, unitPriceMinor: -1 }] })).toBe(
      SalesErrorCodes.INVALID_AMOUNT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, unitPriceMinor: '100' }] })).toBe(
      SalesErrorCodes.INVALID_AMOUNT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, discount: { percent: '101' } }] })).toBe(
      SalesErrorCodes.INVALID_DISCOUNT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, discount: { percent: '5', amountMinor: 1 } }] })).toBe(
      SalesErrorCodes.INVALID_DOCUMENT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, taxRate: '-5' }] })).toBe(
      SalesErrorCodes.INVALID_TAX_RATE,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, totalMinor: 1 }] })).toBe(
      SalesErrorCodes.INVALID_DOCUMENT,
    )
    expect(code({ currency: 'EUR', lines: [{ ...ok, kind: 'gift' }] })).toBe(SalesErrorCodes.INVALID_DOCUMENT)
    expect(code({ currency: 'EUR', lines: 'x' })).toBe(SalesErrorCodes.INVALID_DOCUMENT)
    expect(code(null)).toBe(SalesErrorCodes.INVALID_DOCUMENT)
    expect(code({ currency: 'EUR', lines: [ok], roundingMode: 'nearest' })).toBe(
      SalesErrorCodes.INVALID_DOCUMENT,
    )
    expect(code({ currency: 'EUR', lines: [ok], fx: { companyCurrency: 'USD', rate: '0' } })).toBe(
      SalesErrorCodes.INVALID_FX_RATE,
    )
    expect(code({ currency: 'EUR', lines: [ok], fx: { companyCurrency: 'ZZZ', rate: '1.1' } })).toBe(
      SalesErrorCodes.INVALID_CURRENCY,
    )
    expect(
      code({ currency: 'EUR', lines: [{ quantity: '999999999', unitPriceMinor: Number.MAX_SAFE_INTEGER }] }),
    ).toBe(SalesErrorCodes.AMOUNT_OUT_OF_RANGE)
    const tooMany = Array.from({ length: 10_001 }, () => ok)
    expect(code({ currency: 'EUR', lines: tooMany })).toBe(SalesErrorCodes.INVALID_DOCUMENT)
  })

  it('returns the documented example', () => {
    const quote = calculateDocument({
      currency: 'EUR',
      lines: [
        { quantity: '3', unitPriceMinor: 10000, discount: { percent: '10' }, taxRate: '20' },
        { kind: 'shipping', quantity: '1', unitPriceMinor: 644 },
      ],
      headerDiscount: { amountMinor: 1000 },
      fx: { companyCurrency: 'CNY', rate: '7.8123' },
    })
    expect(quote.totals).toEqual({
      grossMinor: 30644,
      lineDiscountMinor: 3000,
      headerDiscountMinor: 1000,
      subtotalMinor: 26644,
      taxMinor: 5200,
      totalMinor: 31844,
    })
    expect(quote.company?.totalMinor).toBe(248775)
  })
})
