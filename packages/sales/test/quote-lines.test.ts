import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { productsPlugin } from '../src/products/products-plugin.js'
import { quotesPlugin } from '../src/quotes/quotes-plugin.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; path?: unknown }> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) {
      const details = (error.details ?? {}) as Record<string, unknown>
      return { code: error.code, ...(details['path'] ? { path: details['path'] } : {}) }
    }
    throw error
  }
  return { code: 'no error' }
}

const clock = () => new Date('2026-03-02T09:00:00.000Z')
const plugins = (priceOverrides: 'allow' | 'forbid' = 'allow') =>
  [productsPlugin(), receivablesPlugin(), quotesPlugin({ clock, priceOverrides })] as const

type Opened = Awaited<ReturnType<typeof openCrm<ReturnType<typeof plugins>>>>

/** What each adapter ends with; every adapter must agree. */
const snapshots: Record<string, unknown[]> = {}
/** Ids differ between runs; what the lines hold apart from them must not. */
const withoutIds = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (key, v) => (/(^id|Id)$/.test(key) ? undefined : v)))

for (const adapter of ADAPTERS) {
  describe(`quote lines from the catalogue on ${adapter.name}`, () => {
    let opened: Opened
    let strict: Opened
    let ids: Record<string, string>
    const snap = (label: string, value: unknown) => {
      snapshots[adapter.name] ??= []
      snapshots[adapter.name]!.push([label, withoutIds(value)])
    }

    /** The same catalogue in a CRM: a default EUR book with tiers, a March promotion, a customer list, a product
     * without any EUR price, an inactive one, and a product of another tenant. */
    async function seed(crm: Opened['crm']): Promise<Record<string, string>> {
      const product = (input: Record<string, unknown>) =>
        crm
          .entity('product')
          .create(input)
          .then((r) => String(r['id']))
      const book = (input: Record<string, unknown>) =>
        crm
          .entity('priceBook')
          .create(input)
          .then((r) => String(r['id']))
      const entry = (input: Record<string, unknown>) => crm.entity('priceBookEntry').create(input)
      const robot = await product({ code: 'RA-1', name: 'Robot arm', unit: 'each', family: 'robots' })
      const hour = await product({ code: 'SVC-H', name: 'Service hour', unit: 'hour', family: 'services' })
      const gbpOnly = await product({ code: 'UK-1', name: 'Plug adapter' })
      const retired = await product({ code: 'OLD-1', name: 'Retired model', active: false })
      const list = await book({ name: 'EUR list', currency: 'EUR' })
      const promo = await book({
        name: 'March',
        kind: 'segment',
        segmentId: 'seg_none',
        currency: 'EUR',
        validFrom: '2026-03-01',
        validTo: '2026-03-31',
      })
      const company = String((await crm.companies.create({ name: 'Acme 株式会社' })).id)
      const acme = await book({ name: 'Acme', kind: 'customer', customerId: company, currency: 'EUR' })
      const gbp = await book({ name: 'GBP list', currency: 'GBP' })
      await entry({ priceBookId: list, productId: robot, unitPriceMinor: 10_000 })
      await entry({ priceBookId: list, productId: robot, unitPriceMinor: 9_000, minQuantity: 10 })
      await entry({ priceBookId: list, productId: hour, unitPriceMinor: 8_000 })
      await entry({ priceBookId: list, productId: retired, unitPriceMinor: 1_000 })
      await entry({ priceBookId: promo, productId: robot, unitPriceMinor: 1 })
      await entry({ priceBookId: acme, productId: hour, unitPriceMinor: 7_000, validTo: '2026-02-28' })
      await entry({ priceBookId: gbp, productId: gbpOnly, unitPriceMinor: 500 })
      const foreign = String(
        (
          await crm
            .scoped({ tenantId: 'tenant_other' })
            .entity('product')
            .create({ code: 'RA-1', name: 'Their robot' })
        ).id,
      )
      return { robot, hour, gbpOnly, retired, list, acme, company, foreign }
    }

    beforeAll(async () => {
      opened = await openCrm(adapter, plugins(), clock)
      strict = await openCrm(adapter, plugins('forbid'), clock)
      ids = await seed(opened.crm)
    }, 120_000)
    afterAll(async () => {
      await opened?.dispose()
      await strict?.dispose()
    })

    const quotes = () => opened.crm.plugins.quotes
    const allQuotes = async (crm: Opened['crm'] = opened.crm) =>
      (await crm.entity('quote').list({ limit: 500 })).items.map((q) => ({ ...q }))

    it('prices a product line from the books (customer, quantity tier, quote date) and keeps where from', async () => {
      const quote = await quotes().create({
        title: 'Robots',
        currency: 'EUR',
        companyId: ids['company'],
        quoteDate: '2026-02-15',
        lines: [
          { productId: ids['robot'], quantity: '12', taxRate: '20' },
          { productId: ids['hour'], quantity: '1.5', discount: { percent: '10' } },
          { productId: ids['robot'], quantity: '1', unitPriceMinor: 9_500, description: 'Demo unit' },
          { kind: 'shipping', description: 'Freight', quantity: '1', unitPriceMinor: 2_500 },
        ],
      })
      const lines = quote['lines'] as Record<string, unknown>[]
      // 12 robots are the 10+ tier of the default book; Acme's own hourly rate holds until 2026-02-28.
      expect(lines[0]).toMatchObject({
        unitPriceMinor: 9_000,
        sku: 'RA-1',
        description: 'Robot arm',
        unit: 'each',
        priceSource: {
          priceBookId: ids['list'],
          source: 'default',
          currency: 'EUR',
          date: '2026-02-15',
          minQuantity: 10,
        },
      })
      expect(lines[1]).toMatchObject({
        unitPriceMinor: 7_000,
        unit: 'hour',
        priceSource: { priceBookId: ids['acme'], source: 'customer' },
      })
      // An explicit price is kept as given, labelled as written, and has no price source.
      expect(lines[2]).toMatchObject({ unitPriceMinor: 9_500, description: 'Demo unit', sku: 'RA-1' })
      expect(lines[2]?.['priceSource']).toBeUndefined()
      expect(lines[3]).toEqual({
        kind: 'shipping',
        description: 'Freight',
        quantity: '1',
        unitPriceMinor: 2_500,
      })
      // 108000 + 21600 tax; 10500 − 1050; 9500; 2500: the totals are computed from the priced lines.
      expect(quote).toMatchObject({ subtotalMinor: 108_000 + 9_450 + 9_500 + 2_500, taxMinor: 21_600 })
      expect(quote['totalMinor']).toBe(108_000 + 21_600 + 9_450 + 9_500 + 2_500)
      snap('priced', quote['lines'])

      // On 2026-03-10 Acme's list has ended, so the default book prices the hour.
      const march = await quotes().create({
        title: 'Hours',
        currency: 'EUR',
        companyId: ids['company'],
        quoteDate: '2026-03-10',
        lines: [{ productId: ids['hour'], quantity: '2' }],
      })
      expect((march['lines'] as Record<string, unknown>[])[0]).toMatchObject({
        unitPriceMinor: 8_000,
        priceSource: { source: 'default' },
      })
      // Without a quoteDate, the quote is dated by the plugin's clock.
      const undated = await quotes().create({
        title: 'Undated',
        currency: 'EUR',
        lines: [{ productId: ids['robot'], quantity: '1' }],
      })
      expect(undated['quoteDate']).toBe('2026-03-02')
      snap('march', [march['lines'], undated['lines']])
    })

    it('keeps priced lines through edits and revisions; a changed quantity is re-priced when the price is left out', async () => {
      const quote = await quotes().create({
        title: 'Edits',
        currency: 'EUR',
        quoteDate: '2026-02-15',
        lines: [{ productId: ids['robot'], quantity: '2' }],
      })
      const priced = quote['lines'] as Record<string, unknown>[]
      // The client sends back what it read, plus a line: the priced line is kept as it was.
      const edited = await quotes().update(quote.id, {
        lines: [...priced, { productId: ids['hour'], quantity: '3' }],
      })
      expect(edited['lines']).toEqual([...priced, expect.objectContaining({ unitPriceMinor: 8_000 })])
      // Twelve robots at the price of two must be re-priced: without its price the line reaches the 10+ tier.
      const { unitPriceMinor: _price, priceSource: _source, ...robotLine } = priced[0]!
      const more = await quotes().update(quote.id, { lines: [{ ...robotLine, quantity: '12' }] })
      expect((more['lines'] as Record<string, unknown>[])[0]).toMatchObject({ unitPriceMinor: 9_000 })
      // A revision copies the priced lines; their source is checked against the revised quote's.
      const next = await quotes().revise(quote.id, { title: 'Edits, revised' })
      expect(next['lines']).toEqual(more['lines'])
      snap('edits', [edited['lines'], more['lines'], next['lines']])
    })

    it('refuses bad product lines with typed errors and writes nothing', async () => {
      const draft = await quotes().create({
        title: 'Untouched',
        currency: 'EUR',
        quoteDate: '2026-02-15',
        lines: [{ productId: ids['robot'], quantity: '1' }],
      })
      const before = await allQuotes()
      const create = (line: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        quotes().create({ title: 'Bad', currency: 'EUR', quoteDate: '2026-02-15', lines: [line], ...extra })
      const stored = (draft['lines'] as Record<string, unknown>[])[0]!
      const refusals: [{ code: string; path?: unknown }, () => Promise<unknown>][] = [
        [
          { code: 'NOT_FOUND', path: ['lines', 0, 'productId'] },
          () => create({ productId: 'prd_missing', quantity: '1' }),
        ],
        // Another tenant's product does not exist for this one.
        [
          { code: 'NOT_FOUND', path: ['lines', 0, 'productId'] },
          () => create({ productId: ids['foreign'], quantity: '1' }),
        ],
        [
          { code: 'SALES_PRODUCT_INACTIVE', path: ['lines', 0, 'productId'] },
          () => create({ productId: ids['retired'], quantity: '1' }),
        ],
        [
          { code: 'SALES_UNIT_MISMATCH', path: ['lines', 0, 'unit'] },
          () => create({ productId: ids['hour'], quantity: '1', unit: 'day' }),
        ],
        [
          { code: 'SALES_CURRENCY_MISMATCH', path: ['lines', 0, 'currency'] },
          () => create({ productId: ids['robot'], quantity: '1', currency: 'USD' }),
        ],
        // The plug adapter has a GBP price only.
        [
          { code: 'SALES_NO_PRICE', path: ['lines', 0] },
          () => create({ productId: ids['gbpOnly'], quantity: '1' }),
        ],
        [
          { code: 'SALES_NEGATIVE_QUANTITY', path: ['lines', 0] },
          () => create({ productId: ids['robot'], quantity: '-2' }),
        ],
        // A price source is the server's: a forged one, or one on a line without a product, is refused.
        [
          { code: 'SALES_READ_ONLY_FIELD', path: ['lines', 0, 'priceSource'] },
          () => create({ ...stored, unitPriceMinor: 1 }),
        ],
        [
          { code: 'SALES_READ_ONLY_FIELD', path: ['lines', 0, 'priceSource'] },
          () =>
            create({
              description: 'x',
              quantity: '1',
              unitPriceMinor: 1,
              priceSource: stored['priceSource'],
            }),
        ],
        [
          { code: 'SALES_READ_ONLY_FIELD', path: ['lines', 0, 'priceSource'] },
          () => quotes().update(draft.id, { lines: [{ ...stored, quantity: '5' }] }),
        ],
        // Priced in EUR, the quote may not switch currency under its lines.
        [
          { code: 'SALES_CURRENCY_MISMATCH', path: ['lines', 0, 'unitPriceMinor'] },
          () => quotes().update(draft.id, { currency: 'GBP' }),
        ],
        [
          { code: 'NOT_FOUND', path: ['lines', 1, 'productId'] },
          () => quotes().update(draft.id, { lines: [stored, { productId: 'prd_gone', quantity: '1' }] }),
        ],
        // A line without a product needs its price.
        [{ code: 'SALES_INVALID_AMOUNT' }, () => create({ description: 'Consulting', quantity: '1' })],
      ]
      const got = []
      for (const [expected, attempt] of refusals) {
        const error = await errorOf(attempt())
        got.push(expected.path === undefined ? { code: error.code } : error)
      }
      expect(got).toEqual(refusals.map(([expected]) => expected))
      expect(await allQuotes()).toEqual(before)
    })

    it('with priceOverrides: forbid, a product line takes the catalogue price only', async () => {
      const s = await seed(strict.crm)
      const api = strict.crm.plugins.quotes
      const quote = await api.create({
        title: 'Strict',
        currency: 'EUR',
        quoteDate: '2026-02-15',
        lines: [
          { productId: s['robot'], quantity: '1' },
          // The catalogue price sent explicitly is accepted, and gets its source.
          { productId: s['hour'], quantity: '1', unitPriceMinor: 8_000 },
          { kind: 'fee', description: 'Set-up', quantity: '1', unitPriceMinor: 1_234 },
        ],
      })
      const lines = quote['lines'] as Record<string, unknown>[]
      expect(
        lines.map((l) => [
          l['unitPriceMinor'],
          (l['priceSource'] as Record<string, unknown> | undefined)?.['source'],
        ]),
      ).toEqual([
        [10_000, 'default'],
        [8_000, 'default'],
        [1_234, undefined],
      ])
      const before = await allQuotes(strict.crm)
      expect(
        await errorOf(
          api.create({
            title: 'Discounted by hand',
            currency: 'EUR',
            quoteDate: '2026-02-15',
            lines: [{ productId: s['robot'], quantity: '1', unitPriceMinor: 9_999 }],
          }),
        ),
      ).toEqual({ code: 'SALES_PRICE_OVERRIDE_FORBIDDEN', path: ['lines', 0, 'unitPriceMinor'] })
      expect(
        await errorOf(
          api.update(quote.id, {
            lines: [lines[0], { ...lines[1], priceSource: undefined, unitPriceMinor: 1 }],
          }),
        ),
      ).toEqual({ code: 'SALES_PRICE_OVERRIDE_FORBIDDEN', path: ['lines', 1, 'unitPriceMinor'] })
      expect(await allQuotes(strict.crm)).toEqual(before)
      snap('strict', quote['lines'])
    })
  })
}

describe('quote lines from the catalogue on every adapter', () => {
  it('agree', () => {
    expect(Object.keys(snapshots)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(snapshots['sqlite']).toEqual(snapshots['memory'])
    expect(snapshots['postgres']).toEqual(snapshots['memory'])
  })
})
