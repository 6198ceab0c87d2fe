import { accessControl, defineAccessPolicy } from '@rapport/access'
import { definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import { defineOperation } from '@rapport/core/plugin'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { setupServer } from './helpers.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function server(options: Parameters<typeof setupServer>[0] = {}) {
  const s = await setupServer(options)
  close = s.close
  return s
}

describe('REST: collections', () => {
  it('creates, gets, lists, updates with If-Match, archives and deletes a contact', async () => {
    const { call } = await server()
    const created = await call('POST', '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ address: 'ada@example.com' }],
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('etag')).toMatch(/^"1-[0-9a-z]+"$/)
    expect(created.headers.get('location')).toBe(`/contacts/${created.body.id}`)
    expect(created.body).toMatchObject({ firstName: 'Ada', version: 1, lifecycleStage: 'lead' })
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    const id = created.body.id as string

    const got = await call('GET', `/contacts/${id}`)
    expect(got.status).toBe(200)
    expect(got.headers.get('etag')).toBe(created.headers.get('etag'))
    expect(got.headers.get('cache-control')).toBe('private, no-cache')
    const revalidated = await call('GET', `/contacts/${id}`, undefined, {
      'if-none-match': got.headers.get('etag')!,
    })
    expect(revalidated.status).toBe(304)
    expect((await call('GET', `/contacts/${id}`, undefined, { 'if-none-match': '"1"' })).status).toBe(200)

    // If-Match reads the version part of any view's tag; the bare version works too
    const updated = await call(
      'PATCH',
      `/contacts/${id}`,
      { title: 'CTO' },
      { 'if-match': got.headers.get('etag')! },
    )
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ title: 'CTO', version: 2 })
    expect(updated.headers.get('etag')).toMatch(/^"2-[0-9a-z]+"$/)

    const stale = await call('PATCH', `/contacts/${id}`, { title: 'CEO' }, { 'if-match': '"1"' })
    expect(stale.status).toBe(412)
    expect(stale.headers.get('content-type')).toBe('application/problem+json')
    expect(stale.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      status: 412,
      type: 'urn:rapport:error:VERSION_CONFLICT',
    })
    expect((await call('GET', `/contacts/${id}`)).body.title).toBe('CTO')

    const page = await call(
      'GET',
      `/contacts?filter=${encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: 'CTO' }))}`,
    )
    expect(page.body.data.map((c: { id: string }) => c.id)).toEqual([id])
    expect(page.body).toMatchObject({ hasMore: false, nextCursor: null })

    const archived = await call('POST', `/contacts/${id}/archive`, undefined, { 'if-match': '"2"' })
    expect(archived.body.archivedAt).not.toBeNull()
    expect((await call('GET', '/contacts')).body.data).toEqual([])
    expect((await call('GET', '/contacts?includeArchived=true')).body.data).toHaveLength(1)
    expect((await call('POST', `/contacts/${id}/restore`)).body.archivedAt).toBeNull()
    expect((await call('DELETE', `/contacts/${id}`)).status).toBe(204)
    expect((await call('GET', `/contacts/${id}`)).body.code).toBe('NOT_FOUND')
  })

  it('pages with keyset cursors and sorts with sort=-field', async () => {
    const { call } = await server()
    for (let i = 0; i < 5; i++) await call('POST', '/companies', { name: `Co ${i}` })
    const first = await call('GET', '/companies?limit=2&sort=-name')
    expect(first.body.data.map((c: { name: string }) => c.name)).toEqual(['Co 4', 'Co 3'])
    const second = await call(
      'GET',
      `/companies?limit=2&sort=-name&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    )
    expect(second.body.data.map((c: { name: string }) => c.name)).toEqual(['Co 2', 'Co 1'])
    expect((await call('GET', '/companies/count')).body).toEqual({ count: 5 })
  })

  it('searches', async () => {
    const { call } = await server()
    await call('POST', '/contacts', { firstName: 'Grace', lastName: 'Hopper' })
    await call('POST', '/contacts', { firstName: '李', lastName: '小龙' })
    const found = await call('GET', '/contacts/search?q=Hopper')
    expect(found.body.data.map((c: { lastName: string }) => c.lastName)).toEqual(['Hopper'])
  })

  it('runs every call as the authenticated actor in its tenant', async () => {
    const { call } = await server()
    await call('POST', '/contacts', { firstName: 'In A' }, { 'x-tenant': 'a' })
    expect((await call('GET', '/contacts', undefined, { 'x-tenant': 'b' })).body.data).toEqual([])
    expect((await call('GET', '/contacts', undefined, { 'x-tenant': 'a' })).body.data).toHaveLength(1)
    const mine = encodeURIComponent(
      JSON.stringify({ field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } }),
    )
    await call('POST', '/contacts', { firstName: 'Mine', ownerId: 'u7' }, { 'x-user': 'u7' })
    expect(
      (await call('GET', `/contacts?filter=${mine}`, undefined, { 'x-user': 'u7' })).body.data,
    ).toHaveLength(1)
    expect(
      (await call('GET', `/contacts?filter=${mine}`, undefined, { 'x-user': 'u8' })).body.data,
    ).toHaveLength(0)
    const anonymous = await call('GET', '/contacts', undefined, { 'x-user': '' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.code).toBe('HTTP_UNAUTHENTICATED')
  })
})

describe('REST: pipelines, conversion, timeline', () => {
  it('moves a deal, and explains a refused move with the guard and the missing fields', async () => {
    const { call, pipeline, stage } = await server()
    const deal = (
      await call('POST', '/deals', {
        name: 'Big one',
        pipelineId: pipeline.id,
        stageId: stage('Prospecting'),
      })
    ).body
    const skip = await call('POST', `/deals/${deal.id}/stage`, { stageId: stage('Proposal') })
    expect(skip.status).toBe(409)
    expect(skip.body).toMatchObject({ code: 'INVALID_TRANSITION', details: { guard: 'policy' } })
    const moved = await call(
      'POST',
      `/deals/${deal.id}/stage`,
      { stageId: stage('Qualification') },
      { 'if-match': '"1"' },
    )
    expect(moved.status).toBe(200)
    expect(moved.body.stageId).toBe(stage('Qualification'))
    const missing = await call('POST', `/deals/${deal.id}/stage`, { stageId: stage('Proposal') })
    expect(missing.body).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { guard: 'requiredFields', missingFields: ['amount'] },
    })
    const withAmount = await call('POST', `/deals/${deal.id}/stage`, {
      stageId: stage('Proposal'),
      fields: { amount: { amountMinor: 500_000, currency: 'EUR' } },
    })
    expect(withAmount.body).toMatchObject({ stageId: stage('Proposal'), amount: { amountMinor: 500_000 } })
    const history = await call('GET', `/deals/${deal.id}/stage-history`)
    expect(history.body.data.map((h: { toStageId: string }) => h.toStageId)).toEqual([
      stage('Prospecting'),
      stage('Qualification'),
      stage('Proposal'),
    ])
  })

  it('converts a lead, and shows a contact’s activities and tasks on its timeline, newest first', async () => {
    const { call } = await server()
    const lead = (
      await call('POST', '/leads', {
        firstName: 'Lin',
        lastName: 'Wei',
        email: 'lin@example.cn',
        companyName: 'Wei Ltd',
      })
    ).body
    expect(lead.id).toBeDefined()
    const converted = await call('POST', `/leads/${lead.id}/convert`, { deal: false })
    expect(converted.status).toBe(200)
    const contactId = converted.body.contact.id as string
    expect(converted.body.company.name).toBe('Wei Ltd')
    await call('POST', '/activities', {
      type: 'call',
      subject: 'Intro',
      occurredAt: '2026-03-01T10:00:00Z',
      targets: [{ type: 'contact', id: contactId }],
    })
    await call('POST', '/activities', {
      type: 'email',
      subject: 'Follow-up',
      occurredAt: '2026-03-02T10:00:00Z',
      targets: [{ type: 'contact', id: contactId }],
    })
    const timeline = await call('GET', `/contacts/${contactId}/timeline?limit=1&kind=activity`)
    expect(timeline.body.data.map((i: { record: { subject: string } }) => i.record.subject)).toEqual([
      'Follow-up',
    ])
    const next = await call(
      'GET',
      `/contacts/${contactId}/timeline?limit=5&kind=activity&cursor=${timeline.body.nextCursor}`,
    )
    expect(next.body.data.map((i: { record: { subject: string } }) => i.record.subject)).toEqual(['Intro'])
  })
})

describe('REST: request handling', () => {
  it('echoes request ids, answers CORS, refuses over the rate limit, serves the reference page', async () => {
    let calls = 0
    const { call } = await server({
      cors: { origin: 'https://app.example.com' },
      rateLimit: () => (++calls > 2 ? { allowed: false, retryAfterSeconds: 7 } : { allowed: true }),
    })
    const first = await call('GET', '/contacts', undefined, {
      'x-request-id': 'req-42',
      origin: 'https://app.example.com',
    })
    expect(first.headers.get('x-request-id')).toBe('req-42')
    expect(first.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(first.headers.get('access-control-expose-headers')).toContain('ETag')
    await call('GET', '/contacts')
    const limited = await call('GET', '/contacts')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect(limited.body).toMatchObject({ code: 'HTTP_RATE_LIMITED' })
    const page = await call('GET', '/reference', undefined, { 'x-user': '' })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
  })
})

describe('REST: analytics', () => {
  it('summarises a deal pipeline and customers’ orders', async () => {
    const { call, crm, pipeline, stage } = await server()
    const won = await crm.deals.create({
      name: 'Won one',
      pipelineId: pipeline.id,
      stageId: stage('Prospecting'),
      amount: { amountMinor: 100_000, currency: 'USD' },
    })
    await crm.deals.moveStage(won.id, stage('Qualification'))
    await crm.deals.create({ name: 'Open', pipelineId: pipeline.id, stageId: stage('Prospecting') })
    const summary = await call('GET', `/analytics/pipeline?pipelineId=${pipeline.id}`)
    expect(summary.status).toBe(200)
    expect(summary.body.deals).toBe(2)
    expect(summary.body.funnel.steps.map((s: { reached: number }) => s.reached).slice(0, 2)).toEqual([2, 1])
    const ada = await crm.contacts.create({ firstName: 'Ada' })
    const day = (d: number) => new Date(Date.UTC(2026, 0, d))
    await crm.orders.createMany(
      [1, 9, 20].map((d) => ({
        customerType: 'contact' as const,
        customerId: ada.id,
        occurredAt: day(d),
        amount: { amountMinor: 5_000, currency: 'USD' },
      })),
    )
    const customers = await call('GET', '/analytics/customers?asOf=2026-02-01&currency=USD')
    expect(customers.status).toBe(200)
    expect(customers.body.customers).toBe(1)
    expect(customers.body.rfm.segments.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBe(1)
    expect(customers.body.clv).toBeNull()
    expect((await call('GET', '/analytics/pipeline')).body.code).toBe('HTTP_BAD_REQUEST')
  })
})

describe('REST: plugin routes through crm.describe()', () => {
  const reward = defineEntity({
    name: 'reward',
    idPrefix: 'rwd',
    shape: { contactId: z.string(), points: z.int().min(1) },
  })
  const loyalty = definePlugin({
    id: 'loyalty',
    schema: { entities: [reward] },
    expose: {
      entities: ['reward'],
      operations: {
        grant: defineOperation({
          description: 'Grants points to a contact',
          effect: 'write',
          entity: 'contact',
          record: true,
          input: z.object({ id: z.string(), points: z.int().min(1).describe('How many points') }),
          run: ({ id, points }, { crm }) => crm.entity('reward').create({ contactId: id, points }),
        }),
      },
    },
  })

  it('serves exposed entities and operations, documented in /openapi.json', async () => {
    const { call } = await server({ plugins: [loyalty] })
    const ada = (await call('POST', '/contacts', { firstName: 'Ada' })).body
    const granted = await call('POST', `/contacts/${ada.id}/grant`, { points: 5 })
    expect(granted.status).toBe(200)
    expect(granted.body).toMatchObject({ contactId: ada.id, points: 5 })
    expect((await call('GET', '/rewards')).body.data).toHaveLength(1)
    const bad = await call('POST', `/contacts/${ada.id}/grant`, { points: 0 })
    expect(bad.status).toBe(422)
    const doc = (await call('GET', '/openapi.json')).body
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/contacts/{id}/grant'].post.operationId).toBe('loyalty.grant')
    expect(doc.paths['/rewards'].get).toBeDefined()
    expect(doc.components.schemas.Reward).toBeDefined()
  })
})

describe('REST: ETags are per view', () => {
  it('gives two callers who see a record differently different ETags, so one never gets a 304 for the other’s body', async () => {
    const policy = defineAccessPolicy({
      roles: {
        admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
        rep: {
          entities: { contact: { read: 'all', update: 'all' } },
          fields: { contact: { emails: { mask: 'email' } } },
        },
      },
      users: { system: { roles: ['admin'] }, alice: { roles: ['admin'] }, bob: { roles: ['rep'] } },
    })
    const { call } = await server({ plugins: [accessControl(policy)] })
    const created = await call(
      'POST',
      '/contacts',
      { firstName: 'Ada', emails: [{ address: 'ada@example.com' }] },
      { 'x-user': 'alice' },
    )
    const id = created.body.id as string
    const alice = await call('GET', `/contacts/${id}`, undefined, { 'x-user': 'alice' })
    const bob = await call('GET', `/contacts/${id}`, undefined, { 'x-user': 'bob' })
    expect(alice.body.emails[0].address).toBe('ada@example.com')
    expect(bob.body.emails[0].address).not.toBe('ada@example.com')
    expect(alice.body.version).toBe(bob.body.version)
    expect(bob.headers.get('etag')).not.toBe(alice.headers.get('etag'))

    // bob's cache revalidating with alice's tag gets bob's own body, not a 304
    const revalidated = await call('GET', `/contacts/${id}`, undefined, {
      'x-user': 'bob',
      'if-none-match': alice.headers.get('etag')!,
    })
    expect(revalidated.status).toBe(200)
    expect(revalidated.body.emails[0].address).toBe(bob.body.emails[0].address)
    const own = await call('GET', `/contacts/${id}`, undefined, {
      'x-user': 'bob',
      'if-none-match': bob.headers.get('etag')!,
    })
    expect(own.status).toBe(304)

    // either view's tag names the version for a write
    const updated = await call(
      'PATCH',
      `/contacts/${id}`,
      { title: 'CTO' },
      {
        'x-user': 'bob',
        'if-match': bob.headers.get('etag')!,
      },
    )
    expect(updated.status).toBe(200)
    const stale = await call(
      'PATCH',
      `/contacts/${id}`,
      { title: 'CEO' },
      {
        'x-user': 'alice',
        'if-match': alice.headers.get('etag')!,
      },
    )
    expect(stale.status).toBe(412)
    expect((await call('GET', `/contacts/${id}`, undefined, { 'x-user': 'alice' })).body.title).toBe('CTO')
  })
})
