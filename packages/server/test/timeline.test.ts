import { accessControl, defineAccessPolicy } from '@rapport/access'
import type { Crm } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import { seedTimelineStory, timelinePages } from '@rapport/core/testing'
import type { TimelineSubject } from '@rapport/core/timeline'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { setupServer } from './helpers.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

type Call = Awaited<ReturnType<typeof setupServer>>['call']

/** An instant for the tests that seed their own entries. */
const AT = '2026-05-01T09:30:00.000Z'

const policy = defineAccessPolicy({
  roles: {
    admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
    rep: {
      entities: {
        contact: { read: 'own' },
        activity: { read: 'all' },
        order: { read: 'all' },
        deal: { read: 'all' },
        stageChange: { read: 'all' },
      },
    },
  },
  users: { system: { roles: ['admin'] }, u1: { roles: ['admin'] }, bob: { roles: ['rep'] } },
})

/** The timeline story (seven entries share one instant) with Ada owned by bob, and alice's contact bob may not see. */
async function world() {
  const s = await setupServer({ plugins: [accessControl(policy)] })
  close = s.close
  const story = await seedTimelineStory(s.crm, { ownerId: 'bob' })
  const hidden = await s.crm.contacts.create({ firstName: 'Hidden', ownerId: 'alice' })
  return { ...s, ada: story.contactId, acme: story.companyId, hidden: hidden.id, deal: story.dealId, story }
}

/** Every page of a timeline through REST, following `nextCursor`. */
async function restPages(call: Call, path: string, limit: number, user = 'u1', kind?: string) {
  const pages: { data: { kind: string; id: string; at: string }[] }[] = []
  let cursor: string | null = null
  do {
    const query = new URLSearchParams({ limit: String(limit) })
    if (cursor) query.set('cursor', cursor)
    if (kind) query.set('kind', kind)
    const res = await call('GET', `${path}?${query}`, undefined, { 'x-user': user })
    expect(res.status).toBe(200)
    pages.push(res.body)
    cursor = res.body.nextCursor
    expect(res.body.hasMore).toBe(cursor !== null)
  } while (cursor !== null && pages.length < 100)
  return pages
}

/** Every page of `crm.timeline` read directly as `user`, in the JSON form REST sends. */
async function corePages(crm: Crm, subject: TimelineSubject, limit: number, user = 'u1', kinds?: string[]) {
  const pages = await timelinePages(crm.scoped({ actor: { id: user } }), subject, {
    limit,
    ...(kinds ? { kinds } : {}),
  })
  return JSON.parse(
    JSON.stringify(pages.map((p) => ({ data: p.items, nextCursor: p.nextCursor, hasMore: p.hasMore }))),
  )
}

