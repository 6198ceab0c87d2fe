import { createCrm, isRapportError } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { marketingPlugin } from '../src/index.js'

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return error.code
    throw error
  }
  return 'ok'
}

const at = (s: string) => new Date(`${s}T12:00:00Z`)

for (const backend of storages) {
  describe(`CSAT / NPS responses on ${backend.name}`, () => {
    let opened: TestStorage
    let crm: ReturnType<typeof build>
    const now = new Date('2026-06-10T00:00:00Z')
    function build(storage: TestStorage['storage']) {
      return createCrm({
        storage,
        clock: () => now,
        plugins: [marketingPlugin({ clock: () => now })] as const,
      })
    }

    beforeAll(async () => {
      opened = await backend.open('surveys')
      crm = build(opened.storage)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('stores one response per ticket and kind; a redelivery is idempotent, a different answer is refused', async () => {
      const { surveys } = crm.plugins.marketing
      const ada = await crm.contacts.create({ firstName: 'Ada' })
      const ticket = await crm.tickets.create({ subject: 'Broken', requesterId: ada.id })
      const first = await surveys.record({
        ticketId: ticket.id,
        score: 5,
        comment: '服务很好',
        channel: 'web',
      })
      expect(first.created).toBe(true)
      expect(first.response).toMatchObject({ kind: 'csat', score: 5, contactId: ada.id, comment: '服务很好' })
      const again = await surveys.record({
        ticketId: ticket.id,
        score: 5,
        comment: '服务很好',
        channel: 'web',
      })
      expect(again).toEqual({ response: first.response, created: false })
      expect(await codeOf(surveys.record({ ticketId: ticket.id, score: 1 }))).toBe(
        'MARKETING_DUPLICATE_RESPONSE',
      )
      // An NPS answer is another kind: allowed beside the CSAT one.
      expect((await surveys.record({ ticketId: ticket.id, kind: 'nps', score: 9 })).created).toBe(true)
      const stored = await surveys.forTicket(ticket.id)
      expect(stored.map((r) => [r.kind, r.score]).sort()).toEqual([
        ['csat', 5],
        ['nps', 9],
      ])
    })

    it('refuses bad input with a typed error and writes nothing', async () => {
      const { surveys } = crm.plugins.marketing
      const ticket = await crm.tickets.create({ subject: 'Other' })
      const before = await crm.entity('surveyResponse').count()
      const bad: [Record<string, unknown>, string][] = [
        [{ ticketId: ticket.id, score: 6 }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, score: 0 }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, kind: 'nps', score: 11 }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, score: 4.5 }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, score: '5' }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, kind: 'ces', score: 3 }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, score: 3, extra: true }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: ticket.id, score: 3, comment: 'x'.repeat(5001) }, 'MARKETING_INVALID_SURVEY'],
        [{ ticketId: 'tkt_missing', score: 3 }, 'NOT_FOUND'],
        [{ ticketId: ticket.id, score: 3, comment: 'nul\u0000byte' }, 'VALIDATION_FAILED'],
      ]
      for (const [input, code] of bad) {
        expect(await codeOf(surveys.record(input as never)), JSON.stringify(input)).toBe(code)
      }
      expect(await crm.entity('surveyResponse').count()).toBe(before)
    })

    it('feeds the CSAT and NPS KPIs (computed in the database)', async () => {
      const { surveys, kpis } = crm.plugins.marketing
      await kpis.define({ key: 'csat', name: 'CSAT', metric: 'csat' })
      await kpis.define({ key: 'nps', name: 'NPS', metric: 'nps' })
      const scores: [number, number, string][] = [
        [5, 10, '2026-05-03'],
        [4, 9, '2026-05-04'],
        [3, 7, '2026-05-05'],
        [1, 3, '2026-05-31'],
        [5, 10, '2026-06-01'], // June: outside May
      ]
      for (const [csat, nps, day] of scores) {
        const t = await crm.tickets.create({ subject: `T ${day}` })
        await surveys.record({ ticketId: t.id, score: csat, respondedAt: at(day) })
        await surveys.record({ ticketId: t.id, kind: 'nps', score: nps, respondedAt: at(day) })
      }
      const may = new Date('2026-05-01T00:00:00Z')
      const csat = await kpis.compute('csat', { unit: 'month', start: may })
      expect([csat.numerator, csat.denominator, csat.value]).toEqual([2, 4, 0.5])
      const nps = await kpis.compute('nps', { unit: 'month', start: may })
      // promoters 2 (10, 9), passives 1 (7), detractors 1 (3): (2 − 1) / 4 × 100
      expect(nps.value).toBe(25)
    })
  })
}
