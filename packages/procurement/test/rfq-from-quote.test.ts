import { isRapportError } from '@rapport/core'
import { productsPlugin } from '@rapport/sales/products'
import { quoteRfqLines, quotesPlugin } from '@rapport/sales/quotes'
import { receivablesPlugin } from '@rapport/sales/receivables'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { procurementPlugin } from '../src/index.js'

const clock = () => new Date('2026-03-02T09:00:00.000Z')
const plugins = () =>
  [
    productsPlugin(),
    receivablesPlugin(),
    quotesPlugin({ clock }),
    procurementPlugin({ clock, linesOf: quoteRfqLines }),
  ] as const
const open = (adapter: (typeof ADAPTERS)[number]) => openCrm(adapter, plugins(), clock)

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )

/** Every adapter's RFQ lines and award, compared at the end. */
const results: Record<string, unknown> = {}

describe.each(ADAPTERS)('an RFQ from a sales quote on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof open>>
  beforeAll(async () => {
    t = await open(adapter)
  }, 120_000) // five plugins' migrations on a loaded Postgres
  afterAll(() => t?.dispose())

  it('asks the suppliers of the lines’ families for the quote’s item lines, and links the award back to the quote', async () => {
    const { crm } = t
    const product = (code: string, name: string, family: string, unit = 'each') =>
      crm
        .entity('product')
        .create({ code, name, family, unit })
        .then((r) => String(r['id']))
    const pcb = await product('PCB-1', '主板 PCB', 'electronics')
    const bolt = await product('BOLT', 'Bolt M8', 'hardware', 'box')
    const quote = await crm.plugins.quotes.create({
      title: 'Controllers for Acme',
      currency: 'EUR',
      lines: [
        { productId: pcb, quantity: '500', unitPriceMinor: 2_000 },
        { productId: bolt, quantity: '20', unitPriceMinor: 300 },
        { productId: bolt, quantity: '5', unitPriceMinor: 300, description: 'Spare bolts' },
        { description: 'Assembly', sku: 'ASM', quantity: '1', unitPriceMinor: 50_000 },
        { kind: 'shipping', description: 'Freight', quantity: '1', unitPriceMinor: 2_500 },
      ],
    })
    const supplier = (name: string, categories: string[], rating: number) =>
      crm
        .entity('supplier')
        .create({ name, categories, rating })
        .then((r) => String(r['id']))
    const shenzhen = await supplier('深圳电子', ['electronics', 'hardware'], 4)
    const bolts = await supplier('Bolts GmbH', ['hardware'], 5)
    await supplier('Paper Ltd', ['stationery'], 5)

    const api = crm.plugins.procurement
    const rfq = await api.createFromQuote(quote.id)
    // Item lines only, keyed by product code (made unique), with the products' units and families.
    expect(rfq.lines).toEqual([
      { key: 'PCB-1', description: '主板 PCB', quantity: 500, unit: 'each', category: 'electronics' },
      { key: 'BOLT', description: 'Bolt M8', quantity: 20, unit: 'box', category: 'hardware' },
      { key: 'BOLT#2', description: 'Spare bolts', quantity: 5, unit: 'box', category: 'hardware' },
      { key: 'ASM', description: 'Assembly', quantity: 1 },
    ])
    expect(rfq).toMatchObject({ sourceEntity: 'quote', sourceId: quote.id, currency: 'EUR', status: 'open' })
    // Invited by category: the suppliers of electronics or hardware, not stationery.
    expect([...rfq.supplierIds].sort()).toEqual([shenzhen, bolts].sort())

    const all = (price: number) => rfq.lines.map((l) => ({ key: l.key, unitPriceMinor: price }))
    await api.submitQuote({ rfqId: rfq.id, supplierId: shenzhen, currency: 'EUR', lines: all(100) })
    const cheaper = await api.submitQuote({
      rfqId: rfq.id,
      supplierId: bolts,
      currency: 'EUR',
      lines: all(90),
    })
    const awarded: { type: string; payload: Record<string, unknown> }[] = []
    crm.events.on(
      'procurement.awarded' as never,
      ((payload: Record<string, unknown>) => awarded.push({ type: 'procurement.awarded', payload })) as never,
    )
    const { rfq: done, quote: won } = await api.award(rfq.id)
    expect([done.status, done.awardedQuoteId, won.id]).toEqual(['awarded', cheaper.id, cheaper.id])
    // The award is reachable from the sales quote, and its event names the quote.
    const fromQuote = await api.rfqsOf('quote', quote.id)
    expect(fromQuote.map((r) => [r.id, r.status, r.awardedSupplierId])).toEqual([[rfq.id, 'awarded', bolts]])
    expect(awarded.map((e) => [e.payload['sourceEntity'], e.payload['sourceId']])).toEqual([
      ['quote', quote.id],
    ])
    // Given suppliers and another purchase currency are kept.
    const usd = await api.createFromQuote(quote.id, {
      supplierIds: [shenzhen],
      currency: 'USD',
      title: 'US buy',
    })
    expect([usd.currency, usd.supplierIds, usd.title]).toEqual(['USD', [shenzhen], 'US buy'])
    results[adapter.name] = {
      lines: rfq.lines,
      total: won.total,
      statuses: (await api.rfqsOf('quote', quote.id)).map((r) => r.status),
    }
  })

  it('refuses quotes it cannot buy for, and another tenant’s quote, writing no RFQ', async () => {
    const { crm } = t
    const api = crm.plugins.procurement
    const before = await crm.entity('rfq').count()
    const create = (lines: Record<string, unknown>[]) =>
      crm.plugins.quotes.create({ title: 'x', currency: 'EUR', lines }).then((q) => q.id)
    const fractional = await create([{ description: 'Consulting', quantity: '1.5', unitPriceMinor: 10_000 }])
    const shippingOnly = await create([
      { kind: 'shipping', description: 'Freight', quantity: '1', unitPriceMinor: 1 },
    ])
    const zero = await create([{ description: 'Nothing', quantity: '0', unitPriceMinor: 1 }])
    const theirs = await crm
      .scoped({ tenantId: 'tenant_other' })
      .entity('quote')
      .create({
        title: 'Theirs',
        currency: 'EUR',
        lines: [{ description: 'Widget', quantity: '1', unitPriceMinor: 1 }],
      })
    expect(await codeOf(api.createFromQuote(fractional))).toBe('SALES_INVALID_DOCUMENT')
    expect(await codeOf(api.createFromQuote(shippingOnly))).toBe('SALES_INVALID_DOCUMENT')
    expect(await codeOf(api.createFromQuote(zero))).toBe('SALES_INVALID_DOCUMENT')
    expect(await codeOf(api.createFromQuote(String(theirs['id'])))).toBe('NOT_FOUND')
    expect(await codeOf(api.createFromQuote('quo_missing'))).toBe('NOT_FOUND')
    expect(await crm.entity('rfq').count()).toBe(before)
  })
})

describe('an RFQ from a sales quote on every adapter', () => {
  it('agree', () => {
    expect(Object.keys(results)).toEqual(['memory', 'sqlite', 'postgres'])
    expect(results['sqlite']).toEqual(results['memory'])
    expect(results['postgres']).toEqual(results['memory'])
  })
})
