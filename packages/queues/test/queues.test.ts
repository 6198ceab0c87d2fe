import { automationPlugin, createInProcessQueue } from '@rapport/automation'
import type { CrmPlugin } from '@rapport/core'
import { definePlugin, isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueMemberScope, queuesPlugin } from '../src/index.js'

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (isRapportError(e) ? e.code : e),
  )

const open = (adapter: (typeof ADAPTERS)[number], extra: readonly CrmPlugin[] = []) =>
  openCrm(adapter, [queuesPlugin(), ...extra] as const)
type Opened = Awaited<ReturnType<typeof open>>

async function allLeads(t: Opened) {
  const rows: unknown[] = []
  for await (const row of t.crm.leads.iterate({ orderBy: [{ field: 'id', direction: 'asc' }] }))
    rows.push(row)
  return rows
}

describe.each(ADAPTERS)('queues on $name', (adapter) => {
  let t: Opened
  let triage: { id: string }
  const events: { type: string; payload: unknown }[] = []
  beforeAll(async () => {
    t = await open(adapter)
    for (const type of ['queue.routed', 'queue.claimed', 'queue.released']) {
      t.crm.events.on(type as never, (payload: unknown) => {
        events.push({ type, payload })
      })
    }
    triage = await t.crm.plugins.queues.create({
      name: 'Triage',
      entities: ['lead', 'ticket'],
      members: ['ann', 'bob', 'cy'],
    })
  })
  afterAll(() => t.dispose())

  it('an owner can be a queue: its records are listed as unowned, oldest first, and routing is announced', async () => {
    const a = await t.crm.leads.create({ lastName: 'Wu', ownerId: triage.id })
    t.tick()
    const b = await t.crm.leads.create({ lastName: 'Li' })
    await t.crm.plugins.queues.route('lead', b.id, triage.id)
    await t.crm.leads.create({ lastName: 'Owned', ownerId: 'ann' })
    const page = await t.crm.plugins.queues.unowned(triage.id, { entity: 'lead' })
    expect(page.items.map((r) => r['id'])).toEqual([a.id, b.id])
    const filtered = await t.crm.plugins.queues.unowned(triage.id, {
      entity: 'lead',
      where: { field: 'lastName', op: 'eq', value: 'Li' },
    })
    expect(filtered.items.map((r) => r['id'])).toEqual([b.id])
    const routed = events.filter((e) => e.type === 'queue.routed').map((e) => e.payload)
    expect(routed).toEqual([
      expect.objectContaining({ queueId: triage.id, entity: 'lead', recordId: a.id, field: 'ownerId' }),
      expect.objectContaining({ queueId: triage.id, entity: 'lead', recordId: b.id, field: 'ownerId' }),
    ])
    // Tickets are queued by their assignee.
    const ticket = await t.crm.tickets.create({ subject: 'Cannot log in', assigneeId: triage.id })
    const tickets = await t.crm.plugins.queues.unowned(triage.id, { entity: 'ticket' })
    expect(tickets.items.map((r) => r['id'])).toEqual([ticket.id])
  })

  it('a write naming a bad queue is a typed error and writes nothing', async () => {
    const parked = await t.crm.plugins.queues.create({ name: 'Parked', entities: ['company'] })
    const closed = await t.crm.plugins.queues.create({ name: 'Closed', entities: ['lead'] })
    await t.crm.entity('queue').update(closed.id, { active: false })
    const lead = await t.crm.leads.create({ lastName: 'Stays', ownerId: 'bob' })
    const before = await allLeads(t)
    expect(await codeOf(t.crm.leads.create({ lastName: 'X', ownerId: 'que_NOPE' }))).toBe(
      'QUEUES_UNKNOWN_QUEUE',
    )
    expect(await codeOf(t.crm.leads.create({ lastName: 'X', ownerId: parked.id }))).toBe(
      'QUEUES_ENTITY_NOT_SERVED',
    )
    expect(await codeOf(t.crm.leads.update(lead.id, { ownerId: closed.id }))).toBe('QUEUES_QUEUE_INACTIVE')
    expect(
      await codeOf(t.crm.leads.createMany([{ lastName: 'Y' }, { lastName: 'Z', ownerId: 'que_NOPE' }])),
    ).toBe('QUEUES_UNKNOWN_QUEUE')
    expect(await allLeads(t)).toEqual(before)
    const queues = await t.crm.entity('queue').count()
    expect(await codeOf(t.crm.plugins.queues.create({ name: 'Suppliers', entities: ['supplier'] }))).toBe(
      'QUEUES_NO_OWNER_FIELD',
    )
    expect(await codeOf(t.crm.plugins.queues.create({ name: 'Triage', entities: ['lead'] }))).not.toBe(
      'no error',
    )
    expect(await t.crm.entity('queue').count()).toBe(queues)
    // A queue still owning records cannot be deleted.
    expect(await codeOf(t.crm.entity('queue').delete(triage.id))).toBe('QUEUES_QUEUE_NOT_EMPTY')
    expect(await t.crm.entity('queue').find(triage.id)).not.toBeNull()
  })

  it('only members claim; a claim moves the owner to the claimer and is announced', async () => {
    const lead = await t.crm.leads.create({ lastName: 'Claimable', ownerId: triage.id })
    const untouched = await t.crm.leads.get(lead.id)
    expect(await codeOf(t.crm.plugins.queues.as('mallory').claim('lead', lead.id))).toBe(
      'QUEUES_NOT_A_MEMBER',
    )
    expect(await t.crm.leads.get(lead.id)).toEqual(untouched)
    const claimed = await t.crm.plugins.queues.as('ann').claim('lead', lead.id)
    expect(claimed['ownerId']).toBe('ann')
    expect(events.filter((e) => e.type === 'queue.claimed').at(-1)?.payload).toEqual({
      queueId: triage.id,
      entity: 'lead',
      recordId: lead.id,
      userId: 'ann',
    })
    // Claimed records are no longer in the queue, and cannot be claimed again.
    const page = await t.crm.plugins.queues.unowned(triage.id, { entity: 'lead', limit: 1000 })
    expect(page.items.map((r) => r['id'])).not.toContain(lead.id)
    expect(await codeOf(t.crm.plugins.queues.as('bob').claim('lead', lead.id))).toBe('QUEUES_ALREADY_CLAIMED')
    expect(await codeOf(t.crm.plugins.queues.as('bob').claim('lead', 'led_NOPE'))).toBe('NOT_FOUND')
    expect(await codeOf(t.crm.plugins.queues.as('bob').claim('supplier', lead.id))).toBe(
      'QUEUES_NO_OWNER_FIELD',
    )
  })

  it('a claim race has exactly one winner; the others get QUEUES_ALREADY_CLAIMED', async () => {
    const claimers = ['ann', 'bob', 'cy']
    for (let round = 0; round < 5; round++) {
      const lead = await t.crm.leads.create({ lastName: `Race ${round}`, ownerId: triage.id })
      const outcomes = await Promise.allSettled(
        claimers.map((who) => t.crm.plugins.queues.as(who).claim('lead', lead.id)),
      )
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [claimers[i]] : []))
      const losers = outcomes.flatMap((o) =>
        o.status === 'rejected' ? [isRapportError(o.reason) ? o.reason.code : o.reason] : [],
      )
      expect(winners).toHaveLength(1)
      expect(losers).toEqual(['QUEUES_ALREADY_CLAIMED', 'QUEUES_ALREADY_CLAIMED'])
      const stored = await t.crm.leads.get(lead.id)
      expect(stored.ownerId).toBe(winners[0])
      expect(stored.version).toBe(lead.version + 1)
    }
  })

  it('claimNext hands out each queued record once, then null; release puts a record back', async () => {
    const queue = await t.crm.plugins.queues.create({
      name: 'Inbound',
      entities: ['lead'],
      members: ['ann', 'bob'],
    })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      ids.push((await t.crm.leads.create({ lastName: `In ${i}`, ownerId: queue.id })).id)
      t.tick()
    }
    const got = await Promise.all(
      ['ann', 'bob', 'ann', 'bob', 'ann'].map((who) =>
        t.crm.plugins.queues.as(who).claimNext(queue.id, 'lead'),
      ),
    )
    const taken = got.flatMap((r) => (r ? [r['id'] as string] : []))
    expect([...taken].sort()).toEqual([...ids].sort())
    expect(got.filter((r) => r === null)).toHaveLength(1)
    expect(await codeOf(t.crm.plugins.queues.as('cy').claimNext(queue.id, 'lead'))).toBe(
      'QUEUES_NOT_A_MEMBER',
    )

    const mine = got.find((r) => r?.['ownerId'] === 'ann') as Record<string, unknown>
    const id = mine['id'] as string
    expect(await codeOf(t.crm.plugins.queues.as('bob').release('lead', id, queue.id))).toBe(
      'QUEUES_NOT_OWNER',
    )
    expect((await t.crm.leads.get(id)).ownerId).toBe('ann')
    const back = await t.crm.plugins.queues.as('ann').release('lead', id, queue.id)
    expect(back['ownerId']).toBe(queue.id)
    expect(events.filter((e) => e.type === 'queue.released').at(-1)?.payload).toEqual({
      queueId: queue.id,
      entity: 'lead',
      recordId: id,
      userId: 'ann',
    })
    expect((await t.crm.plugins.queues.as('bob').claimNext(queue.id, 'lead'))?.['id']).toBe(id)
  })

  it('membership: added once, listed, removed; a removed member can no longer claim', async () => {
    const queue = await t.crm.plugins.queues.create({ name: 'Members', entities: ['lead'], members: ['ann'] })
    await t.crm.plugins.queues.addMember(queue.id, 'dee')
    await t.crm.plugins.queues.addMember(queue.id, 'dee')
    expect(await t.crm.plugins.queues.members(queue.id)).toEqual(['ann', 'dee'])
    expect((await t.crm.plugins.queues.as('dee').queues()).map((q) => q.name)).toEqual(['Members'])
    expect(await t.crm.plugins.queues.removeMember(queue.id, 'dee')).toBe(true)
    expect(await t.crm.plugins.queues.removeMember(queue.id, 'dee')).toBe(false)
    const lead = await t.crm.leads.create({ lastName: 'Late', ownerId: queue.id })
    expect(await codeOf(t.crm.plugins.queues.as('dee').claim('lead', lead.id))).toBe('QUEUES_NOT_A_MEMBER')
    expect(await codeOf(t.crm.plugins.queues.addMember('que_NOPE', 'dee'))).toBe('NOT_FOUND')
  })
})

