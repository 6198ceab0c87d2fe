import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Crm } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import { defineOperation } from '@rapport/core/plugin'
import { serve } from '@rapport/server/node'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { RapportMcpOptions } from '../src/index.js'
import { createMcpHttpHandler, createRapportMcpServer } from '../src/index.js'

const reward = defineEntity({
  name: 'reward',
  idPrefix: 'rwd',
  shape: { contactId: z.string(), points: z.int() },
})
const loyalty = definePlugin({
  id: 'loyalty',
  schema: { entities: [reward] },
  expose: {
    entities: ['reward'],
    operations: {
      balance: defineOperation({
        description: 'Points a contact holds',
        effect: 'read',
        input: z.object({ contactId: z.string().describe('The contact') }),
        run: async ({ contactId }, { crm }) => {
          const page = await crm
            .entity('reward')
            .list({ where: { field: 'contactId', op: 'eq', value: contactId } })
          return { points: page.items.reduce((s, r) => s + (r['points'] as number), 0) }
        },
      }),
    },
  },
})

let crm: Crm<any> | undefined
afterEach(async () => {
  await crm?.close()
  crm = undefined
})

async function connect(options: Partial<RapportMcpOptions> = {}) {
  crm = createCrm({ storage: createSqliteStorage({ file: ':memory:' }), plugins: [loyalty] })
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
    // The SDK answers schema violations itself, in plain text; Rapport's own errors are JSON.
    return { isError: result.isError ?? false, value: text.startsWith('{') ? JSON.parse(text) : text }
  }
  return { client, call, crm }
}

