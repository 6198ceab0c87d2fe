// fast-check properties of the calculation contract: totals independent of line order, lines summing exactly to the
// header (in both currencies), and no minor unit lost or invented by the header discount or the tax spreading.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { calculateDocument } from './calculate-document.js'
import type { DocumentInput, LineInput } from './document-types.js'

const decimal = (max: number, scale: number) =>
  fc.integer({ min: 0, max: max * 10 ** scale }).map((n) => (n / 10 ** scale).toFixed(scale))

const lineArb: fc.Arbitrary<LineInput> = fc.record(
  {
    kind: fc.constantFrom('item', 'item', 'item', 'shipping', 'fee'),
    quantity: decimal(50, 3),
    unitPriceMinor: fc.integer({ min: 0, max: 2_000_000 }),
    discount: fc.oneof(
      fc.record({ percent: decimal(100, 2) }),
      fc.record({ amountPerUnitMinor: fc.integer({ min: 0, max: 5000 }) }),
      fc.record({ amountMinor: fc.integer({ min: 0, max: 50_000 }) }),
    ),
    taxRate: fc.constantFrom('0', '5', '7.5', '10.75', '13', '19', '20', '21'),
  },
  { requiredKeys: ['quantity', 'unitPriceMinor'] },
)

const documentArb: fc.Arbitrary<DocumentInput> = fc
  .record(
    {
      currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
      lines: fc.array(lineArb, { minLength: 1, maxLength: 25 }),
      pricesIncludeTax: fc.boolean(),
      taxRounding: fc.constantFrom('perLine', 'global'),
      roundingMode: fc.constantFrom('halfUp', 'halfEven', 'halfDown', 'down', 'up'),
      headerDiscount: fc.oneof(
        fc.record({ percent: decimal(100, 2) }),
        fc.record({ amountMinor: fc.integer({ min: 0, max: 1_000_000 }) }),
      ),
      fx: fc.record({ companyCurrency: fc.constantFrom('USD', 'CNY', 'JPY', 'BHD'), rate: decimal(200, 6) }),
    },
    { requiredKeys: ['currency', 'lines'] },
  )
  .filter((doc) => doc.fx === undefined || Number(doc.fx.rate) > 0)

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

describe('calculateDocument properties', () => {
  it('lines sum exactly to the header, in the document and the company currency', () => {
    fc.assert(
      fc.property(documentArb, (input) => {
        const doc = calculateDocument(input)
        const { lines, totals } = doc
        expect(sum(lines.map((l) => l.grossMinor))).toBe(totals.grossMinor)
        expect(sum(lines.map((l) => l.lineDiscountMinor))).toBe(totals.lineDiscountMinor)
        expect(sum(lines.map((l) => l.headerDiscountMinor))).toBe(totals.headerDiscountMinor)
        expect(sum(lines.map((l) => l.subtotalMinor))).toBe(totals.subtotalMinor)
        expect(sum(lines.map((l) => l.taxMinor))).toBe(totals.taxMinor)
        expect(totals.subtotalMinor + totals.taxMinor).toBe(totals.totalMinor)
        expect(sum(doc.taxes.map((t) => t.taxMinor))).toBe(totals.taxMinor)
        for (const line of lines) {
          expect(line.grossMinor - line.lineDiscountMinor).toBe(line.netMinor)
          expect(line.subtotalMinor + line.taxMinor).toBe(line.totalMinor)
          const afterHeader = line.netMinor - line.headerDiscountMinor
          expect(input.pricesIncludeTax ? line.totalMinor : line.subtotalMinor).toBe(afterHeader)
          expect(
            Math.min(line.subtotalMinor, line.taxMinor, line.headerDiscountMinor, line.netMinor),
          ).toBeGreaterThanOrEqual(0)
        }
        if (doc.company) {
          expect(sum(lines.map((l) => l.company?.subtotalMinor ?? Number.NaN))).toBe(
            doc.company.subtotalMinor,
          )
          expect(sum(lines.map((l) => l.company?.taxMinor ?? Number.NaN))).toBe(doc.company.taxMinor)
          expect(sum(lines.map((l) => l.company?.totalMinor ?? Number.NaN))).toBe(doc.company.totalMinor)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('totals, tax summary and company totals do not depend on line order', () => {
    fc.assert(
      fc.property(
        documentArb.chain((doc) =>
          fc.tuple(fc.constant(doc), fc.shuffledSubarray([...doc.lines], { minLength: doc.lines.length })),
        ),
        ([input, shuffled]) => {
          const a = calculateDocument(input)
          const b = calculateDocument({ ...input, lines: shuffled })
          expect(b.totals).toEqual(a.totals)
          expect(b.company).toEqual(a.company)
          const byRate = (doc: typeof a) => [...doc.taxes].sort((x, y) => x.rate.localeCompare(y.rate))
          expect(byRate(b)).toEqual(byRate(a))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('loses and invents no minor unit: the header discount is exactly its percentage or capped amount', () => {
    fc.assert(
      fc.property(documentArb, (input) => {
        const doc = calculateDocument(input)
        const itemNets = sum(doc.lines.filter((l) => l.kind === 'item').map((l) => l.netMinor))
        const header = input.headerDiscount
        if (header === undefined) expect(doc.totals.headerDiscountMinor).toBe(0)
        else if ('amountMinor' in header)
          expect(doc.totals.headerDiscountMinor).toBe(Math.min(header.amountMinor, itemNets))
        else {
          // percent of the item nets, rounded once: within one unit of the exact value.
          const exact = (itemNets * Number(header.percent)) / 100
          expect(Math.abs(doc.totals.headerDiscountMinor - exact)).toBeLessThanOrEqual(1)
        }
        // global tax rounding rounds each rate's exact sum once: within one unit per rate of per-line rounding's
        // exact value, and the tax never exceeds the amounts it is taken from.
        expect(doc.totals.taxMinor).toBeLessThanOrEqual(doc.totals.totalMinor)
      }),
      { numRuns: 300 },
    )
  })
})
