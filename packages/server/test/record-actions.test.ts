// Deal pipeline changes, deal-contact roles and a ticket's first response over HTTP: each works, and each bad input
// answers the right problem+json status with nothing written.
import { afterEach, describe, expect, it } from 'vitest'
import { setupServer } from './helpers.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function server() {
  const s = await setupServer()
  close = s.close
  const enterprise = await s.crm.pipelines.create({
    name: 'Enterprise',
    entityType: 'deal',
    stages: [{ name: 'Discovery' }, { name: 'Pilot' }, { name: 'Signed', kind: 'won' }],
  })
  const deal = (
    await s.call('POST', '/deals', {
      name: 'Acme',
      pipelineId: s.pipeline.id,
      stageId: s.stage('Prospecting'),
    })
  ).body
  return { ...s, enterprise, deal }
}

describe('POST /deals/{id}/pipeline', () => {
  it('moves a deal to another pipeline through the stage mapping, with If-Match and a history row', async () => {
    const { call, enterprise, deal, stage } = await server()
    const discovery = enterprise.stages[0]!.id
    const moved = await call(
      'POST',
      `/deals/${deal.id}/pipeline`,
      {
        pipelineId: enterprise.id,
        stageMapping: { [stage('Prospecting')]: discovery },
        reason: 'Bigger scope',
      },
      { 'if-match': '"1"' },
    )
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({ pipelineId: enterprise.id, stageId: discovery, version: 2 })
    expect(moved.headers.get('etag')).toMatch(/^"2-[0-9a-z]+"$/)
    const history = (await call('GET', `/deals/${deal.id}/stage-history`)).body.data
    expect(history.at(-1)).toMatchObject({ toStageId: discovery, reason: 'Bigger scope' })
  })

  it('refuses bad input with the right status and writes nothing', async () => {
    const { call, crm, enterprise, deal, stage, pipeline } = await server()
    const discovery = enterprise.stages[0]!.id
    const ticketPipeline = await crm.pipelines.create({
      name: 'Support',
      entityType: 'ticket',
      stages: [{ name: 'Open' }, { name: 'Closed', kind: 'won' }],
    })
    const historyBefore = (await call('GET', `/deals/${deal.id}/stage-history`)).body.data
    const cases: [unknown, Record<string, string>, number, string][] = [
      [
        { pipelineId: 'pip_missing', stageMapping: { [stage('Prospecting')]: discovery } },
        {},
        422,
        'VALIDATION_FAILED',
      ],
      [
        { pipelineId: enterprise.id, stageMapping: { [stage('Qualification')]: discovery } },
        {},
        409,
        'INVALID_TRANSITION',
      ],
      [
        { pipelineId: enterprise.id, stageMapping: { [stage('Prospecting')]: stage('Won') } },
        {},
        409,
        'INVALID_TRANSITION',
      ],
      [{ pipelineId: enterprise.id, stageMapping: 'all' }, {}, 422, 'VALIDATION_FAILED'],
      [{ pipelineId: enterprise.id }, {}, 422, 'VALIDATION_FAILED'],
      [{ pipelineId: enterprise.id, stageMapping: {}, extra: 1 }, {}, 422, 'VALIDATION_FAILED'],
      [
        { pipelineId: enterprise.id, stageMapping: { [stage('Prospecting')]: discovery } },
        { 'if-match': '"7"' },
        412,
        'VERSION_CONFLICT',
      ],
      ['{"pipelineId":', {}, 400, 'HTTP_MALFORMED_JSON'],
      [
        {
          pipelineId: ticketPipeline.id,
          stageMapping: { [stage('Prospecting')]: ticketPipeline.stages[0]!.id },
        },
        {},
        422,
        'VALIDATION_FAILED',
      ],
    ]
    for (const [body, headers, status, code] of cases) {
      const res = await call('POST', `/deals/${deal.id}/pipeline`, body, headers)
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code })
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
    const missing = await call('POST', '/deals/deal_missing/pipeline', {
      pipelineId: enterprise.id,
      stageMapping: { [stage('Prospecting')]: discovery },
    })
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND'])
    const after = (await call('GET', `/deals/${deal.id}`)).body
    expect(after).toMatchObject({ pipelineId: pipeline.id, stageId: stage('Prospecting'), version: 1 })
    expect((await call('GET', `/deals/${deal.id}/stage-history`)).body.data).toEqual(historyBefore)
  })
})

