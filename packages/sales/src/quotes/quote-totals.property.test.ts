// fast-check: whatever lines a quote is written with, the stored totals are calculateDocument's, they do not depend
// on line order, and rewriting the lines in another order through update gives the same totals (memory adapter; the
// storage only round-trips integers and JSON, which the differential test in quotes.test.ts covers).
import { createCrm } from '@rapport/core'
import { createMemoryStorage } from '@rapport/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { calculateDocument } from '../money/calculate-document.js'
import { receivablesPlugin } from '../receivables/receivables-plugin.js'
import { quoteDocumentInput } from './quote-calculation.js'
import { quotesPlugin } from './quotes-plugin.js'

const decimal = (max: number, scale: number) =>
  fc.integer({ min: 0, max: max * 10 ** scale }).map((n) => (n / 10 ** scale).toFixed(scale))

const lineArb = fc.record(
  {
    kind: fc.constantFrom('item', 'item', 'shipping', 'fee'),
    quantity: decimal(50, 3),
    unitPriceMinor: fc.integer({ min: 0, max: 2_000_000 }),
    discount: fc.oneof(
      fc.record({ percent: decimal(100, 2) }),
      fc.record({ amountMinor: fc.integer({ min: 0, max: 50_000 }) }),
    ),
    taxRate: fc.constantFrom('0', '7', '10.75', '20'),
  },
  { requiredKeys: ['quantity', 'unitPriceMinor'] },
)

describe('quote totals', () => {
  it('are calculateDocument of the lines as written, whatever their order', async () => {
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [receivablesPlugin(), quotesPlugin()] as const,
    })
    await crm.migrate()
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { minLength: 1, maxLength: 12 }),
        fc.constantFrom('perLine', 'global'),
        fc.boolean(),
        async (lines, taxRounding, pricesIncludeTax) => {
          const quote = await crm.plugins.quotes.create({
            title: 'p',
            currency: 'EUR',
            lines,
            taxRounding,
            pricesIncludeTax,
            headerDiscount: { amountMinor: 100 },
          })
          const expected = calculateDocument(quoteDocumentInput(quote)).totals
          expect([quote['subtotalMinor'], quote['taxMinor'], quote['totalMinor']]).toEqual([
            expected.subtotalMinor,
            expected.taxMinor,
            expected.totalMinor,
          ])
          const reversed = await crm.plugins.quotes.update(quote.id, { lines: [...lines].reverse() })
          expect(reversed['totalMinor']).toBe(quote['totalMinor'])
          expect(reversed['taxMinor']).toBe(quote['taxMinor'])
          // A changed set of lines is recomputed, not carried over.
          const first = await crm.plugins.quotes.update(quote.id, { lines: [lines[0]] })
          expect(first['totalMinor']).toBe(calculateDocument(quoteDocumentInput(first)).totals.totalMinor)
          await crm.entity('quote').delete(quote.id)
        },
      ),
      { numRuns: 40 },
    )
  })
})
