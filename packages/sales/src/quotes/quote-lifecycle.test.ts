import { ADAPTERS, codeOf, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { receivablesPlugin } from '../receivables/receivables-plugin.js'
import {
  FINAL_QUOTE_STATUSES,
  QUOTE_STATUSES,
  quoteLifecycle,
  quotePipelineTemplate,
  REVISABLE_QUOTE_STATUSES,
} from './quote-lifecycle.js'
import { quotesPlugin } from './quotes-plugin.js'

describe('the quote lifecycle declaration', () => {
  it('derives the statuses, the final and revisable ones and the pipeline from one table', () => {
    expect(quotePipelineTemplate.stages.map((s) => s.key)).toEqual([...QUOTE_STATUSES])
    const edges = (quotePipelineTemplate.transitions ?? []).map((e) => `${e.from}→${e.to}`).sort()
    const table = QUOTE_STATUSES.flatMap((from) =>
      quoteLifecycle.transitions[from].map((to) => `${from}→${to}`),
    )
    expect(edges).toEqual(table.sort())
    expect(edges).toEqual(expect.arrayContaining(['draft→in_review', 'in_review→sent', 'sent→accepted']))
    expect([...FINAL_QUOTE_STATUSES].sort()).toEqual(['accepted', 'expired', 'rejected', 'superseded'])
    expect([...REVISABLE_QUOTE_STATUSES].sort()).toEqual([
      'draft',
      'expired',
      'in_review',
      'rejected',
      'sent',
    ])
  })
})

describe.each(ADAPTERS)('closed quotes on $name', (adapter) => {
  let t: Awaited<
    ReturnType<
      typeof openCrm<readonly [ReturnType<typeof receivablesPlugin>, ReturnType<typeof quotesPlugin>]>
    >
  >
  beforeAll(async () => {
    t = await openCrm(adapter, [receivablesPlugin(), quotesPlugin()] as const)
  }, 60_000)
  afterAll(() => t.dispose())

  const sentQuote = async (extra: Record<string, unknown> = {}) => {
    const quotes = t.crm.plugins.quotes
    const quote = await quotes.create({
      title: 'Robots',
      currency: 'EUR',
      lines: [{ quantity: '2', unitPriceMinor: 10_000, taxRate: '20' }],
      ...extra,
    })
    await quotes.submitForReview(quote.id)
    return quotes.send(quote.id)
  }

  it('revises a rejected or an expired quote: the old one is superseded, the revision is a draft', async () => {
    const quotes = t.crm.plugins.quotes
    const rejected = await sentQuote()
    await quotes.reject(rejected.id, 'Too expensive')
    const expired = await sentQuote({ validUntil: '2026-01-31' })
    expect(await quotes.expireDue('2026-02-01')).toContain(expired.id)
    for (const old of [rejected, expired]) {
      const next = await quotes.revise(old.id, {
        lines: [{ quantity: '2', unitPriceMinor: 9_000, taxRate: '20' }],
      })
      expect(next).toMatchObject({
        status: 'draft',
        revision: 2,
        previousQuoteId: old.id,
        totalMinor: 21_600,
      })
      expect((await quotes.get(old.id))['status']).toBe('superseded')
    }
  })

  it('keeps a closed quote read-only: an edit, or a move that is not its revision, writes nothing', async () => {
    const quotes = t.crm.plugins.quotes
    const rejected = await sentQuote()
    await quotes.reject(rejected.id, 'No budget')
    const before = await quotes.get(rejected.id)
    expect(await codeOf(quotes.update(rejected.id, { title: 'Robots again' }))).toBe('SALES_RECORD_LOCKED')
    expect(await codeOf(quotes.moveTo(rejected.id, 'sent'))).toBe('INVALID_TRANSITION')
    expect(await codeOf(quotes.moveTo(rejected.id, 'superseded', { reason: 'x' }))).toBe('INVALID_TRANSITION')
    expect(await quotes.get(rejected.id)).toEqual(before)
    expect(await t.crm.staged('quote').stageHistory(rejected.id)).toHaveLength(4)
  })
})
