import { marketingPlugin } from '@rapport/marketing'
import { receivablesPlugin } from '@rapport/sales/receivables'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from './helpers.js'

type Setup = Awaited<ReturnType<typeof setupServer>>
let s: Setup

beforeAll(async () => {
  s = await setupServer({ plugins: [receivablesPlugin(), marketingPlugin()] })
})
afterAll(() => s.close())

function expectProblem(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  expect(res.body.code).toBe(code)
}

/** The contract's payments, allocations and installments: what a refused payment must leave as it was. */
async function receivablesOf(contractId: string) {
  const where = { field: 'contractId', op: 'eq', value: contractId } as const
  const rows = async (entity: string) =>
    (await s.crm.entity(entity).list({ where, limit: 100 })).items.map((r) => ({
      id: r['id'],
      version: r['version'],
    }))
  return {
    payments: await rows('payment'),
    allocations: await rows('paymentAllocation'),
    installments: await rows('installment'),
  }
}

async function wonDeal(name: string, amountMinor: number) {
  const deal = await s.call('POST', '/deals', {
    name,
    pipelineId: s.pipeline.id,
    stageId: s.stage('Won'),
    amount: { amountMinor, currency: 'EUR' },
  })
  expect(deal.status, JSON.stringify(deal.body)).toBe(201)
  return deal.body.id as string
}

async function approvedContract(name: string, amountMinor: number) {
  const dealId = await wonDeal(name, amountMinor)
  const created = await s.call('POST', `/deals/${dealId}/contract-from-deal`, {
    startDate: '2026-01-01',
    endDate: '2026-12-31',
  })
  expect(created.status, JSON.stringify(created.body)).toBe(200)
  const id = created.body.id as string
  for (const status of ['pending_approval', 'approved']) {
    const moved = await s.call('PATCH', `/contracts/${id}`, { status })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
  }
  return { id, dealId }
}