describe('GET /{contacts,companies}/{id}/timeline: crm.timeline over REST', () => {
  it('pages through ties at the page boundary with every entry exactly once, as crm.timeline does', async () => {
    const w = await world()
    const whole = await restPages(w.call, `/contacts/${w.ada}/timeline`, 100)
    expect(whole).toHaveLength(1)
    const all = whole[0]!.data
    const kinds = new Set(all.map((e) => e.kind))
    for (const k of ['activity', 'order', 'task', 'deal', 'stageChange', 'ticket']) expect(kinds).toContain(k)
    expect(all).toHaveLength(w.story.entries)
    expect(all.filter((e) => e.at === w.story.tie.toISOString())).toHaveLength(7)
    for (const limit of [1, 2, 3, 4, 5]) {
      const pages = await restPages(w.call, `/contacts/${w.ada}/timeline`, limit)
      const ids = pages.flatMap((p) => p.data.map((e) => e.id))
      // Every entry once, in the one order, whichever page the ties straddle.
      expect(ids).toEqual(all.map((e) => e.id))
      expect(pages).toEqual(await corePages(w.crm, { type: 'contact', id: w.ada }, limit))
    }
    // A company's timeline is the same service: its deal and ticket, and its person's entries.
    const company = await restPages(w.call, `/companies/${w.acme}/timeline`, 3)
    expect(company).toEqual(await corePages(w.crm, { type: 'company', id: w.acme }, 3))
    expect(company.flatMap((p) => p.data.map((e) => e.id))).toEqual(
      expect.arrayContaining(all.map((e) => e.id)),
    )
  })

  it('filters by kind (a comma list), as crm.timeline does', async () => {
    const w = await world()
    const pages = await restPages(w.call, `/contacts/${w.ada}/timeline`, 2, 'u1', 'order,deal')
    const kinds = pages.flatMap((p) => p.data.map((e) => e.kind))
    expect(kinds.sort()).toEqual(['deal', 'order', 'order', 'order'])
    expect(pages).toEqual(await corePages(w.crm, { type: 'contact', id: w.ada }, 2, 'u1', ['order', 'deal']))
    const unknown = await w.call('GET', `/contacts/${w.ada}/timeline?kind=activity,nope`)
    expect([unknown.status, unknown.body.code]).toEqual([422, 'VALIDATION_FAILED'])
    const empty = await w.call('GET', `/contacts/${w.ada}/timeline?kind=`)
    expect([empty.status, empty.body.code]).toEqual([422, 'VALIDATION_FAILED'])
  })

  it('answers a record outside the caller’s access exactly as a missing one, and shows bob what core shows him', async () => {
    const w = await world()
    const normalise = (body: Record<string, unknown>, id: string) =>
      JSON.parse(JSON.stringify({ ...body, instance: undefined }).replaceAll(id, '<id>'))
    for (const path of ['timeline', 'timeline/figures']) {
      const hidden = await w.call('GET', `/contacts/${w.hidden}/${path}`, undefined, { 'x-user': 'bob' })
      const missing = await w.call('GET', `/contacts/con_missing/${path}`, undefined, { 'x-user': 'bob' })
      expect([hidden.status, hidden.body.code]).toEqual([404, 'NOT_FOUND'])
      expect(normalise(hidden.body, w.hidden)).toEqual(normalise(missing.body, 'con_missing'))
    }
    // bob sees his own contact's timeline through his access: what core gives him, page for page.
    const bobs = await restPages(w.call, `/contacts/${w.ada}/timeline`, 2, 'bob')
    expect(bobs).toEqual(await corePages(w.crm, { type: 'contact', id: w.ada }, 2, 'bob'))
    expect(bobs.flatMap((p) => p.data.map((e) => e.kind))).not.toContain('ticket')
  })

  it('refuses a bad cursor or limit with core’s typed errors, and has no route for other entities', async () => {
    const w = await world()
    const bad = await w.call('GET', `/contacts/${w.ada}/timeline?cursor=garbage!`)
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_CURSOR'])
    expect(bad.headers.get('content-type')).toBe('application/problem+json')
    // A list cursor is not a timeline position.
    const listCursor = (await w.call('GET', '/contacts?limit=1')).body.nextCursor as string | null
    const other = await w.call(
      'GET',
      `/contacts/${w.ada}/timeline?cursor=${encodeURIComponent(listCursor ?? 'x')}`,
    )
    expect([other.status, other.body.code]).toEqual([400, 'INVALID_CURSOR'])
    const zero = await w.call('GET', `/contacts/${w.ada}/timeline?limit=0`)
    expect([zero.status, zero.body.code]).toEqual([400, 'HTTP_BAD_REQUEST'])
    const huge = await w.call('GET', `/contacts/${w.ada}/timeline?limit=100000`)
    expect([huge.status, huge.body.code]).toEqual([422, 'VALIDATION_FAILED'])
    const before = await w.call('GET', `/contacts/${w.ada}/timeline?before=2026-01-01T00:00:00Z`)
    expect([before.status, before.body.code]).toEqual([400, 'HTTP_BAD_REQUEST'])
    const deal = await w.call('GET', `/deals/${w.deal}/timeline`)
    expect([deal.status, deal.body.code]).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])
  })

  it('serves the key figures as crm.timeline.figures computes them', async () => {
    const w = await world()
    const res = await w.call('GET', `/contacts/${w.ada}/timeline/figures`)
    expect(res.status).toBe(200)
    const figures = await w.crm
      .scoped({ actor: { id: 'u1' } })
      .timeline.figures({ type: 'contact', id: w.ada })
    expect(res.body).toEqual(JSON.parse(JSON.stringify(figures)))
    expect(res.body).toMatchObject({
      openDeals: 1,
      lifetimeRevenue: { EUR: 6_000 },
      completedOrders: 3,
      lastContactAt: w.story.tie.toISOString(),
      healthScore: null,
    })
  })

  it('computes the health score with the server’s timelineHealthScore', async () => {
    const s = await setupServer({ timelineHealthScore: (f) => Math.min(100, f.completedOrders * 10) })
    close = s.close
    const ada = await s.crm.contacts.create({ firstName: 'Ada' })
    await s.crm.orders.create({
      customerType: 'contact',
      customerId: ada.id,
      occurredAt: new Date(AT),
      amount: { amountMinor: 1_000, currency: 'EUR' },
      status: 'completed',
    })
    expect((await s.call('GET', `/contacts/${ada.id}/timeline/figures`)).body.healthScore).toBe(10)
  })

  it('shows a host plugin’s own timeline source (what the removed timelineSources option did)', async () => {
    const callRecording = defineEntity({
      name: 'callRecording',
      idPrefix: 'rec',
      shape: { contactId: z.string(), recordedAt: z.date() },
    })
    const pbx = definePlugin({
      id: 'pbx',
      schema: { entities: [callRecording] },
      timeline: [
        {
          kind: 'callRecording',
          entity: 'callRecording',
          at: 'recordedAt',
          where: (s: TimelineSubject) =>
            s.type === 'contact' ? { field: 'contactId', op: 'eq', value: s.id } : null,
        },
      ],
    })
    const s = await setupServer({ plugins: [pbx] })
    close = s.close
    const ada = await s.crm.contacts.create({ firstName: 'Ada' })
    const rec = await s.crm.entity('callRecording').create({ contactId: ada.id, recordedAt: new Date(AT) })
    const page = await s.call('GET', `/contacts/${ada.id}/timeline?kind=callRecording`)
    expect(page.body.data).toEqual([expect.objectContaining({ kind: 'callRecording', id: rec.id, at: AT })])
    const doc = (await s.call('GET', '/openapi.json')).body
    expect(doc.components.schemas.ContactTimelineItem.properties.kind.enum).toContain('callRecording')
    expect(doc.components.schemas.CompanyTimelineItem.properties.kind.enum).not.toContain('callRecording')
  })

  it('describes the new shapes in the OpenAPI document', async () => {
    const s = await setupServer()
    close = s.close
    const doc = (await s.call('GET', '/openapi.json')).body
    const op = doc.paths['/contacts/{id}/timeline'].get
    expect(op.operationId).toBe('contacts.timeline')
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'cursor',
      'id',
      'kind',
      'limit',
    ])
    const page = doc.components.schemas.ContactTimelinePage
    expect(Object.keys(page.properties).sort()).toEqual(['data', 'hasMore', 'nextCursor'])
    const item = doc.components.schemas.ContactTimelineItem
    expect(item.properties.kind.enum).toEqual(s.crm.timeline.kinds('contact'))
    expect(Object.keys(item.properties).sort()).toEqual(['at', 'entity', 'id', 'kind', 'record'])
    expect(doc.paths['/companies/{id}/timeline/figures'].get.operationId).toBe('companies.timelineFigures')
    expect(doc.components.schemas.TimelineFigures.properties.weightedDealValue).toBeDefined()
    expect(doc.paths['/deals/{id}/timeline']).toBeUndefined()
    expect(doc.paths['/tickets/{id}/timeline']).toBeUndefined()
  })
})
