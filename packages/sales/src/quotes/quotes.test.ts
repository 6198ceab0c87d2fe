import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calculateDocument } from '../money/calculate-document.js'
import { receivablesPlugin } from '../receivables/receivables-plugin.js'
import { quoteDocumentInput } from './quote-calculation.js'
import { quotesPlugin } from './quotes-plugin.js'

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error))
      return { code: error.code, details: (error.details ?? {}) as Record<string, unknown> }
    throw error
  }
  return { code: 'no error', details: {} }
}

/** Three lines: a 10 % discount at 20 % VAT, a 7 % line, and untaxed shipping. */
const LINES = [
  {
    description: 'Robot arm',
    sku: 'RA-1',
    quantity: '3',
    unitPriceMinor: 10_000,
    discount: { percent: '10' },
    taxRate: '20',
  },
  { description: 'Manual', quantity: '2', unitPriceMinor: 1_999, taxRate: '7' },
  { kind: 'shipping', description: 'Freight', quantity: '1', unitPriceMinor: 2_500 },
]

type Opened = Awaited<
  ReturnType<typeof openCrm<readonly [ReturnType<typeof receivablesPlugin>, ReturnType<typeof quotesPlugin>]>>
>

/** What each adapter ends with, compared at the end: every adapter must agree. */
const snapshots: Record<string, unknown[]> = {}