describe('REST: sales receivables operations', () => {
  it('are documented in /openapi.json under their collections, reads and writes marked', async () => {
    const doc = (await s.call('GET', '/openapi.json')).body
    const op = (path: string) => doc.paths[path]?.post
    expect(op('/deals/{id}/contract-from-deal').operationId).toBe('receivables.contractFromDeal')
    expect(op('/contracts/{id}/plan-installments').operationId).toBe('receivables.planInstallments')
    expect(op('/contracts/{id}/record-payment').description).toMatch(/writes/)
    expect(op('/contracts/{id}/balance').description).toMatch(/read-only/)
    expect(op('/contracts/aging').requestBody.content['application/json'].schema).toBeDefined()
    expect(doc.paths['/contracts/{id}'].get).toBeDefined()
    expect(doc.paths['/installments']).toBeUndefined()
  })

  it('turn a won deal into a contract, plan it, take a payment, and report balance, statuses and aging', async () => {
    const { id, dealId } = await approvedContract('ACME 2026', 300_000)
    const contract = (await s.call('GET', `/contracts/${id}`)).body
    expect(contract).toMatchObject({ dealId, currency: 'EUR', amountMinor: 300_000, status: 'approved' })

    const plan = await s.call('POST', `/contracts/${id}/plan-installments`, {
      terms: [
        { percent: 30, dueDate: '2026-01-31' },
        { amountMinor: 100_000, dueDate: '2026-04-30' },
        { balance: true, dueDate: '2026-07-31' },
      ],
    })
    expect(plan.status, JSON.stringify(plan.body)).toBe(200)
    expect(plan.body.map((row: { amountMinor: number }) => row.amountMinor)).toEqual([
      90_000, 100_000, 110_000,
    ])

    const paid = await s.call('POST', `/contracts/${id}/record-payment`, {
      amountMinor: 120_000,
      currency: 'EUR',
      receivedOn: '2026-02-03',
    })
    expect(paid.status, JSON.stringify(paid.body)).toBe(200)
    expect(paid.body.allocations.map((a: { amountMinor: number }) => a.amountMinor)).toEqual([90_000, 30_000])

    expect((await s.call('POST', `/contracts/${id}/balance`)).body).toEqual({
      contractId: id,
      currency: 'EUR',
      amountMinor: 300_000,
      receivedMinor: 120_000,
      unreceivedMinor: 180_000,
      unallocatedMinor: 0,
    })
    const statuses = await s.call('POST', `/contracts/${id}/installments`, { asOf: '2026-05-15' })
    expect(statuses.body.map((i: { status: string }) => i.status)).toEqual(['paid', 'overdue', 'pending'])
    expect(statuses.body[1]).toMatchObject({ outstandingMinor: 70_000, daysPastDue: 15 })

    const aging = await s.call('POST', '/contracts/aging', { asOf: '2026-05-15', currency: 'EUR' })
    expect(aging.status, JSON.stringify(aging.body)).toBe(200)
    expect(aging.body.totalOutstandingMinor).toBe(180_000)
    expect(aging.body.lines.find((l: { bucket: string }) => l.bucket === '1-30')).toMatchObject({
      installments: 1,
      outstandingMinor: 70_000,
    })
  })

  it('refuse bad payments and plans with the sales codes, writing nothing', async () => {
    const { id } = await approvedContract('Globex 2026', 100_000)
    await s.call('POST', `/contracts/${id}/set-installments`, {
      installments: [
        { dueDate: '2026-03-31', amountMinor: 50_000 },
        { dueDate: '2026-06-30', amountMinor: 50_000 },
      ],
    })
    const before = await receivablesOf(id)
    expect(before.installments).toHaveLength(2)
    expectProblem(
      await s.call('POST', `/contracts/${id}/record-payment`, {
        amountMinor: 10_000,
        currency: 'USD',
        receivedOn: '2026-02-03',
      }),
      422,
      'SALES_CURRENCY_MISMATCH',
    )
    expectProblem(
      await s.call('POST', `/contracts/${id}/set-installments`, {
        installments: [{ dueDate: '2026-03-31', amountMinor: 99_999 }],
      }),
      422,
      'SALES_PLAN_TOTAL_MISMATCH',
    )
    expectProblem(
      await s.call('POST', `/contracts/${id}/record-payment`, {
        amountMinor: 10_000,
        currency: 'EUR',
        receivedOn: '2026-02-30',
      }),
      422,
      'VALIDATION_FAILED',
    )
    expectProblem(
      await s.call('POST', `/contracts/${id}/record-payment`, {
        amountMinor: 10_000,
        currency: 'EUR',
        receivedOn: '2026-02-03',
        allocations: [{ installmentId: 'ins_nope', amountMinor: 10_000 }],
      }),
      422,
      'SALES_ALLOCATION_EXCEEDS_OUTSTANDING',
    )
    expect(await receivablesOf(id)).toEqual(before)

    const open = await s.call('POST', '/deals', {
      name: 'Still open',
      pipelineId: s.pipeline.id,
      stageId: s.stage('Prospecting'),
    })
    expectProblem(
      await s.call('POST', `/deals/${open.body.id}/contract-from-deal`, {
        startDate: '2026-01-01',
        endDate: '2026-12-31',
      }),
      422,
      'SALES_DEAL_NOT_WON',
    )
    expect(
      await s.crm.entity('contract').count({ where: { field: 'dealId', op: 'eq', value: open.body.id } }),
    ).toBe(0)
  })

  it('answer NOT_FOUND for a contract outside the caller’s tenant', async () => {
    const { id } = await approvedContract('Initech 2026', 10_000)
    const other = { 'x-tenant': 'other' }
    expectProblem(await s.call('POST', `/contracts/${id}/balance`, undefined, other), 404, 'NOT_FOUND')
    expectProblem(
      await s.call(
        'POST',
        `/contracts/${id}/record-payment`,
        { amountMinor: 10_000, currency: 'EUR', receivedOn: '2026-02-03' },
        other,
      ),
      404,
      'NOT_FOUND',
    )
    expect((await receivablesOf(id)).payments).toEqual([])
    const agingOf = async (headers: Record<string, string>) =>
      (await s.call('POST', '/contracts/aging', { asOf: '2026-12-31', currency: 'EUR' }, headers)).body
    expect((await agingOf({})).totalOutstandingMinor).toBeGreaterThan(0)
    expect((await agingOf(other)).totalOutstandingMinor).toBe(0)
  })
})

