import { markovAttribution, shapleyAttribution } from '@rapport/analytics/attribution'
import { createCrm, isRapportError } from '@rapport/core'
import { privacyPlugin } from '@rapport/privacy'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConsentPort } from '../src/campaigns/index.js'
import { fromSendGrid, parseEmailEventsCsv } from '../src/email-events/index.js'
import { marketingPlugin } from '../src/index.js'

const SECRET = 'dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IG9mIDMyKyBieXRlcyEhIQ'

function build(storage: TestStorage['storage'], clock: () => Date) {
  const port: { consent?: ConsentPort } = {}
  const crm = createCrm({
    storage,
    clock,
    plugins: [
      privacyPlugin({ secret: SECRET, clock }),
      marketingPlugin({ clock, consent: () => port.consent as ConsentPort }),
    ] as const,
  })
  port.consent = crm.plugins.privacy.consent
  return crm
}

for (const backend of storages) {
  describe(`campaigns on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-05-01T08:00:00.000Z')
    let crm: ReturnType<typeof build>
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      opened = await backend.open('campaigns')
      crm = build(opened.storage, () => now)
      await crm.migrate()
      for (const name of ['Ada', 'Bo', 'Cy', 'Di']) {
        ids[name] = (await crm.contacts.create({ firstName: name, tags: ['news'] })).id
        if (name !== 'Di') {
          await crm.plugins.privacy.consent.record({
            subjectId: ids[name]!,
            purpose: 'marketing',
            channel: 'email',
            status: 'opt_in',
            source: 'form:signup',
          })
        }
      }
    })
    afterAll(() => opened.dispose())

    it('targets a segment honouring consent and opt-outs, ingests events idempotently, attributes revenue', async () => {
      const { segments, campaigns } = crm.plugins.marketing
      const news = await segments.create({
        name: 'News',
        kind: 'dynamic',
        filter: { field: 'tags', op: 'eq', value: 'news' },
      })
      const spring = await campaigns.create({
        name: 'Spring',
        actualCost: { amountMinor: 10_000, currency: 'USD' },
        budget: { amountMinor: 20_000, currency: 'USD' },
      })
      // Di never opted in: not targeted.
      expect(await campaigns.target(spring.id, news.id)).toEqual({
        added: 3,
        alreadyMembers: 0,
        optedOut: 0,
        noConsent: 1,
      })
      expect(await campaigns.target(spring.id, news.id)).toMatchObject({ added: 0, alreadyMembers: 3 })
      const members = await crm
        .entity('campaignMember')
        .list({ where: { field: 'campaignId', op: 'eq', value: spring.id } })
      const member = (name: string) =>
        members.items.find((m: Record<string, unknown>) => m['recordId'] === ids[name])!['id'] as string
      const t = (m: number) => Math.floor(now.getTime() / 1000) + m * 60
      const body = [
        ...['Ada', 'Bo', 'Cy'].map((n, i) => ({
          event: 'delivered',
          sg_event_id: `d${i}`,
          timestamp: t(1),
          member_id: member(n),
        })),
        {
          event: 'open',
          sg_event_id: 'o1',
          timestamp: t(2),
          member_id: member('Ada'),
          sg_machine_open: true,
        },
        { event: 'open', sg_event_id: 'o2', timestamp: t(3), member_id: member('Bo') },
        {
          event: 'click',
          sg_event_id: 'c1',
          timestamp: t(4),
          member_id: member('Bo'),
          url: 'https://x.example',
        },
        { event: 'unsubscribe', sg_event_id: 'u1', timestamp: t(5), member_id: member('Cy') },
        { event: 'group_resubscribe', sg_event_id: 'g1', timestamp: t(6), member_id: member('Cy') },
      ]
      expect(await campaigns.ingest(fromSendGrid(body))).toEqual({ ingested: 7, duplicates: 0 })
      // A redelivery of the whole webhook, and a CSV export overlapping it: nothing is counted twice.
      expect(await campaigns.ingest(fromSendGrid(body))).toEqual({ ingested: 0, duplicates: 7 })
      const csv = `provider_event_id,type,at,member_id\no2,opened,2026-05-01T08:03:00Z,${member('Bo')}\nr1,responded,2026-05-02T08:00:00Z,${member('Bo')}\n`
      expect(await campaigns.ingest(parseEmailEventsCsv(csv))).toEqual({ ingested: 1, duplicates: 1 })
      expect(await crm.entity('messageEvent').count()).toBe(8)
      // The campaign's emails are on the customer's timeline, newest first, once each.
      const timeline = await crm.timeline.page({ type: 'contact', id: ids['Bo']! }, { kinds: ['emailEvent'] })
      expect(timeline.items.map((i) => i.record['type'])).toEqual([
        'responded',
        'clicked',
        'opened',
        'delivered',
      ])
      expect(crm.timeline.kinds('company')).toContain('emailEvent')
      const stats = await campaigns.stats(spring.id)
      expect(stats).toMatchObject({
        targeted: 3,
        sent: 3,
        opened: 1, // Ada's proxy open is not an open
        machineOpenedOnly: 1,
        clicked: 1,
        responded: 1,
        unsubscribed: 1,
      })
      expect(stats.openRate).toBeCloseTo(1 / 3, 12)
      // The unsubscribe reached consent, and later campaigns leave Cy out.
      expect(await crm.plugins.privacy.consent.state(ids['Cy']!, 'marketing', 'email')).toBe('opt_out')
      const summer = await campaigns.create({
        name: 'Summer',
        actualCost: { amountMinor: 1_000, currency: 'USD' },
      })
      expect(await campaigns.target(summer.id, news.id)).toEqual({
        added: 2,
        alreadyMembers: 0,
        optedOut: 1,
        noConsent: 1,
      })
      const summerBo = (
        await crm.entity('campaignMember').list({
          where: {
            and: [
              { field: 'campaignId', op: 'eq', value: summer.id },
              { field: 'recordId', op: 'eq', value: ids['Bo']! },
            ],
          },
        })
      ).items[0]!
      await campaigns.ingest([
        {
          providerEventId: 's1',
          type: 'clicked',
          at: new Date('2026-05-03T00:00:00Z'),
          memberId: summerBo['id'] as string,
        },
      ])

      // A response after the deal closed would not count: Bo buys a week later.
      now = new Date('2026-05-08T00:00:00.000Z')
      // Bo buys: the deal's revenue is split between the two campaigns Bo responded to before it closed.
      const pipeline = await crm.pipelines.create({
        name: 'P',
        stages: [
          { name: 'Open', probability: 10 },
          { name: 'Won', kind: 'won', probability: 100 },
        ],
      })
      const deal = await crm.deals.create({
        name: 'Bo buys',
        pipelineId: pipeline.id,
        stageId: pipeline.stages[0]!.id as string,
        amount: { amountMinor: 30_001, currency: 'USD' },
      })
      await crm.deals.addContact(deal.id, ids['Bo']!)
      await crm.deals.moveStage(deal.id, pipeline.stages[1]!.id as string)
      expect(await campaigns.attribute({ model: 'linear' })).toEqual({ model: 'linear', deals: 1, rows: 2 })
      expect(await campaigns.attribute({ model: 'linear' })).toEqual({ model: 'linear', deals: 1, rows: 2 })
      expect(await crm.entity('campaignInfluence').count()).toBe(2)
      const a = await campaigns.roi(spring.id, 'linear')
      const b = await campaigns.roi(summer.id, 'linear')
      expect(a.attributedRevenueMinor + b.attributedRevenueMinor).toBe(30_001)
      expect(a.roi).toBeCloseTo((a.attributedRevenueMinor - 10_000) / 10_000, 12)
      await campaigns.attribute({ model: 'first-touch' })
      expect((await campaigns.roi(spring.id, 'first-touch')).attributedRevenueMinor).toBe(30_001)

      // Data-driven models are persisted per (deal, campaign, model) too, with the credit @rapport/analytics gives
      // the same journeys, exactly summing to the deal's amount; a re-run replaces, never duplicates.
      const journey = {
        id: deal.id,
        touches: [{ channel: spring.id }, { channel: summer.id }],
        value: 30_001,
      }
      for (const [model, expected] of [
        ['markov', markovAttribution([journey])],
        ['shapley', shapleyAttribution([journey])],
      ] as const) {
        expect(await campaigns.attribute({ model })).toEqual({ model, deals: 1, rows: 2 })
        expect(await campaigns.attribute({ model })).toEqual({ model, deals: 1, rows: 2 })
        const rows = (
          await crm.entity('campaignInfluence').list({ where: { field: 'model', op: 'eq', value: model } })
        ).items.map(
          (r) => [r['campaignId'] as string, (r['revenue'] as { amountMinor: number }).amountMinor] as const,
        )
        const credit = expected.journeys[0]!
        expect(new Map(rows)).toEqual(
          new Map([
            [spring.id, credit.touchValues[0]],
            [summer.id, credit.touchValues[1]],
          ]),
        )
        expect(rows.reduce((n, [, v]) => n + v, 0)).toBe(30_001)
      }
      expect(await crm.entity('campaignInfluence').count()).toBe(8)
    })

    it('rejects malformed and unknown-member events with a typed error, writing nothing', async () => {
      const { campaigns } = crm.plugins.marketing
      const before = await crm.entity('messageEvent').count()
      const anyMember = (await crm.entity('campaignMember').list({ limit: 1 })).items[0]!
      const good = {
        providerEventId: 'x1',
        type: 'opened' as const,
        at: now,
        memberId: anyMember['id'] as string,
      }
      for (const batch of [
        [good, { ...good, providerEventId: 'x2', type: 'read' }],
        [good, { ...good, providerEventId: 'x3', at: new Date('nope') }],
        [good, { providerEventId: 'x4', type: 'opened', at: now }],
        [good, { ...good, providerEventId: 'x5', memberId: 'cmm_nope' }],
      ]) {
        const err = await campaigns.ingest(batch as never).catch((e: unknown) => e)
        expect(isRapportError(err, 'MARKETING_INVALID_EVENT')).toBe(true)
      }
      const csv = await Promise.resolve()
        .then(() => parseEmailEventsCsv('a,b\n"unterminated'))
        .catch((e: unknown) => e)
      expect(isRapportError(csv, 'MARKETING_INVALID_EVENT')).toBe(true)
      expect(await crm.entity('messageEvent').count()).toBe(before)
    })
  })
}
