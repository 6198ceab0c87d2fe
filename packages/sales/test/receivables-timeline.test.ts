import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { describe, expect, it } from 'vitest'
import { quotesPlugin } from '../src/quotes/quotes-plugin.js'
import { receivablesPlugin } from '../src/receivables/receivables-plugin.js'

/** Contracts and payments on the customer timeline, the same on memory, SQLite and Postgres. */
const transcripts: Record<string, unknown> = {}

describe.each(ADAPTERS)('receivables on the timeline on $name', (adapter) => {
  it('shows a customer its contracts and their payments, newest first, paged and filterable by kind', async () => {
    const t = await openCrm(adapter, [receivablesPlugin(), quotesPlugin()] as const)
    try {
      const { crm } = t
      const acme = await crm.companies.create({ name: 'Acme' })
      const other = await crm.companies.create({ name: 'Other' })
      const ada = await crm.contacts.create({ firstName: 'Ada', companyId: acme.id })
      const contract = async (name: string, party: Record<string, string>) => {
        t.tick(60_000)
        const c = await crm.entity('contract').create({
          name,
          currency: 'EUR',
          amountMinor: 100_000,
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          ...party,
        })
        const id = String(c['id'])
        await crm.plugins.receivables.planInstallments(id, [{ balance: true, dueDate: '2026-06-30' }])
        await crm.entity('contract').update(id, { status: 'pending_approval' })
        await crm.entity('contract').update(id, { status: 'approved' })
        return id
      }
      const pay = async (contractId: string, amountMinor: number) => {
        t.tick(60_000)
        await crm.plugins.receivables.recordPayment(contractId, {
          amountMinor,
          currency: 'EUR',
          receivedOn: '2026-02-01',
        })
      }
      t.tick(60_000)
      await crm.plugins.quotes.create({
        title: 'Robots for Acme',
        currency: 'EUR',
        companyId: acme.id,
        lines: [{ description: 'Robot', quantity: '1', unitPriceMinor: 10_000 }],
      })
      const first = await contract('Acme 2026', { companyId: acme.id })
      await pay(first, 30_000)
      const adas = await contract('Ada personal', { contactId: ada.id })
      await pay(adas, 10_000)
      const elsewhere = await contract('Other 2026', { companyId: other.id })
      await pay(elsewhere, 5_000)
      await pay(first, 20_000)

      expect(crm.timeline.kinds('company')).toEqual(expect.arrayContaining(['contract', 'payment']))
      const read = async (subject: { type: 'company' | 'contact'; id: string }, kinds?: string[]) => {
        const out: string[] = []
        let cursor: string | null = null
        do {
          const page = await crm.timeline.page(subject, { limit: 2, cursor, ...(kinds ? { kinds } : {}) })
          for (const item of page.items) {
            out.push(
              item.kind === 'payment'
                ? `payment ${item.record['amountMinor']}`
                : `${item.kind} ${String(item.record['name'] ?? item.record['title'] ?? '')}`.trim(),
            )
          }
          cursor = page.nextCursor
        } while (cursor)
        return out
      }
      const company = await read({ type: 'company', id: acme.id }, ['contract', 'payment', 'quote'])
      // Ada works at Acme: her personal contract and its payment are on Acme's timeline too.
      expect(company).toEqual([
        'payment 20000',
        'payment 10000',
        'contract Ada personal',
        'payment 30000',
        'contract Acme 2026',
        'quote Robots for Acme',
      ])
      const contact = await read({ type: 'contact', id: ada.id }, ['contract', 'payment'])
      expect(contact).toEqual(['payment 10000', 'contract Ada personal'])
      // With every kind, the sales entries sit among the others in one order.
      const all = await read({ type: 'company', id: acme.id })
      expect(all.filter((e) => /^(payment|contract|quote)/.test(e))).toEqual(company)
      transcripts[adapter.name] = { company, contact }
    } finally {
      await t.dispose()
    }
  })
})

describe('receivables on the timeline across adapters', () => {
  it('agree', () => {
    expect(transcripts['sqlite']).toEqual(transcripts['memory'])
    expect(transcripts['postgres']).toEqual(transcripts['memory'])
  })
})