/** An access policy: users read and write their own leads, plus those of the queues they are members of. */
const ownOrQueued = definePlugin({
  id: 'ownOrQueued',
  access: {
    scope: ({ actor, entity }) => {
      if (entity !== 'lead' || !actor || actor.id === 'queues') return null
      return { or: [{ field: 'ownerId', op: 'eq', value: actor.id }, queueMemberScope(actor.id)] }
    },
  },
})

describe.each(ADAPTERS)('queues under an access policy on $name', (adapter) => {
  let t: Opened
  beforeAll(async () => {
    t = await open(adapter, [ownOrQueued])
  })
  afterAll(() => t.dispose())

  it('members see their queues’ records; others get NOT_FOUND; a claimed record leaves the others’ view', async () => {
    const sales = await t.crm.plugins.queues.create({
      name: 'Sales',
      entities: ['lead'],
      members: ['ann', 'bob'],
    })
    const other = await t.crm.plugins.queues.create({ name: 'Other', entities: ['lead'], members: ['cy'] })
    const lead = await t.crm.leads.create({ lastName: 'Queued', ownerId: sales.id })
    await t.crm.leads.create({ lastName: 'Elsewhere', ownerId: other.id })
    const q = t.crm.plugins.queues
    const visible = async (who: string) =>
      (await q.as(who).unowned(sales.id, { entity: 'lead' })).items.map((r) => r['lastName'])
    expect(await visible('ann')).toEqual(['Queued'])
    expect(await visible('cy')).toEqual([])
    expect(await codeOf(q.as('cy').claim('lead', lead.id))).toBe('NOT_FOUND')
    expect((await t.crm.leads.get(lead.id)).ownerId).toBe(sales.id)

    expect((await q.as('bob').claim('lead', lead.id))['ownerId']).toBe('bob')
    expect(await visible('ann')).toEqual([])
    // Ann can no longer see it at all: the claim is announced to her as a lost race, not as its new owner.
    expect(await codeOf(q.as('ann').claim('lead', lead.id))).toBe('NOT_FOUND')
    const bobs = t.crm.scoped({ actor: { id: 'bob' } })
    expect((await bobs.leads.get(lead.id)).ownerId).toBe('bob')
  })
})

