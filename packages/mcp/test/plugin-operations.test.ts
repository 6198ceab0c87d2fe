import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { marketingPlugin } from '@rapport/marketing'
import { receivablesPlugin } from '@rapport/sales/receivables'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import type { RapportMcpOptions } from '../src/index.js'
import { createRapportMcpServer } from '../src/index.js'

let crm: Crm<any> | undefined
afterEach(async () => {
  await crm?.close()
  crm = undefined
})

async function connect(options: Partial<RapportMcpOptions> = {}) {
  crm = createCrm({
    storage: createSqliteStorage({ file: ':memory:' }),
    plugins: [receivablesPlugin(), marketingPlugin()],
  })
  await crm.migrate()
  const server = createRapportMcpServer({ crm, actor: { id: 'agent' }, ...options })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const client = new Client({ name: 'test', version: '1' })
  await client.connect(clientSide)
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as {
      isError?: boolean
      content: { text: string }[]
    }
    const text = result.content[0]!.text
    return {
      isError: result.isError ?? false,
      value: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
    }
  }
  return { client, call, crm }
}

/** An approved 1,000.00 EUR contract, set up by the host (contracts are not among the agent's writable entities). */
async function approvedContract(services: Crm<any>) {
  const contract = await services.entity('contract').create({
    name: 'ACME 2026',
    currency: 'EUR',
    amountMinor: 100_000,
    startDate: '2026-01-01',
    endDate: '2026-12-31',
  })
  await services.entity('contract').update(contract['id'] as string, { status: 'pending_approval' })
  await services.entity('contract').update(contract['id'] as string, { status: 'approved' })
  return contract['id'] as string
}

