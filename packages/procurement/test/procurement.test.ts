import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { procurementPlugin } from '../src/index.js'

const clock = () => new Date('2026-03-02T09:00:00.000Z')
const open = (adapter: (typeof ADAPTERS)[number]) =>
  openCrm(adapter, [procurementPlugin({ clock })] as const, clock)
type Opened = Awaited<ReturnType<typeof open>>

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )

async function snapshot(t: Opened) {
  const all = async (entity: string) => {
    const rows: unknown[] = []
    for await (const row of t.crm.entity(entity).iterate({ orderBy: [{ field: 'id', direction: 'asc' }] }))
      rows.push(row)
    return rows
  }
  return { rfqs: await all('rfq'), quotes: await all('supplierQuote'), suppliers: await all('supplier') }
}

const transcripts = new Map<string, unknown>()

describe.each(ADAPTERS)('procurement on $name', (adapter) => {
  let t: Opened
  let rfqId: string
  let saleId: string
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    t = await open(adapter)
    const suppliers = t.crm.entity('supplier')
    for (const [key, input] of Object.entries({
      steel: { name: 'Northern Steel', code: 'NS', categories: ['steel'], rating: 4 },
      cheap: { name: '华东钢铁', code: 'HD', categories: ['steel', 'bolts'], rating: 2.5 },
      bolts: { name: 'Bolt & Co', code: 'BC', categories: ['bolts'], rating: 5 },
      paint: { name: 'Paint Ltd', code: 'PL', categories: ['paint'], rating: 5 },
      idle: { name: 'Idle Steel', code: 'IS', categories: ['steel'], rating: 5, active: false },
    })) {
      ids[key] = String((await suppliers.create(input)).id)
    }
    saleId = (await t.crm.companies.create({ name: 'Buyer Co' })).id
  })
  afterAll(() => t.dispose())

  it('sends an RFQ to the active suppliers of the lines’ categories, linked to the sale', async () => {
    const events: unknown[] = []
    t.crm.events.on('procurement.rfqSent' as never, (e: unknown) => {
      events.push(e)
    })
    const rfq = await t.crm.plugins.procurement.createRfq({
      source: { entity: 'company', id: saleId },
      currency: 'EUR',
      lines: [
        { key: 'beam', description: 'I-beam 6 m', quantity: 40, category: 'steel' },
        { key: 'bolt', description: 'M12 bolt', quantity: 1000, category: 'bolts' },
      ],
    })
    rfqId = rfq.id
    expect([...rfq.supplierIds].sort()).toEqual([ids['steel'], ids['cheap'], ids['bolts']].sort())
    expect(rfq).toMatchObject({ status: 'open', sourceEntity: 'company', sourceId: saleId })
    expect(events).toHaveLength(1)
    expect((await t.crm.plugins.procurement.rfqsOf('company', saleId)).map((r) => r.id)).toEqual([rfq.id])
  })

  it('totals quotes on the server, compares them and awards the cheapest qualified one', async () => {
    const p = t.crm.plugins.procurement
    const steel = await p.submitQuote({
      rfqId,
      supplierId: String(ids['steel']),
      currency: 'EUR',
      lines: [
        { key: 'beam', unitPriceMinor: 12_500 },
        { key: 'bolt', unitPriceMinor: 35 },
      ],
    })
    expect(steel.total).toEqual({ amountMinor: 40 * 12_500 + 1000 * 35, currency: 'EUR' })
    // a client-sent total is replaced by the computed one
    const cheap = await t.crm.entity('supplierQuote').create({
      rfqId,
      supplierId: ids['cheap'],
      currency: 'EUR',
      lines: [
        { key: 'beam', unitPriceMinor: 11_000 },
        { key: 'bolt', unitPriceMinor: 30 },
      ],
      total: { amountMinor: 1, currency: 'EUR' },
    })
    expect(cheap['total']).toEqual({ amountMinor: 40 * 11_000 + 1000 * 30, currency: 'EUR' })
    // incomplete: bolts only
    await p.submitQuote({
      rfqId,
      supplierId: String(ids['bolts']),
      currency: 'EUR',
      lines: [{ key: 'bolt', unitPriceMinor: 1 }],
    })

    const byPrice = await p.compare(rfqId)
    expect(byPrice.map((r) => [r.supplierId, r.qualified, r.reasons])).toEqual([
      [ids['cheap'], true, []],
      [ids['steel'], true, []],
      [ids['bolts'], false, ['incomplete']],
    ])
    const weighted = await p.compare(rfqId, { ratingWeight: 0.5 })
    expect(weighted[0]?.supplierId).toBe(ids['steel'])
    const minRated = await p.compare(rfqId, { minRating: 3 })
    expect(minRated[0]?.supplierId).toBe(ids['steel'])

    const { rfq, quote } = await p.award(rfqId)
    expect(quote).toMatchObject({ id: cheap['id'], status: 'awarded' })
    expect(rfq).toMatchObject({
      status: 'awarded',
      awardedQuoteId: cheap['id'],
      awardedSupplierId: ids['cheap'],
    })
    const statuses = (
      await t.crm.entity('supplierQuote').list({ orderBy: [{ field: 'createdAt', direction: 'asc' }] })
    ).items.map((q) => q['status'])
    expect(statuses).toEqual(['lost', 'awarded', 'lost'])
    transcripts.set(adapter.name, {
      byPrice: byPrice.map((r) => [r.totalMinor, r.rating, r.qualified, r.score]),
      weighted: weighted.map((r) => [r.totalMinor, r.score]),
      statuses,
    })
  })

  describe('bad input: a typed error and nothing written', () => {
    let openRfq: string
    beforeAll(async () => {
      openRfq = (
        await t.crm.plugins.procurement.createRfq({
          source: { entity: 'company', id: saleId },
          currency: 'EUR',
          lines: [{ key: 'tin', description: 'Paint tin', quantity: 10 }],
          supplierIds: [String(ids['paint'])],
        })
      ).id
    })
    const cases: [string, string, (t: Opened) => Promise<unknown>][] = [
      [
        'a negative quantity',
        'VALIDATION_FAILED',
        (t) =>
          t.crm.plugins.procurement.createRfq({
            source: { entity: 'company', id: saleId },
            currency: 'EUR',
            lines: [{ key: 'x', description: 'x', quantity: -1 }],
            supplierIds: [String(ids['paint'])],
          }),
      ],
      [
        'a line twice',
        'PROCUREMENT_INVALID_INPUT',
        (t) =>
          t.crm.plugins.procurement.createRfq({
            source: { entity: 'company', id: saleId },
            currency: 'EUR',
            lines: [
              { key: 'x', description: 'x', quantity: 1 },
              { key: 'x', description: 'y', quantity: 2 },
            ],
            supplierIds: [String(ids['paint'])],
          }),
      ],
      [
        'an inactive supplier',
        'PROCUREMENT_INVALID_SUPPLIER',
        (t) =>
          t.crm.plugins.procurement.createRfq({
            source: { entity: 'company', id: saleId },
            currency: 'EUR',
            lines: [{ key: 'x', description: 'x', quantity: 1 }],
            supplierIds: [String(ids['idle'])],
          }),
      ],
      [
        'an unknown sale',
        'NOT_FOUND',
        (t) =>
          t.crm.plugins.procurement.createRfq({
            source: { entity: 'company', id: 'com_missing' },
            currency: 'EUR',
            lines: [{ key: 'x', description: 'x', quantity: 1 }],
            supplierIds: [String(ids['paint'])],
          }),
      ],
      [
        'a quote in another currency',
        'PROCUREMENT_CURRENCY_MISMATCH',
        (t) =>
          t.crm.plugins.procurement.submitQuote({
            rfqId: openRfq,
            supplierId: String(ids['paint']),
            currency: 'USD',
            lines: [{ key: 'tin', unitPriceMinor: 100 }],
          }),
      ],
      [
        'a quote from a supplier not invited',
        'PROCUREMENT_NOT_INVITED',
        (t) =>
          t.crm.plugins.procurement.submitQuote({
            rfqId: openRfq,
            supplierId: String(ids['steel']),
            currency: 'EUR',
            lines: [{ key: 'tin', unitPriceMinor: 100 }],
          }),
      ],
      [
        'a price for a line the RFQ lacks',
        'PROCUREMENT_INVALID_INPUT',
        (t) =>
          t.crm.plugins.procurement.submitQuote({
            rfqId: openRfq,
            supplierId: String(ids['paint']),
            currency: 'EUR',
            lines: [{ key: 'beam', unitPriceMinor: 100 }],
          }),
      ],
      [
        'a negative price',
        'VALIDATION_FAILED',
        (t) =>
          t.crm.plugins.procurement.submitQuote({
            rfqId: openRfq,
            supplierId: String(ids['paint']),
            currency: 'EUR',
            lines: [{ key: 'tin', unitPriceMinor: -5 }],
          }),
      ],
      [
        'a quote on an awarded RFQ',
        'PROCUREMENT_RFQ_CLOSED',
        (t) =>
          t.crm.plugins.procurement.submitQuote({
            rfqId,
            supplierId: String(ids['steel']),
            currency: 'EUR',
            lines: [
              { key: 'beam', unitPriceMinor: 1 },
              { key: 'bolt', unitPriceMinor: 1 },
            ],
          }),
      ],
      ['a second award', 'PROCUREMENT_RFQ_CLOSED', (t) => t.crm.plugins.procurement.award(rfqId)],
      [
        'an award with no qualified quote',
        'PROCUREMENT_NO_QUALIFIED_QUOTE',
        (t) => t.crm.plugins.procurement.award(openRfq),
      ],
    ]
    it.each(cases)('%s → %s', async (_name, code, attempt) => {
      const before = await snapshot(t)
      expect(await codeOf(attempt(t))).toBe(code)
      expect(await snapshot(t)).toEqual(before)
    })

    it('an award of an expired or withdrawn quote → PROCUREMENT_NOT_QUALIFIED', async () => {
      const p = t.crm.plugins.procurement
      const expired = await p.submitQuote({
        rfqId: openRfq,
        supplierId: String(ids['paint']),
        currency: 'EUR',
        lines: [{ key: 'tin', unitPriceMinor: 900 }],
        validUntil: new Date('2026-03-01T00:00:00.000Z'),
      })
      const before = await snapshot(t)
      expect(await codeOf(p.award(openRfq, { quoteId: expired.id }))).toBe('PROCUREMENT_NOT_QUALIFIED')
      expect(await snapshot(t)).toEqual(before)
      await p.withdrawQuote(expired.id)
      expect(await codeOf(p.award(openRfq))).toBe('PROCUREMENT_NO_QUALIFIED_QUOTE')
    })
  })
})

describe('the three adapters', () => {
  it('compared and awarded alike', () => {
    const memory = transcripts.get('memory')
    expect(memory).toBeDefined()
    expect(transcripts.get('sqlite')).toEqual(memory)
    expect(transcripts.get('postgres')).toEqual(memory)
  })
})
