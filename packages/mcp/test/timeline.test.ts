import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { seedTimelineStory, timelinePages } from '@rapport/core/testing'
import type { TimelineSubject } from '@rapport/core/timeline'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import type { RapportMcpOptions } from '../src/index.js'
import { createRapportMcpServer } from '../src/index.js'

let crm: Crm | undefined
afterEach(async () => {
  await crm?.close()
  crm = undefined
})

/** A CRM with `seedTimelineStory`'s customer: seven entries share one instant. */
async function world() {
  crm = createCrm({ storage: createSqliteStorage({ file: ':memory:' }), actor: { id: 'system' } })
  await crm.migrate()
  const story = await seedTimelineStory(crm)
  return { crm, story, ada: story.contactId, acme: story.companyId }
}

async function client(options: Partial<RapportMcpOptions> = {}) {
  const server = createRapportMcpServer({ crm: crm!, actor: { id: 'agent' }, ...options })
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair()
  await server.connect(serverSide)
  const c = new Client({ name: 'test', version: '1' })
  await c.connect(clientSide)
  return async (name: string, args: Record<string, unknown>) => {
    const result = (await c.callTool({ name, arguments: args })) as {
      isError?: boolean
      content: { text: string }[]
    }
    const text = result.content[0]!.text
    return { isError: result.isError ?? false, value: text.startsWith('{') ? JSON.parse(text) : text }
  }
}

type Call = Awaited<ReturnType<typeof client>>

/** Every page through the tool, following nextCursor. */
async function toolPages(call: Call, entity: string, id: string, limit: number, kinds?: string[]) {
  const pages: { data: { id: string; kind: string; at: string }[]; nextCursor: string | null }[] = []
  let cursor: string | null = null
  do {
    const res = await call('timeline', {
      entity,
      id,
      limit,
      ...(cursor ? { cursor } : {}),
      ...(kinds ? { kinds } : {}),
    })
    expect(res.isError).toBe(false)
    pages.push(res.value)
    cursor = res.value.nextCursor
  } while (cursor !== null && pages.length < 100)
  return pages
}

/** Every page of `crm.timeline` read directly as the agent, in the JSON form the tool sends. */
async function corePages(subject: TimelineSubject, limit: number, kinds?: string[]) {
  const pages = await timelinePages(crm!.scoped({ actor: { id: 'agent' } }), subject, {
    limit,
    ...(kinds ? { kinds } : {}),
  })
  return JSON.parse(JSON.stringify(pages.map((p) => ({ data: p.items, nextCursor: p.nextCursor }))))
}

describe('the timeline tools: crm.timeline for agents', () => {
  it('pages through ties at the page boundary with every entry once, exactly as crm.timeline does', async () => {
    const w = await world()
    const call = await client()
    const [whole] = await toolPages(call, 'contact', w.ada, 100)
    const all = whole!.data
    expect(new Set(all.map((e) => e.kind))).toEqual(
      new Set(['activity', 'order', 'task', 'deal', 'stageChange', 'ticket']),
    )
    expect(all).toHaveLength(w.story.entries)
    expect(all.filter((e) => e.at === w.story.tie.toISOString())).toHaveLength(7)
    for (const limit of [1, 2, 3, 4]) {
      const pages = await toolPages(call, 'contact', w.ada, limit)
      expect(pages.flatMap((p) => p.data.map((e) => e.id))).toEqual(all.map((e) => e.id))
      expect(pages).toEqual(await corePages({ type: 'contact', id: w.ada }, limit))
    }
    expect(await toolPages(call, 'company', w.acme, 3)).toEqual(
      await corePages({ type: 'company', id: w.acme }, 3),
    )
  })

  it('filters by kind, and answers core’s typed errors', async () => {
    const w = await world()
    const call = await client()
    const pages = await toolPages(call, 'contact', w.ada, 2, ['deal', 'ticket'])
    expect(pages.flatMap((p) => p.data.map((e) => e.kind)).sort()).toEqual(['deal', 'ticket'])
    expect(pages).toEqual(await corePages({ type: 'contact', id: w.ada }, 2, ['deal', 'ticket']))
    expect(await call('timeline', { entity: 'contact', id: w.ada, kinds: ['nope'] })).toMatchObject({
      isError: true,
      value: { code: 'VALIDATION_FAILED' },
    })
    expect(await call('timeline', { entity: 'contact', id: w.ada, cursor: 'garbage!' })).toMatchObject({
      isError: true,
      value: { code: 'INVALID_CURSOR' },
    })
    // Only contacts and companies have a timeline.
    expect((await call('timeline', { entity: 'deal', id: 'deal_x' })).isError).toBe(true)
  })

  it('answers a record outside the agent’s tenant exactly as a missing one', async () => {
    const w = await world()
    const call = await client({ tenantId: 'other' })
    for (const tool of ['timeline', 'timeline_figures']) {
      const hidden = await call(tool, { entity: 'contact', id: w.ada })
      const missing = await call(tool, { entity: 'contact', id: 'con_missing' })
      expect(hidden).toMatchObject({ isError: true, value: { code: 'NOT_FOUND' } })
      expect(JSON.stringify(hidden).replaceAll(w.ada, '<id>')).toBe(
        JSON.stringify(missing).replaceAll('con_missing', '<id>'),
      )
    }
  })

  it('gives the key figures as crm.timeline.figures computes them, with the health scorer', async () => {
    const w = await world()
    const call = await client({ timelineHealthScore: (f) => f.completedOrders * 10 })
    const res = await call('timeline_figures', { entity: 'contact', id: w.ada })
    const figures = await crm!
      .scoped({ actor: { id: 'agent' } })
      .timeline.figures({ type: 'contact', id: w.ada })
    expect(res.value).toEqual(JSON.parse(JSON.stringify({ ...figures, healthScore: 30 })))
    expect(res.value).toMatchObject({ openDeals: 1, lifetimeRevenue: { EUR: 6_000 }, completedOrders: 3 })
  })
})