describe('deal contacts with roles', () => {
  it('puts contacts on a deal, updates a role, lists them primary first and removes one', async () => {
    const { call, deal } = await server()
    const ada = (await call('POST', '/contacts', { firstName: 'Ada' })).body
    const bob = (await call('POST', '/contacts', { firstName: 'Bob' })).body
    const link = await call('PUT', `/deals/${deal.id}/contacts/${bob.id}`, { role: 'user' })
    expect(link.status).toBe(200)
    expect(link.body).toMatchObject({ dealId: deal.id, contactId: bob.id, role: 'user', isPrimary: false })
    expect(link.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    await call('PUT', `/deals/${deal.id}/contacts/${ada.id}`, { role: 'champion' })
    const again = await call('PUT', `/deals/${deal.id}/contacts/${ada.id}`, {
      role: 'decision maker',
      isPrimary: true,
    })
    expect(again.body).toMatchObject({ role: 'decision maker', isPrimary: true })
    const listed = await call('GET', `/deals/${deal.id}/contacts`)
    expect(listed.status).toBe(200)
    expect(
      listed.body.data.map((e: { contact: { firstName: string }; role: string; isPrimary: boolean }) => [
        e.contact.firstName,
        e.role,
        e.isPrimary,
      ]),
    ).toEqual([
      ['Ada', 'decision maker', true],
      ['Bob', 'user', false],
    ])
    expect(listed.body.data[0].contact.createdAt).toBe(ada.createdAt)
    expect((await call('DELETE', `/deals/${deal.id}/contacts/${bob.id}`)).status).toBe(204)
    const gone = await call('DELETE', `/deals/${deal.id}/contacts/${bob.id}`)
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_FOUND'])
    expect((await call('GET', `/deals/${deal.id}/contacts`)).body.data).toHaveLength(1)
  })

  it('refuses bad input and unknown or foreign records with the right status, and writes nothing', async () => {
    const { call, deal } = await server()
    const ada = (await call('POST', '/contacts', { firstName: 'Ada' })).body
    await call('PUT', `/deals/${deal.id}/contacts/${ada.id}`, { role: 'champion' })
    const foreign = (await call('POST', '/contacts', { firstName: 'Eve' }, { 'x-tenant': 'other' })).body
    const before = (await call('GET', `/deals/${deal.id}/contacts`)).body
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      [
        'PUT',
        `/deals/${deal.id}/contacts/${ada.id}`,
        { role: 'x'.repeat(101) },
        {},
        422,
        'VALIDATION_FAILED',
      ],
      ['PUT', `/deals/${deal.id}/contacts/${ada.id}`, { isPrimary: 'yes' }, {}, 422, 'VALIDATION_FAILED'],
      [
        'PUT',
        `/deals/${deal.id}/contacts/${ada.id}`,
        { role: 'a', owner: 'me' },
        {},
        422,
        'VALIDATION_FAILED',
      ],
      ['PUT', `/deals/${deal.id}/contacts/${ada.id}`, '[1,', {}, 400, 'HTTP_MALFORMED_JSON'],
      ['PUT', `/deals/${deal.id}/contacts/con_missing`, { role: 'user' }, {}, 404, 'NOT_FOUND'],
      ['PUT', `/deals/${deal.id}/contacts/${foreign.id}`, { role: 'user' }, {}, 404, 'NOT_FOUND'],
      ['PUT', `/deals/deal_missing/contacts/${ada.id}`, { role: 'user' }, {}, 404, 'NOT_FOUND'],
      [
        'PUT',
        `/deals/${deal.id}/contacts/${ada.id}`,
        { role: 'user' },
        { 'x-tenant': 'other' },
        404,
        'NOT_FOUND',
      ],
      [
        'DELETE',
        `/deals/${deal.id}/contacts/${ada.id}`,
        undefined,
        { 'x-tenant': 'other' },
        404,
        'NOT_FOUND',
      ],
      ['GET', `/deals/${deal.id}/contacts`, undefined, { 'x-tenant': 'other' }, 404, 'NOT_FOUND'],
      ['GET', `/deals/${deal.id}/contacts?limit=5`, undefined, {}, 400, 'HTTP_BAD_REQUEST'],
      ['POST', `/deals/${deal.id}/contacts/${ada.id}`, { role: 'user' }, {}, 405, 'HTTP_METHOD_NOT_ALLOWED'],
    ]
    for (const [method, path, body, headers, status, code] of cases) {
      const res = await call(method, path, body, headers)
      expect({ method, path, status: res.status, code: res.body.code }).toEqual({
        method,
        path,
        status,
        code,
      })
    }
    expect((await call('GET', `/deals/${deal.id}/contacts`)).body).toEqual(before)
  })
})