describe('REST: marketing segment and campaign operations', () => {
  it('count and list a segment’s members, target a campaign and ingest its events', async () => {
    for (const [firstName, tags] of [
      ['Vi', ['vip']],
      ['Vic', ['vip', 'eu']],
      ['Norm', []],
    ] as const) {
      expect((await s.call('POST', '/contacts', { firstName, tags })).status).toBe(201)
    }
    const segment = await s.call('POST', '/segments', {
      name: 'VIP',
      entity: 'contact',
      kind: 'dynamic',
      filter: { field: 'tags', op: 'eq', value: 'vip' },
    })
    expect(segment.status, JSON.stringify(segment.body)).toBe(201)
    const segmentId = segment.body.id as string
    expect((await s.call('POST', `/segments/${segmentId}/count-members`)).body).toEqual({ count: 2 })
    const first = await s.call('POST', `/segments/${segmentId}/list-members`, { limit: 1 })
    expect(first.body.data).toHaveLength(1)
    const second = await s.call('POST', `/segments/${segmentId}/list-members`, {
      limit: 1,
      cursor: first.body.nextCursor,
    })
    expect(
      [...first.body.data, ...second.body.data].map((c: { firstName: string }) => c.firstName).sort(),
    ).toEqual(['Vi', 'Vic'])

    const campaign = await s.call('POST', '/campaigns', { name: 'Spring launch' })
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201)
    const campaignId = campaign.body.id as string
    expect((await s.call('POST', `/campaigns/${campaignId}/target`, { segmentId })).body).toMatchObject({
      added: 2,
    })
    const recordId = first.body.data[0].id as string
    const events = [
      { providerEventId: 'e1', type: 'sent', at: '2026-03-01T09:00:00Z', campaignId, recordId },
      { providerEventId: 'e2', type: 'opened', at: '2026-03-01T10:00:00Z', campaignId, recordId },
    ]
    const ingested = await s.call('POST', '/campaigns/ingest-events', { events })
    expect(ingested.status, JSON.stringify(ingested.body)).toBe(200)
    const again = await s.call('POST', '/campaigns/ingest-events', { events })
    expect(again.status).toBe(200)
    const stats = await s.call('POST', `/campaigns/${campaignId}/stats`)
    expect(stats.status, JSON.stringify(stats.body)).toBe(200)
    expect(stats.body).toMatchObject({ sent: 1, opened: 1 })

    const eventsBefore = await s.crm.entity('messageEvent').count()
    expectProblem(
      await s.call('POST', '/campaigns/ingest-events', {
        events: [
          { providerEventId: 'e3', type: 'clicked', at: '2026-03-02T10:00:00Z', campaignId, recordId },
          { providerEventId: 'e4', type: 'clicked', at: '2026-03-02T10:00:00Z', memberId: 'cmm_nope' },
        ],
      }),
      422,
      'MARKETING_INVALID_EVENT',
    )
    expect(await s.crm.entity('messageEvent').count()).toBe(eventsBefore)
    expectProblem(
      await s.call('POST', `/segments/${segmentId}/add-members`, { recordIds: [recordId] }),
      422,
      'MARKETING_INVALID_SEGMENT',
    )
  })
})

