import { ADAPTERS, codeOf, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { productsPlugin } from '../src/products/products-plugin.js'

type Opened = Awaited<ReturnType<typeof openCrm<readonly [ReturnType<typeof productsPlugin>]>>>

/** Every answer a scenario got, for comparing adapters. */
const snapshots: Record<string, unknown> = {}

for (const adapter of ADAPTERS) {
  describe(`products and price books on ${adapter.name}`, () => {
    let opened: Opened
    // Migrating three entities on Postgres took over vitest's default 10 s at load 38 on the shared machine.
    beforeAll(async () => {
      opened = await openCrm(adapter, [productsPlugin()] as const)
    }, 60_000)
    afterAll(async () => opened?.dispose())

    const products = () => opened.crm.entity('product')
    const books = () => opened.crm.entity('priceBook')
    const entries = () => opened.crm.entity('priceBookEntry')
    const lookup = (input: Parameters<Opened['crm']['plugins']['products']['lookupPrice']>[0]) =>
      opened.crm.plugins.products.lookupPrice(input)
    const rows = async (entity: () => ReturnType<typeof books>) =>
      (await entity().list({ limit: 500 })).items.map((r) => ({ ...r }))

    it('keeps a catalogue: code unique per tenant, family, unit, active flag, custom fields', async () => {
      await opened.crm.customFields.define('product', {
        key: 'color',
        type: 'select',
        options: ['red', 'blue'],
      })
      const widget = await products().create({
        code: 'W-1',
        name: '小部件 Widget',
        family: 'hardware',
        custom: { color: 'red' },
      })
      expect(widget).toMatchObject({ code: 'W-1', unit: 'each', active: true, custom: { color: 'red' } })
      const before = await rows(products)
      expect(await codeOf(products().create({ code: 'W-1', name: 'Another' }))).toBe('UNIQUE_VIOLATION')
      expect(await codeOf(products().create({ code: '', name: 'No code' }))).toBe('VALIDATION_FAILED')
      expect(await codeOf(products().create({ code: 'W-2', name: 'x', custom: { color: 'green' } }))).toBe(
        'VALIDATION_FAILED',
      )
      expect(await rows(products)).toEqual(before)
    })

    it('answers one price: customer list > segment list > default book, then period, then tier', async () => {
      const p = await products().create({ code: 'P-1', name: 'Service hour', unit: 'hour' })
      const productId = String(p['id'])
      const list = await books().create({ name: 'EUR list', currency: 'EUR', validFrom: '2026-01-01' })
      const vip = await books().create({
        name: 'VIP',
        kind: 'segment',
        segmentId: 'seg_vip',
        currency: 'EUR',
      })
      const acme = await books().create({
        name: 'ACME contract prices',
        kind: 'customer',
        customerId: 'com_acme',
        currency: 'EUR',
        validFrom: '2026-01-01',
        validTo: '2026-06-30',
      })
      await books().create({ name: 'USD list', currency: 'USD' })
      const tiers: [number, number][] = [
        [0, 10_000],
        [10, 9_000],
        [2.5, 9_500],
        [100, 8_000],
      ]
      for (const [minQuantity, unitPriceMinor] of tiers) {
        await entries().create({ priceBookId: list['id'], productId, minQuantity, unitPriceMinor })
      }
      await entries().create({ priceBookId: vip['id'], productId, unitPriceMinor: 9_200 })
      await entries().create({ priceBookId: acme['id'], productId, unitPriceMinor: 8_800 })
      const base = { productId, currency: 'EUR', date: '2026-03-01' }
      const answers = {
        one: await lookup({ ...base, quantity: '1' }),
        twoAndAHalf: await lookup({ ...base, quantity: '2.5' }),
        twelve: await lookup({ ...base, quantity: 12 }),
        hundred: await lookup({ ...base, quantity: '100' }),
        vip: await lookup({ ...base, quantity: '1', segmentIds: ['seg_other', 'seg_vip'] }),
        acme: await lookup({ ...base, quantity: '1', customerId: 'com_acme', segmentIds: ['seg_vip'] }),
        acmeInJuly: await lookup({ ...base, quantity: '1', customerId: 'com_acme', date: '2026-07-01' }),
        shanghaiInstant: await lookup({
          ...base,
          quantity: '1',
          customerId: 'com_acme',
          date: new Date('2026-06-30T20:00:00Z'),
          timeZone: 'Asia/Shanghai',
        }),
      }
      expect(answers.one).toMatchObject({ unitPriceMinor: 10_000, source: 'default', minQuantity: 0 })
      expect(answers.twoAndAHalf.unitPriceMinor).toBe(9_500)
      expect(answers.twelve.unitPriceMinor).toBe(9_000)
      expect(answers.hundred).toMatchObject({
        unitPriceMinor: 8_000,
        priceBookId: list['id'],
        validFrom: '2026-01-01',
      })
      expect(answers.vip).toMatchObject({ unitPriceMinor: 9_200, source: 'segment' })
      expect(answers.acme).toMatchObject({ unitPriceMinor: 8_800, source: 'customer', validTo: '2026-06-30' })
      expect(answers.acmeInJuly.source).toBe('default')
      // 20:00 UTC on June 30 is July 1 in Shanghai: the ACME list has ended there.
      expect(answers.shanghaiInstant.source).toBe('default')
      // The same answer through the operation the REST server and MCP tools call, on the caller's services.
      const operation = opened.crm
        .describe()
        .operations.find((o) => o.plugin === 'products' && o.name === 'lookupPrice')
      const viaOperation = await operation?.operation.run(
        operation.operation.input.parse({
          id: productId,
          quantity: '1',
          currency: 'EUR',
          date: '2026-03-01',
          customerId: 'com_acme',
        }),
        { crm: opened.crm, tenantId: 'unused', actor: null },
      )
      expect(viaOperation).toEqual(answers.acme)
      expect(
        opened.crm
          .describe()
          .entities.filter((e) => e.plugin === 'products')
          .map((e) => e.collection),
      ).toEqual(['products', 'priceBooks', 'priceBookEntries'])
      expect(await codeOf(lookup({ ...base, quantity: '1', date: '2025-12-31' }))).toBe('SALES_NO_PRICE')
      expect(await codeOf(lookup({ ...base, quantity: '1', currency: 'USD' }))).toBe('SALES_NO_PRICE')
      snapshots[adapter.name] = JSON.parse(
        JSON.stringify(answers, (key, value) => (key.endsWith('Id') ? undefined : value)),
      )
    })

    it('refuses malformed lookups and unpriceable products with typed errors', async () => {
      const p = await products().create({ code: 'OLD', name: 'Discontinued', active: false })
      const base = { productId: String(p['id']), currency: 'EUR', date: '2026-03-01', quantity: '1' }
      expect(await codeOf(lookup(base))).toBe('SALES_PRODUCT_INACTIVE')
      expect(await codeOf(lookup({ ...base, productId: 'prd_missing' }))).toBe('NOT_FOUND')
      expect(await codeOf(lookup({ ...base, quantity: '-1' }))).toBe('SALES_NEGATIVE_QUANTITY')
      expect(await codeOf(lookup({ ...base, quantity: '1e3' }))).toBe('SALES_INVALID_DECIMAL')
      expect(await codeOf(lookup({ ...base, currency: 'EURO' }))).toBe('SALES_INVALID_CURRENCY')
      expect(await codeOf(lookup({ ...base, date: '2026-02-30' }))).toBe('SALES_INVALID_PRICE_QUERY')
      expect(await codeOf(lookup({ ...base, segmentIds: 'seg_vip' as never }))).toBe(
        'SALES_INVALID_PRICE_QUERY',
      )
      expect(await codeOf(lookup({ ...base, price: 1 } as never))).toBe('SALES_INVALID_PRICE_QUERY')
      expect(await codeOf(lookup({ ...base, productId: 'x\u0000'.repeat(80) }))).toBe(
        'SALES_INVALID_PRICE_QUERY',
      )
    })

    it('refuses bad books and entries, overlapping periods and a currency change, writing nothing', async () => {
      const p = await products().create({ code: 'P-2', name: 'Licence' })
      const productId = String(p['id'])
      const book = await books().create({
        name: 'CNY 2026',
        currency: 'CNY',
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
      })
      const entry = await entries().create({
        priceBookId: book['id'],
        productId,
        unitPriceMinor: 100,
        validTo: '2026-06-30',
      })
      await books().create({ name: 'CNY 2027', currency: 'CNY', validFrom: '2027-01-01' })
      const before = { books: await rows(books), entries: await rows(entries) }
      const refusals: [string, () => Promise<unknown>][] = [
        ['SALES_INVALID_PRICE_BOOK', () => books().create({ name: 'x', kind: 'customer', currency: 'CNY' })],
        [
          'SALES_INVALID_PRICE_BOOK',
          () =>
            books().create({
              name: 'x',
              kind: 'default',
              currency: 'CNY',
              segmentId: 'seg_1',
              validFrom: '2030-01-01',
            }),
        ],
        [
          'SALES_INVALID_PERIOD',
          () =>
            books().create({ name: 'x', currency: 'CNY', validFrom: '2031-02-01', validTo: '2031-01-31' }),
        ],
        [
          'SALES_OVERLAPPING_VALIDITY',
          () => books().create({ name: 'x', currency: 'CNY', validFrom: '2026-12-31' }),
        ],
        ['SALES_OVERLAPPING_VALIDITY', () => books().update(String(book['id']), { validTo: null })],
        ['SALES_RECORD_LOCKED', () => books().update(String(book['id']), { currency: 'USD' })],
        [
          'SALES_OVERLAPPING_VALIDITY',
          () =>
            entries().create({
              priceBookId: book['id'],
              productId,
              unitPriceMinor: 90,
              validFrom: '2026-06-30',
            }),
        ],
        ['SALES_INVALID_PERIOD', () => entries().update(String(entry['id']), { validFrom: '2026-07-01' })],
        [
          'VALIDATION_FAILED',
          () => entries().create({ priceBookId: book['id'], productId, unitPriceMinor: -1 }),
        ],
        [
          'VALIDATION_FAILED',
          () => entries().create({ priceBookId: book['id'], productId, unitPriceMinor: 1.5 }),
        ],
        [
          'VALIDATION_FAILED',
          () =>
            entries().create({
              priceBookId: book['id'],
              productId,
              unitPriceMinor: 1,
              minQuantity: 0.0000001,
            }),
        ],
      ]
      for (const [i, [code, attempt]] of refusals.entries())
        expect([i, await codeOf(attempt())]).toEqual([i, code])
      expect({ books: await rows(books), entries: await rows(entries) }).toEqual(before)
      // The next period of an entry and the next tier are fine.
      await entries().create({
        priceBookId: book['id'],
        productId,
        unitPriceMinor: 95,
        validFrom: '2026-07-01',
      })
      await entries().create({ priceBookId: book['id'], productId, unitPriceMinor: 80, minQuantity: 10 })
      const july = await lookup({ productId, currency: 'CNY', date: '2026-07-15', quantity: '3' })
      expect(july.unitPriceMinor).toBe(95)
    })

    it('prices through a derived book (Odoo formula, golden vector #10) and refuses broken rules, writing nothing', async () => {
      const p = await products().create({ code: 'P-GBP', name: 'Kettle' })
      const productId = String(p['id'])
      const cost = await books().create({
        name: 'Cost',
        kind: 'segment',
        segmentId: 'seg_internal',
        currency: 'GBP',
      })
      await entries().create({ priceBookId: cost['id'], productId, unitPriceMinor: 12_300 })
      await entries().create({ priceBookId: cost['id'], productId, unitPriceMinor: 11_000, minQuantity: 50 })
      const retail = await books().create({
        name: 'Retail',
        currency: 'GBP',
        priceRule: {
          basePriceBookId: cost['id'],
          discountPercent: '0',
          roundingMinor: 1_000,
          surchargeMinor: -1,
        },
      })
      const ask = { productId, currency: 'GBP', date: '2026-03-01' }
      expect(await lookup({ ...ask, quantity: '1' })).toMatchObject({
        unitPriceMinor: 11_999,
        source: 'default',
        priceBookId: retail['id'],
        derivedFrom: { priceBookId: cost['id'], unitPriceMinor: 12_300 },
      })
      // The base book's tier for the quantity: 110.00 → 110.00 → 109.99.
      expect((await lookup({ ...ask, quantity: '50' })).unitPriceMinor).toBe(10_999)
      // The base book's own buyers still get the base price.
      expect((await lookup({ ...ask, quantity: '1', segmentIds: ['seg_internal'] })).unitPriceMinor).toBe(
        12_300,
      )
      const usd = await books().create({
        name: 'USD cost',
        kind: 'segment',
        segmentId: 'seg_us',
        currency: 'USD',
      })
      const before = await rows(books)
      const rule = (basePriceBookId: unknown, extra: Record<string, unknown> = {}) => ({
        name: 'Partner',
        kind: 'segment',
        segmentId: 'seg_partner',
        currency: 'GBP',
        priceRule: { basePriceBookId, ...extra },
      })
      const refusals: [string, () => Promise<unknown>][] = [
        ['SALES_INVALID_PRICE_RULE', () => books().create(rule(usd['id']))],
        ['NOT_FOUND', () => books().create(rule('pbk_missing'))],
        [
          'SALES_INVALID_PRICE_RULE',
          () => books().create(rule(cost['id'], { minMarginMinor: 500, maxMarginMinor: 100 })),
        ],
        // The cost book deriving from retail closes a cycle.
        [
          'SALES_INVALID_PRICE_RULE',
          () => books().update(String(cost['id']), { priceRule: { basePriceBookId: retail['id'] } }),
        ],
        [
          'SALES_INVALID_PRICE_RULE',
          () => books().update(String(retail['id']), { priceRule: { basePriceBookId: retail['id'] } }),
        ],
        ['VALIDATION_FAILED', () => books().create(rule(cost['id'], { discountPercent: '101' }))],
        ['VALIDATION_FAILED', () => books().create(rule(cost['id'], { roundingMinor: 0 }))],
        ['VALIDATION_FAILED', () => books().create(rule(cost['id'], { price: 1 }))],
      ]
      for (const [i, [code, attempt]] of refusals.entries())
        expect([i, await codeOf(attempt())]).toEqual([i, code])
      expect(await rows(books)).toEqual(before)
    })
  })
}

describe('products and price books on every adapter', () => {
  it('agree on every answer', () => {
    expect(Object.keys(snapshots)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(snapshots['sqlite']).toEqual(snapshots['memory'])
    expect(snapshots['postgres']).toEqual(snapshots['memory'])
  })
})