describe('POST /tickets/{id}/first-response', () => {
  it('records the first response once; later calls keep it', async () => {
    const { call } = await server()
    const ticket = (await call('POST', '/tickets', { subject: 'Printer on fire' })).body
    expect(ticket.firstRespondedAt).toBeNull()
    const at = '2026-01-02T03:04:05.678Z'
    const first = await call('POST', `/tickets/${ticket.id}/first-response`, { at })
    expect(first.status).toBe(200)
    expect(first.body.firstRespondedAt).toBe(at)
    expect(first.headers.get('etag')).toMatch(new RegExp(`^"${first.body.version}-[0-9a-z]+"$`))
    const second = await call('POST', `/tickets/${ticket.id}/first-response`)
    expect(second.body).toMatchObject({ firstRespondedAt: at, version: first.body.version })
    const other = (await call('POST', '/tickets', { subject: 'Paper jam' })).body
    const now = await call('POST', `/tickets/${other.id}/first-response`)
    expect(Number.isNaN(Date.parse(now.body.firstRespondedAt))).toBe(false)
  })

  it('refuses bad input with the right status and writes nothing', async () => {
    const { call } = await server()
    const ticket = (await call('POST', '/tickets', { subject: 'Printer on fire' })).body
    const cases: [string, unknown, Record<string, string>, number, string][] = [
      [`/tickets/${ticket.id}/first-response`, { at: 'yesterday' }, {}, 422, 'VALIDATION_FAILED'],
      [`/tickets/${ticket.id}/first-response`, { at: 5 }, {}, 422, 'VALIDATION_FAILED'],
      [
        `/tickets/${ticket.id}/first-response`,
        { when: '2026-01-02T03:04:05Z' },
        {},
        422,
        'VALIDATION_FAILED',
      ],
      [`/tickets/${ticket.id}/first-response`, '{', {}, 400, 'HTTP_MALFORMED_JSON'],
      [`/tickets/${ticket.id}/first-response`, {}, { 'x-tenant': 'other' }, 404, 'NOT_FOUND'],
      ['/tickets/tkt_missing/first-response', {}, {}, 404, 'NOT_FOUND'],
    ]
    for (const [path, body, headers, status, code] of cases) {
      const res = await call('POST', path, body, headers)
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code })
    }
    expect((await call('GET', `/tickets/${ticket.id}`)).body).toEqual(ticket)
  })
})

describe('OpenAPI', () => {
  it('documents the new operations', async () => {
    const { call } = await server()
    const doc = (await call('GET', '/openapi.json')).body
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (p) => Object.values(p).map((o) => o.operationId),
    )
    expect(ops).toEqual(
      expect.arrayContaining([
        'deals.changePipeline',
        'deals.listContacts',
        'deals.addContact',
        'deals.removeContact',
        'tickets.recordResponse',
      ]),
    )
    expect(ops).not.toContain('tickets.changePipeline')
    expect(doc.components.schemas).toHaveProperty('DealContact')
  })
})