describe('REST: KPIs and survey responses', () => {
  it('defines, computes and lists a KPI series; bad KPIs and periods are typed errors that write nothing', async () => {
    // Two buyers in the last closed month of the real clock: one bought twice.
    const lastMonth = new Date()
    lastMonth.setUTCDate(1)
    lastMonth.setUTCHours(0, 0, 0, 0)
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1)
    const inLastMonth = (day: number) => new Date(lastMonth.getTime() + day * 86_400_000)
    const twice = await s.crm.contacts.create({ firstName: 'Twice' })
    const once = await s.crm.contacts.create({ firstName: 'Once' })
    for (const [customerId, day] of [
      [twice.id, 2],
      [twice.id, 9],
      [once.id, 3],
    ] as const) {
      await s.crm.orders.create({
        customerType: 'contact',
        customerId,
        occurredAt: inLastMonth(day),
        amount: { amountMinor: 1_000, currency: 'EUR' },
      })
    }
    const defined = await s.call('POST', '/plugins/marketing/define-kpi', {
      key: 'repurchase-rate',
      name: 'Repurchase rate',
      metric: 'repurchaseRate',
    })
    expect(defined.status, JSON.stringify(defined.body)).toBe(200)
    expect(defined.body).toMatchObject({ key: 'repurchase-rate', metric: 'repurchaseRate' })
    const listed = await s.call('POST', '/plugins/marketing/list-kpis', {})
    expect(listed.body.data.map((d: { key: string }) => d.key)).toContain('repurchase-rate')

    const point = await s.call('POST', '/plugins/marketing/compute-kpi', {
      key: 'repurchase-rate',
      unit: 'month',
      start: lastMonth.toISOString(),
    })
    expect(point.status, JSON.stringify(point.body)).toBe(200)
    expect(point.body).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 })
    expect(point.body.periodStart).toBe(lastMonth.toISOString())
    const series = await s.call('POST', '/plugins/marketing/kpi-series', {
      key: 'repurchase-rate',
      unit: 'month',
    })
    expect(series.body.data).toHaveLength(1)
    expect(series.body.data[0]).toMatchObject({ value: 0.5, periodStart: lastMonth.toISOString() })

    // Alerts need @rapport/automation; without it registering one is a typed error, and none are listed.
    expectProblem(
      await s.call('POST', '/plugins/marketing/alert-kpi', {
        id: 'drop',
        kpi: 'repurchase-rate',
        when: { dropsBy: 0.05 },
      }),
      422,
      'MARKETING_INVALID_KPI',
    )
    expect((await s.call('POST', '/plugins/marketing/list-kpi-alerts', {})).body).toEqual({ data: [] })

    const definitions = await s.crm.entity('kpiDefinition').count()
    const values = await s.crm.entity('kpiValue').count()
    for (const [body, status, code] of [
      [{ key: 'x', name: 'X', metric: 'nope' }, 422, 'VALIDATION_FAILED'],
      [{ key: 'repurchase-rate', name: 'Again', metric: 'churnRate' }, 422, 'MARKETING_INVALID_KPI'],
      [
        { key: 'avg', name: 'Avg', metric: 'averageDealSize', params: { currency: 'euro' } },
        422,
        'MARKETING_INVALID_KPI',
      ],
    ] as const) {
      const res = await s.call('POST', '/plugins/marketing/define-kpi', body)
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.body.code).toBe(code)
    }
    for (const [body, code] of [
      [{ key: 'nope', unit: 'month' }, 'MARKETING_INVALID_KPI'],
      [
        { key: 'repurchase-rate', unit: 'month', start: new Date().toISOString() },
        'MARKETING_INVALID_PERIOD',
      ],
      [{ key: 'repurchase-rate', unit: 'year' }, 'VALIDATION_FAILED'],
      [{ key: 'repurchase-rate', unit: 'month', start: 'yesterday' }, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await s.call('POST', '/plugins/marketing/compute-kpi', body)
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(res.body.code, JSON.stringify(body)).toBe(code)
    }
    expect(await s.crm.entity('kpiDefinition').count()).toBe(definitions)
    expect(await s.crm.entity('kpiValue').count()).toBe(values)
  })

  it('records a survey response once per ticket and kind, and lists responses', async () => {
    const ticket = await s.crm.tickets.create({ subject: 'Broken login' })
    const body = { ticketId: ticket.id, kind: 'csat', score: 4, comment: 'quick fix' }
    const first = await s.call('POST', '/plugins/marketing/record-survey-response', body)
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body).toMatchObject({ created: true, response: { score: 4, kind: 'csat' } })
    const again = await s.call('POST', '/plugins/marketing/record-survey-response', body)
    expect(again.body).toMatchObject({ created: false, response: { id: first.body.response.id } })
    const before = await s.crm.entity('surveyResponse').count()
    expectProblem(
      await s.call('POST', '/plugins/marketing/record-survey-response', { ...body, score: 2 }),
      422,
      'MARKETING_DUPLICATE_RESPONSE',
    )
    expectProblem(
      await s.call('POST', '/plugins/marketing/record-survey-response', {
        ticketId: ticket.id,
        kind: 'nps',
        score: 11,
      }),
      422,
      'MARKETING_INVALID_SURVEY',
    )
    expectProblem(
      await s.call('POST', '/plugins/marketing/record-survey-response', { ticketId: 'tkt_nope', score: 3 }),
      404,
      'NOT_FOUND',
    )
    expect(await s.crm.entity('surveyResponse').count()).toBe(before)
    const nps = await s.call('POST', '/plugins/marketing/record-survey-response', {
      ticketId: ticket.id,
      kind: 'nps',
      score: 9,
    })
    expect(nps.body.created).toBe(true)
    const page = await s.call('POST', '/plugins/marketing/list-survey-responses', {
      ticketId: ticket.id,
      limit: 1,
    })
    const rest = await s.call('POST', '/plugins/marketing/list-survey-responses', {
      ticketId: ticket.id,
      cursor: page.body.nextCursor,
    })
    expect([...page.body.data, ...rest.body.data].map((r: { kind: string }) => r.kind).sort()).toEqual([
      'csat',
      'nps',
    ])
    const csat = await s.call('POST', '/plugins/marketing/list-survey-responses', { kind: 'csat' })
    expect(csat.body.data.map((r: { ticketId: string }) => r.ticketId)).toContain(ticket.id)
  })

  it('describes the KPI and survey operations in /openapi.json', async () => {
    const doc = (await s.call('GET', '/openapi.json')).body
    for (const path of [
      '/plugins/marketing/define-kpi',
      '/plugins/marketing/compute-kpi',
      '/plugins/marketing/kpi-series',
      '/plugins/marketing/list-kpis',
      '/plugins/marketing/alert-kpi',
      '/plugins/marketing/list-kpi-alerts',
      '/plugins/marketing/record-survey-response',
      '/plugins/marketing/list-survey-responses',
    ]) {
      expect(doc.paths[path]?.post, path).toBeDefined()
    }
  })
})