for (const adapter of ADAPTERS) {
  describe(`quotes on ${adapter.name}`, () => {
    let opened: Opened
    let events: { type: string; payload: Record<string, unknown> }[]
    let dealId: string
    let companyId: string
    const snap = (label: string, value: unknown) => {
      snapshots[adapter.name] ??= []
      snapshots[adapter.name]!.push([label, value])
    }
    beforeAll(async () => {
      opened = await openCrm(adapter, [receivablesPlugin(), quotesPlugin()] as const)
      events = []
      opened.crm.events.on(
        '*' as never,
        ((type: string, payload: Record<string, unknown>) => events.push({ type, payload })) as never,
      )
      const pipeline = await opened.crm.pipelines.create({
        name: 'Sales',
        stages: [{ name: 'Open' }, { name: 'Won', kind: 'won', probability: 100 }],
      })
      companyId = (await opened.crm.companies.create({ name: '华为' })).id
      dealId = (
        await opened.crm.deals.create({
          name: 'Robots',
          pipelineId: pipeline.id,
          stageId: pipeline.stages[0]!.id,
          companyId,
        })
      ).id
    }, 120_000)
    afterAll(async () => opened?.dispose())

    const quotes = () => opened.crm.plugins.quotes
    const newQuote = (extra: Record<string, unknown> = {}) =>
      quotes().create({
        title: 'Robots for Acme',
        currency: 'EUR',
        dealId,
        companyId,
        lines: LINES,
        ...extra,
      })

    it('computes every total on the server from the lines, exactly as calculateDocument does', async () => {
      const quote = await newQuote({ headerDiscount: { amountMinor: 1_000 } })
      const expected = calculateDocument(quoteDocumentInput(quote))
      expect(quote).toMatchObject({
        status: 'draft',
        revision: 1,
        grossMinor: 30_000 + 3_998 + 2_500,
        discountMinor: 3_000 + 1_000,
        subtotalMinor: expected.totals.subtotalMinor,
        taxMinor: expected.totals.taxMinor,
        totalMinor: expected.totals.totalMinor,
      })
      expect(quote['totalMinor']).toBe((quote['subtotalMinor'] as number) + (quote['taxMinor'] as number))
      const doc = await quotes().quoteDocument(quote.id)
      expect(doc.totals).toEqual(expected.totals)
      expect(doc.lines.map((l) => [l.sku, l.description, l.kind, l.totalMinor])).toEqual(
        expected.lines.map((l, i) => [LINES[i]!.sku ?? null, LINES[i]!.description, l.kind, l.totalMinor]),
      )
      expect(doc).toMatchObject({
        currency: 'EUR',
        exponent: 2,
        status: 'draft',
        stage: { name: 'Draft' },
        contractId: null,
      })
      // Every write recomputes, on the generic entity path too.
      const cheaper = await opened.crm.entity('quote').update(quote.id, { headerDiscount: { percent: '50' } })
      expect(cheaper['totalMinor']).toBe(
        calculateDocument({ ...quoteDocumentInput(quote), headerDiscount: { percent: '50' } }).totals
          .totalMinor,
      )
      snap('totals', [quote['totalMinor'], cheaper['totalMinor'], doc.taxes])
    })

    it('refuses totals sent by the caller, negative quantities and foreign-currency lines, writing nothing', async () => {
      const before = await opened.crm.entity('quote').count()
      expect((await errorOf(newQuote({ totalMinor: 1 }))).code).toBe('SALES_READ_ONLY_FIELD')
      const negative = await errorOf(newQuote({ lines: [{ quantity: '-1', unitPriceMinor: 100 }] }))
      expect(negative).toMatchObject({
        code: 'SALES_NEGATIVE_QUANTITY',
        details: { path: ['lines', 0, 'quantity'] },
      })
      const foreign = await errorOf(newQuote({ lines: [LINES[0], { ...LINES[1], currency: 'USD' }] }))
      expect(foreign).toMatchObject({
        code: 'SALES_CURRENCY_MISMATCH',
        details: { expected: 'EUR', actual: 'USD' },
      })
      expect(await opened.crm.entity('quote').count()).toBe(before)
      const quote = await newQuote()
      expect((await errorOf(quotes().update(quote.id, { taxMinor: 0 }))).code).toBe('SALES_READ_ONLY_FIELD')
      expect(
        (await errorOf(quotes().update(quote.id, { lines: [{ quantity: -2, unitPriceMinor: 5 }] }))).code,
      ).toBe('SALES_NEGATIVE_QUANTITY')
      expect(await quotes().get(quote.id)).toEqual(quote)
      snap('refusals', [negative.code, foreign.code])
    })

    it('runs draft → in review → sent → accepted on the pipeline machine and creates the contract', async () => {
      const quote = await newQuote({ validUntil: '2026-06-30' })
      const skip = await errorOf(quotes().send(quote.id))
      expect(skip).toMatchObject({ code: 'INVALID_TRANSITION', details: { guard: 'policy' } })
      await quotes().submitForReview(quote.id)
      const sent = await quotes().send(quote.id)
      expect(sent['status']).toBe('sent')
      // Prices are fixed once the quote left draft.
      const locked = await errorOf(opened.crm.entity('quote').update(quote.id, { lines: [LINES[0]] }))
      expect(locked).toMatchObject({ code: 'SALES_RECORD_LOCKED', details: { fields: ['lines'] } })
      const noTerm = await errorOf(quotes().accept(quote.id))
      expect(noTerm).toMatchObject({
        code: 'INVALID_TRANSITION',
        details: { missingFields: ['termStartDate', 'termEndDate'] },
      })
      expect(
        await opened.crm.entity('contract').count({ where: { field: 'quoteId', op: 'eq', value: quote.id } }),
      ).toBe(0)
      const { quote: accepted, contract } = await quotes().accept(quote.id, {
        termStartDate: '2026-07-01',
        termEndDate: '2027-06-30',
      })
      expect(accepted).toMatchObject({ status: 'accepted' })
      expect(contract).toMatchObject({
        quoteId: quote.id,
        dealId,
        companyId,
        currency: 'EUR',
        amountMinor: quote['totalMinor'],
        startDate: '2026-07-01',
        endDate: '2027-06-30',
        status: 'draft',
      })
      expect((await quotes().quoteDocument(quote.id)).contractId).toBe(contract['id'])
      expect((await errorOf(quotes().update(quote.id, { title: 'Changed' }))).code).toBe(
        'SALES_RECORD_LOCKED',
      )
      const history = await opened.crm.staged('quote').stageHistory(quote.id)
      const mine = events
        .filter((e) => e.type.startsWith('quote.') && e.payload['id'] === quote.id)
        .map((e) => e.type)
      expect(mine).toEqual(
        expect.arrayContaining(['quote.in_review', 'quote.sent', 'quote.accepted', 'quote.stage_changed']),
      )
      snap('lifecycle', [history.length, contract['amountMinor'], mine.filter((t) => t !== 'quote.updated')])
    })

    it('revises: the new revision links to the old, which becomes superseded and read-only', async () => {
      const quote = await newQuote()
      await quotes().submitForReview(quote.id)
      await quotes().send(quote.id)
      const direct = await errorOf(quotes().moveTo(quote.id, 'superseded', { reason: 'x' }))
      expect(direct).toMatchObject({
        code: 'INVALID_TRANSITION',
        details: { guard: 'quoteSupersededByRevision' },
      })
      const second = await quotes().revise(quote.id, { lines: [LINES[0], LINES[2]] })
      expect(second).toMatchObject({ status: 'draft', revision: 2, previousQuoteId: quote.id })
      expect(second['totalMinor']).toBe(calculateDocument(quoteDocumentInput(second)).totals.totalMinor)
      const old = await quotes().get(quote.id)
      expect(old).toMatchObject({ status: 'superseded', closeReason: expect.stringContaining('revision 2') })
      expect((await errorOf(quotes().update(quote.id, { title: 'x' }))).code).toBe('SALES_RECORD_LOCKED')
      expect((await errorOf(quotes().revise(quote.id))).code).toBe('SALES_RECORD_LOCKED')
      const third = await quotes().revise(second.id)
      expect((await quotes().revisions(third.id)).map((q) => q['revision'])).toEqual([1, 2, 3])
      expect(events.some((e) => e.type === 'quote.revised' && e.payload['id'] === third.id)).toBe(true)
      snap('revisions', [second['totalMinor'], third['revision'], old['status']])
    })

    it('needs lines to leave draft, expires sent quotes past their validity, and deletes only drafts', async () => {
      const empty = await quotes().create({ title: 'Empty', currency: 'JPY' })
      expect(empty['totalMinor']).toBe(0)
      expect((await errorOf(quotes().submitForReview(empty.id))).details['guard']).toBe('quoteHasLines')
      const late = await newQuote({ validUntil: '2026-03-31' })
      const fresh = await newQuote({ validUntil: '2026-12-31' })
      for (const q of [late, fresh]) {
        await quotes().submitForReview(q.id)
        await quotes().send(q.id)
      }
      expect((await errorOf(quotes().expireDue('April'))).code).toBe('SALES_INVALID_DOCUMENT')
      const expired = await quotes().expireDue('2026-04-01')
      expect(expired).toContain(late.id)
      expect(expired).not.toContain(fresh.id)
      expect((await quotes().get(late.id))['status']).toBe('expired')
      expect((await errorOf(opened.crm.entity('quote').delete(fresh.id))).code).toBe('SALES_RECORD_LOCKED')
      await opened.crm.entity('quote').delete(empty.id)
      expect(await opened.crm.entity('quote').find(empty.id)).toBeNull()
      snap('expiry', [expired.length])
    })
  })
}

describe('quotes on every adapter', () => {
  it('agree: memory, SQLite and Postgres give the same totals, refusals, lifecycle and revisions', () => {
    expect(snapshots['sqlite']).toEqual(snapshots['memory'])
    expect(snapshots['postgres']).toEqual(snapshots['memory'])
    expect(snapshots['memory']?.length).toBe(5)
  })
})