describe.each(ADAPTERS)('assignment rules route to a queue on $name', (adapter) => {
  it('an automation rule puts new leads into a queue, and a member claims one', async () => {
    const engine = automationPlugin({ queue: createInProcessQueue(), entities: ['lead'] })
    const t = await openCrm(adapter, [queuesPlugin(), engine] as const)
    try {
      const queue = await t.crm.plugins.queues.create({
        name: 'Web leads',
        entities: ['lead'],
        members: ['ann'],
      })
      t.crm.plugins.automation.register({
        id: 'route-web',
        name: 'Web leads go to the queue',
        entity: 'lead',
        trigger: { type: 'record', events: ['created'] },
        conditions: { field: 'source', op: 'eq', value: 'web' },
        actions: [{ type: 'assignOwner', strategy: { kind: 'queue', queueId: queue.id } }],
      })
      const web = await t.crm.leads.create({ lastName: 'Web', source: 'web' })
      const fair = await t.crm.leads.create({ lastName: 'Fair', source: 'event' })
      await t.crm.plugins.automation.runDue()
      expect((await t.crm.leads.get(web.id)).ownerId).toBe(queue.id)
      expect((await t.crm.leads.get(fair.id)).ownerId ?? null).toBeNull()
      expect((await t.crm.plugins.queues.as('ann').claimNext(queue.id, 'lead'))?.['id']).toBe(web.id)
      // A rule naming something that is not a queue id is refused at registration.
      expect(() =>
        t.crm.plugins.automation.register({
          id: 'bad',
          name: 'Bad',
          entity: 'lead',
          trigger: { type: 'record', events: ['created'] },
          actions: [{ type: 'assignOwner', strategy: { kind: 'queue', queueId: 'ann' } }],
        }),
      ).toThrow(expect.objectContaining({ code: 'AUTOMATION_INVALID_RULE' }))
    } finally {
      await t.dispose()
    }
  })
})