describe('MCP: sales and marketing operations through the SDK client', () => {
  it('lists only the read operations by default, each described, and refuses a write', async () => {
    const { client, call } = await connect()
    const tools = (await client.listTools()).tools
    const names = tools.map((t) => t.name)
    for (const read of [
      'receivables_balance',
      'receivables_installments',
      'receivables_aging',
      'marketing_count_members',
      'marketing_list_members',
      'marketing_stats',
      'marketing_roi',
    ]) {
      expect(names).toContain(read)
    }
    for (const write of ['receivables_record_payment', 'receivables_plan_installments', 'marketing_target']) {
      expect(names).not.toContain(write)
    }
    const aging = tools.find((t) => t.name === 'receivables_aging')!
    expect(aging.annotations?.readOnlyHint).toBe(true)
    expect(
      (aging.inputSchema.properties as Record<string, { description?: string }>)['asOf']!.description,
    ).toMatch(/day/)
    const id = await approvedContract(crm!)
    const refused = await call('receivables_record_payment', {
      id,
      amountMinor: 100,
      currency: 'EUR',
      receivedOn: '2026-02-01',
    })
    expect(refused.isError).toBe(true)
    expect(await crm!.entity('payment').count()).toBe(0)
  })

  it('plans a contract, records a payment and reads balance and aging when writes are switched on', async () => {
    const { call } = await connect({
      writes: ['receivables_plan_installments', 'receivables_record_payment'],
    })
    const id = await approvedContract(crm!)
    const plan = await call('receivables_plan_installments', {
      id,
      terms: [
        { percent: 50, dueDate: '2026-02-28' },
        { balance: true, dueDate: '2026-08-31' },
      ],
    })
    expect(plan.isError, JSON.stringify(plan.value)).toBe(false)
    expect(plan.value.map((i: { amountMinor: number }) => i.amountMinor)).toEqual([50_000, 50_000])
    const paid = await call('receivables_record_payment', {
      id,
      amountMinor: 20_000,
      currency: 'EUR',
      receivedOn: '2026-02-10',
    })
    expect(paid.isError, JSON.stringify(paid.value)).toBe(false)
    expect((await call('receivables_balance', { id })).value).toMatchObject({
      receivedMinor: 20_000,
      unreceivedMinor: 80_000,
    })
    const aging = await call('receivables_aging', { asOf: '2026-04-01', currency: 'EUR' })
    expect(aging.value.lines.find((l: { bucket: string }) => l.bucket === '31-60')).toMatchObject({
      installments: 1,
      outstandingMinor: 30_000,
    })

    const wrongCurrency = await call('receivables_record_payment', {
      id,
      amountMinor: 100,
      currency: 'USD',
      receivedOn: '2026-02-11',
    })
    expect(wrongCurrency).toMatchObject({ isError: true, value: { code: 'SALES_CURRENCY_MISMATCH' } })
    expect(await crm!.entity('payment').count()).toBe(1)
  })

  it('counts a segment and targets a campaign as the agent', async () => {
    const { call } = await connect({ writes: ['marketing_target'] })
    await crm!.contacts.create({ firstName: 'Vi', tags: ['vip'] })
    await crm!.contacts.create({ firstName: 'Norm' })
    const segment = await crm!.entity('segment').create({
      name: 'VIP',
      entity: 'contact',
      kind: 'dynamic',
      filter: { field: 'tags', op: 'eq', value: 'vip' },
    })
    expect((await call('marketing_count_members', { id: segment.id })).value).toEqual({ count: 1 })
    const page = await call('marketing_list_members', { id: segment.id, limit: 10 })
    expect(page.value.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Vi'])
    const campaign = await crm!.entity('campaign').create({ name: 'Launch' })
    const targeted = await call('marketing_target', { id: campaign.id, segmentId: segment.id })
    expect(targeted.value).toMatchObject({ added: 1 })
    expect((await call('marketing_stats', { id: campaign.id })).isError).toBe(false)
    const missing = await call('marketing_count_members', { id: 'seg_nope' })
    expect(missing).toMatchObject({ isError: true, value: { code: 'NOT_FOUND' } })
  })
})

describe('MCP: KPI and survey tools through the SDK client', () => {
  it('offers the KPI and survey reads by default and refuses the writes', async () => {
    const { client, call } = await connect()
    const names = (await client.listTools()).tools.map((t) => t.name)
    for (const read of [
      'marketing_list_kpis',
      'marketing_kpi_series',
      'marketing_list_kpi_alerts',
      'marketing_list_survey_responses',
    ]) {
      expect(names).toContain(read)
    }
    for (const write of [
      'marketing_define_kpi',
      'marketing_compute_kpi',
      'marketing_alert_kpi',
      'marketing_remove_kpi_alert',
      'marketing_record_survey_response',
    ]) {
      expect(names).not.toContain(write)
    }
    const ticket = await crm!.tickets.create({ subject: 'Slow export' })
    const refused = await call('marketing_record_survey_response', { ticketId: ticket.id, score: 5 })
    expect(refused.isError).toBe(true)
    expect(await crm!.entity('surveyResponse').count()).toBe(0)
    expect((await call('marketing_list_kpis', {})).value).toEqual({ data: [] })
  })

  it('defines and computes a KPI, reads its series and records survey responses when writes are switched on', async () => {
    const { call } = await connect({
      writes: ['marketing_define_kpi', 'marketing_compute_kpi', 'marketing_record_survey_response'],
    })
    const ticket = await crm!.tickets.create({ subject: 'Slow export' })
    const recorded = await call('marketing_record_survey_response', { ticketId: ticket.id, score: 5 })
    expect(recorded.isError, JSON.stringify(recorded.value)).toBe(false)
    expect(recorded.value).toMatchObject({ created: true, response: { kind: 'csat', score: 5 } })
    const bad = await call('marketing_record_survey_response', {
      ticketId: ticket.id,
      kind: 'nps',
      score: 42,
    })
    expect(bad).toMatchObject({ isError: true, value: { code: 'MARKETING_INVALID_SURVEY' } })
    const responses = await call('marketing_list_survey_responses', { ticketId: ticket.id })
    expect(responses.value.data.map((r: { score: number }) => r.score)).toEqual([5])

    const defined = await call('marketing_define_kpi', {
      key: 'csat',
      name: 'CSAT',
      metric: 'csat',
      units: ['day'],
    })
    expect(defined.isError, JSON.stringify(defined.value)).toBe(false)
    const point = await call('marketing_compute_kpi', { key: 'csat', unit: 'day' })
    expect(point.isError, JSON.stringify(point.value)).toBe(false)
    const series = await call('marketing_kpi_series', { key: 'csat', unit: 'day' })
    expect(series.value.data).toHaveLength(1)
    expect(series.value.data[0].periodStart).toBe(point.value.periodStart)
    const unknown = await call('marketing_compute_kpi', { key: 'nope', unit: 'day' })
    expect(unknown).toMatchObject({ isError: true, value: { code: 'MARKETING_INVALID_KPI' } })
    expect(await crm!.entity('kpiValue').count()).toBe(1)
  })
})
