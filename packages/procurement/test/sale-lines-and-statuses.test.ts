import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { procurementPlugin } from '../src/index.js'

const clock = () => new Date('2026-03-02T09:00:00.000Z')
const open = (adapter: (typeof ADAPTERS)[number]) =>
  openCrm(adapter, [procurementPlugin({ clock })] as const, clock)

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )

describe.each(ADAPTERS)('RFQs from orders, statuses through the service, on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof open>>
  beforeAll(async () => {
    t = await open(adapter)
  }, 60_000) // migrating Postgres on a loaded machine can outlast the default 10 s
  afterAll(() => t?.dispose())

  it('reads the RFQ lines from a sales order; quote and RFQ statuses change only through the service', async () => {
    const { crm } = t
    const buyer = await crm.companies.create({ name: '华为' })
    const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' })
    const order = await crm.orders.create({
      customerType: 'company',
      customerId: buyer.id,
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      amount: eur(5 * 2_000 + 100 * 50 + 20 * 50),
      lines: [
        { sku: 'PCB-1', name: '主板 PCB', quantity: 5, unitPrice: eur(2_000) },
        { sku: 'BOLT', quantity: 100, unitPrice: eur(50) },
        { sku: 'BOLT', name: 'Bolt, spare', quantity: 20, unitPrice: eur(50) },
      ],
    })
    const a = await crm.entity('supplier').create({ name: 'A', categories: ['pcb'], rating: 4 })
    const b = await crm.entity('supplier').create({ name: 'B', categories: ['pcb'], rating: 3 })
    const api = crm.plugins.procurement
    const rfq = await api.createRfq({
      source: { entity: 'order', id: order.id },
      currency: 'EUR',
      supplierIds: [String(a['id']), String(b['id'])],
    })
    expect(rfq.lines).toEqual([
      { key: 'PCB-1', description: '主板 PCB', quantity: 5 },
      { key: 'BOLT', description: 'BOLT', quantity: 100 },
      { key: 'BOLT#2', description: 'Bolt, spare', quantity: 20 },
    ])
    expect(await api.rfqsOf('order', order.id)).toHaveLength(1)

    const priced = [
      { key: 'PCB-1', unitPriceMinor: 1_500 },
      { key: 'BOLT', unitPriceMinor: 30 },
      { key: 'BOLT#2', unitPriceMinor: 30 },
    ]
    const qa = await api.submitQuote({
      rfqId: rfq.id,
      supplierId: String(a['id']),
      currency: 'EUR',
      lines: priced,
    })
    const qb = await api.submitQuote({
      rfqId: rfq.id,
      supplierId: String(b['id']),
      currency: 'EUR',
      lines: priced.map((l) => ({ ...l, unitPriceMinor: l.unitPriceMinor + 1 })),
    })
    const quotes = crm.entity('supplierQuote')
    const before = {
      rfq: await crm.entity('rfq').get(rfq.id),
      a: await quotes.get(qa.id),
      b: await quotes.get(qb.id),
    }
    expect(await codeOf(quotes.update(qb.id, { status: 'awarded' }))).toBe('PROCUREMENT_STATUS_READ_ONLY')
    expect(await codeOf(quotes.update(qa.id, { status: 'lost' }))).toBe('PROCUREMENT_STATUS_READ_ONLY')
    expect(await codeOf(crm.entity('rfq').update(rfq.id, { status: 'awarded', awardedQuoteId: qb.id }))).toBe(
      'PROCUREMENT_STATUS_READ_ONLY',
    )
    expect(
      await codeOf(
        quotes.create({
          rfqId: rfq.id,
          supplierId: String(a['id']),
          currency: 'EUR',
          lines: priced,
          status: 'awarded',
        }),
      ),
    ).toBe('PROCUREMENT_STATUS_READ_ONLY')
    expect({
      rfq: await crm.entity('rfq').get(rfq.id),
      a: await quotes.get(qa.id),
      b: await quotes.get(qb.id),
    }).toEqual(before)
    expect(await quotes.count()).toBe(2)

    // The service moves them: the cheapest complete quote wins, the other loses.
    const { rfq: awarded, quote } = await api.award(rfq.id)
    expect([awarded.status, awarded.awardedQuoteId, quote.id, quote.status]).toEqual([
      'awarded',
      qa.id,
      qa.id,
      'awarded',
    ])
    expect((await quotes.get(qb.id))['status']).toBe('lost')
    expect(awarded).toMatchObject({ sourceEntity: 'order', sourceId: order.id })
  })
})