describe('MCP tools through the SDK client', () => {
  it('is read-only by default: no write tool is listed, and a write tool call is refused', async () => {
    const { client } = await connect()
    const names = (await client.listTools()).tools.map((t) => t.name).sort()
    expect(names).toEqual([
      'customer_summary',
      'find',
      'get',
      'list',
      'list_deal_contacts',
      'loyalty_balance',
      'pipeline_summary',
      'search',
      'timeline',
      'timeline_figures',
    ])
    const refused = (await client.callTool({ name: 'create_contact', arguments: { firstName: 'X' } })) as {
      isError?: boolean
    }
    expect(refused.isError).toBe(true)
    expect((await crm!.contacts.list()).items).toEqual([])
  })

  it('describes every field of the input schemas it derives from the zod schemas', async () => {
    const { client } = await connect({ writes: ['create_contact', 'log_activity'] })
    const tools = (await client.listTools()).tools
    const create = tools.find((t) => t.name === 'create_contact')!
    expect(create.inputSchema.properties).toHaveProperty('firstName')
    expect(create.inputSchema.properties).toHaveProperty('emails')
    const list = tools.find((t) => t.name === 'list')!
    expect(
      (list.inputSchema.properties as Record<string, { description?: string }>)['filter']!.description,
    ).toMatch(/filter tree/)
    const log = tools.find((t) => t.name === 'log_activity')!
    expect((log.inputSchema.required ?? []) as string[]).not.toContain('occurredAt')
    expect(list.annotations?.readOnlyHint).toBe(true)
  })

  it('creates, finds, logs an activity and reads the timeline as the agent', async () => {
    const { call } = await connect({ writes: 'all' })
    const ada = await call('create_contact', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ address: 'ada@example.com' }],
    })
    expect(ada.isError).toBe(false)
    const found = await call('find', { entity: 'contact', query: 'Lovelace' })
    expect(found.value.data.map((c: { id: string }) => c.id)).toEqual([ada.value.id])
    const logged = await call('log_activity', {
      type: 'call',
      subject: 'Discovery',
      occurredAt: '2026-05-01T10:00:00Z',
      targets: [{ type: 'contact', id: ada.value.id }],
    })
    expect(logged.value.occurredAt).toBe('2026-05-01T10:00:00.000Z')
    const task = await call('create_task', {
      title: 'Send deck',
      targets: [{ type: 'contact', id: ada.value.id }],
    })
    expect(task.isError).toBe(false)
    const timeline = await call('timeline', { entity: 'contact', id: ada.value.id })
    expect(timeline.value.data.map((i: { kind: string }) => i.kind).sort()).toEqual(['activity', 'task'])
    const stale = await call('update_contact', {
      id: ada.value.id,
      expectedVersion: 9,
      patch: { title: 'CTO' },
    })
    expect(stale).toMatchObject({ isError: true, value: { code: 'VERSION_CONFLICT' } })
    const bad = await call('create_contact', { bogus: 1 })
    expect(bad).toMatchObject({ isError: true, value: expect.stringMatching(/Unrecognized key: "bogus"/) })
    expect((await crm!.contacts.list()).items).toHaveLength(1)
  })

  it('moves a deal and explains a refused move with the guard and the missing fields', async () => {
    const { call } = await connect({ writes: ['move_stage', 'create_deal'] })
    const pipeline = await crm!.pipelines.create({
      name: 'Sales',
      stages: [
        { name: 'New', probability: 10 },
        { name: 'Proposal', probability: 50, requiredFields: ['amount'] },
        { name: 'Won', kind: 'won', probability: 100 },
      ],
    })
    const [first, proposal] = pipeline.stages
    const deal = await call('create_deal', { name: 'Deal', pipelineId: pipeline.id, stageId: first!.id })
    const refused = await call('move_stage', { entity: 'deal', id: deal.value.id, stageId: proposal!.id })
    expect(refused).toMatchObject({
      isError: true,
      value: { code: 'INVALID_TRANSITION', details: { guard: 'requiredFields', missingFields: ['amount'] } },
    })
    const moved = await call('move_stage', {
      entity: 'deal',
      id: deal.value.id,
      stageId: proposal!.id,
      fields: { amount: { amountMinor: 1000, currency: 'EUR' } },
    })
    expect(moved.value.stageId).toBe(proposal!.id)
    const summary = await call('pipeline_summary', { pipelineId: pipeline.id })
    expect(summary.value.deals).toBe(1)
  })

  it('puts contacts on a deal, moves it to another pipeline and answers a ticket, as the REST server does', async () => {
    const { call, client } = await connect({
      writes: ['add_deal_contact', 'remove_deal_contact', 'change_pipeline', 'record_ticket_response'],
    })
    const names = (await client.listTools()).tools.map((t) => t.name)
    expect(names).toEqual(
      expect.arrayContaining(['add_deal_contact', 'change_pipeline', 'record_ticket_response']),
    )
    const sales = await crm!.pipelines.create({
      name: 'Sales',
      stages: [{ name: 'New' }, { name: 'Won', kind: 'won' }],
    })
    const renewals = await crm!.pipelines.create({
      name: 'Renewals',
      stages: [{ name: 'Due' }, { name: 'Renewed', kind: 'won' }],
    })
    const deal = await crm!.deals.create({ name: 'Deal', pipelineId: sales.id, stageId: sales.stages[0]!.id })
    const ada = await crm!.contacts.create({ firstName: 'Ada' })

    const added = await call('add_deal_contact', { dealId: deal.id, contactId: ada.id, role: 'champion' })
    expect(added).toMatchObject({
      isError: false,
      value: { dealId: deal.id, contactId: ada.id, role: 'champion' },
    })
    const listed = await call('list_deal_contacts', { dealId: deal.id })
    expect(listed.value.data.map((e: { contact: { id: string } }) => e.contact.id)).toEqual([ada.id])
    const notOnDeal = await call('remove_deal_contact', { dealId: deal.id, contactId: 'con_missing' })
    expect(notOnDeal).toMatchObject({ isError: true, value: { code: 'NOT_FOUND' } })
    expect(await crm!.deals.listContacts(deal.id)).toHaveLength(1)
    expect((await call('remove_deal_contact', { dealId: deal.id, contactId: ada.id })).value.removed).toBe(
      true,
    )
    expect(await crm!.deals.listContacts(deal.id)).toEqual([])

    const unmapped = await call('change_pipeline', {
      entity: 'deal',
      id: deal.id,
      pipelineId: renewals.id,
      stageMapping: {},
    })
    expect(unmapped).toMatchObject({ isError: true, value: { code: 'INVALID_TRANSITION' } })
    expect((await crm!.deals.get(deal.id)).pipelineId).toBe(sales.id)
    const changed = await call('change_pipeline', {
      entity: 'deal',
      id: deal.id,
      pipelineId: renewals.id,
      stageMapping: { [sales.stages[0]!.id]: renewals.stages[0]!.id },
      reason: 'renewal',
    })
    expect(changed.value).toMatchObject({ pipelineId: renewals.id, stageId: renewals.stages[0]!.id })

    const ticket = await crm!.tickets.create({ subject: 'Cannot log in' })
    const answered = await call('record_ticket_response', { id: ticket.id, at: '2026-05-01T10:00:00Z' })
    expect(answered.value.firstRespondedAt).toBe('2026-05-01T10:00:00.000Z')
    const again = await call('record_ticket_response', { id: ticket.id, at: '2026-05-02T10:00:00Z' })
    expect(again.value.firstRespondedAt).toBe('2026-05-01T10:00:00.000Z')
  })

  it('runs plugin operations as tools and refuses unknown write names', async () => {
    const { call } = await connect()
    const ada = await crm!.contacts.create({ firstName: 'Ada' })
    await crm!.entity('reward').create({ contactId: ada.id, points: 7 })
    expect((await call('loyalty_balance', { contactId: ada.id })).value).toEqual({ points: 7 })
    expect(() => createRapportMcpServer({ crm: crm!, actor: null, writes: ['drop_tables'] })).toThrow(
      /Unknown write tools/,
    )
  })

  it('serves streamable HTTP, each request as its own actor', async () => {
    crm = createCrm({ storage: createSqliteStorage({ file: ':memory:' }) })
    await crm.migrate()
    await crm.scoped({ actor: { id: 'u1' } }).contacts.create({ firstName: 'Mine', ownerId: 'u1' })
    await crm.scoped({ actor: { id: 'u2' } }).contacts.create({ firstName: 'Theirs', ownerId: 'u2' })
    const handler = createMcpHttpHandler({
      crm,
      authenticate: (req) => {
        const key = req.headers.get('authorization')
        return key === 'Bearer k1' ? { actor: { id: 'u1' } } : null
      },
    })
    const http = await serve({ fetch: handler })
    try {
      const client = new Client({ name: 'http-test', version: '1' })
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.url), {
          requestInit: { headers: { authorization: 'Bearer k1' } },
        }),
      )
      const result = (await client.callTool({
        name: 'list',
        arguments: { entity: 'contact', filter: { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } } },
      })) as { content: { text: string }[] }
      expect(JSON.parse(result.content[0]!.text).data.map((c: { firstName: string }) => c.firstName)).toEqual(
        ['Mine'],
      )
      await client.close()
      const anonymous = await fetch(http.url, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
      expect(anonymous.status).toBe(401)
    } finally {
      await http.close()
    }
  })
})
