import { isRapportError } from '@rapport/core'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordMergedEvent } from '../src/index.js'
import { dataQualityPlugin } from '../src/index.js'

const plugins = [dataQualityPlugin({ defaultRegion: 'US' })] as const

describe.each(ADAPTERS)('merge on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  })
  afterAll(() => t.dispose())

  async function world() {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const pipeline = await crm.pipelines.create({ name: `P${Math.random()}`, stages: [{ name: 'Open' }] })
    const stageId = pipeline.stages[0]?.id as string
    const survivor = await dq.skipDuplicateCheck(() =>
      crm.contacts.create({
        firstName: 'Dora',
        lastName: 'Ma',
        emails: [{ address: 'dora@ma.dev', primary: true }],
        tags: ['vip'],
      }),
    )
    t.tick()
    const loser1 = await dq.skipDuplicateCheck(() =>
      crm.contacts.create({
        firstName: 'Dora',
        lastName: 'Ma',
        title: 'CTO',
        emails: [{ address: 'DORA@ma.dev' }, { address: 'dora.ma@gmail.com', primary: true }],
        phones: [{ number: '(415) 555-0101' }],
        tags: ['lead', 'vip'],
      }),
    )
    t.tick()
    const loser2 = await dq.skipDuplicateCheck(() =>
      crm.contacts.create({
        firstName: 'D.',
        lastName: 'Ma',
        title: 'Founder',
        emails: [{ address: 'd@ma.dev' }],
      }),
    )
    const both = await crm.deals.create({ name: 'Both', pipelineId: pipeline.id, stageId })
    await crm.deals.addContact(both.id, survivor.id)
    await crm.deals.addContact(both.id, loser1.id)
    const only = await crm.deals.create({ name: 'Only loser', pipelineId: pipeline.id, stageId })
    await crm.deals.addContact(only.id, loser2.id)
    const call = await crm.activities.create({
      type: 'call',
      subject: 'Intro',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
      targets: [{ type: 'contact', id: loser1.id }],
    })
    const meeting = await crm.activities.create({
      type: 'meeting',
      subject: 'Demo',
      occurredAt: new Date('2026-03-01T11:00:00Z'),
      targets: [
        { type: 'contact', id: survivor.id },
        { type: 'contact', id: loser2.id },
      ],
    })
    return { survivor, loser1, loser2, both, only, call, meeting }
  }

  it('re-parents every relation in one transaction and loses nothing', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const w = await world()
    const events: RecordMergedEvent[] = []
    crm.events.on('record.merged', (e) => {
      events.push(e as RecordMergedEvent)
    })
    const result = await dq.merge({
      entity: 'contact',
      survivorId: w.survivor.id,
      loserIds: [w.loser1.id, w.loser2.id],
    })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      entity: 'contact',
      survivorId: w.survivor.id,
      loserIds: [w.loser1.id, w.loser2.id],
      before: result.before,
      after: result.survivor,
    })
    expect(result.survivor).toMatchObject({
      firstName: 'Dora',
      title: 'Founder', // nonEmptyFirst: the survivor has none; the most recently updated loser wins
      tags: ['vip', 'lead'],
      emails: [
        { address: 'dora@ma.dev', primary: true },
        { address: 'dora.ma@gmail.com' },
        { address: 'd@ma.dev' },
      ],
      phones: [{ number: '+14155550101' }],
    })
    expect(result.before.map((r) => r['id'])).toEqual([w.survivor.id, w.loser1.id, w.loser2.id])
    expect(result.droppedLinks).toBe(1)
    expect((await crm.deals.listContacts(w.both.id)).map((c) => c.contact.id)).toEqual([w.survivor.id])
    expect((await crm.deals.listContacts(w.only.id)).map((c) => c.contact.id)).toEqual([w.survivor.id])
    expect((await crm.activities.get(w.call.id)).targets).toEqual([{ type: 'contact', id: w.survivor.id }])
    expect((await crm.activities.get(w.meeting.id)).targets).toEqual([{ type: 'contact', id: w.survivor.id }])
    const related = await crm.contacts.list({ where: { exists: 'activities' } })
    expect(related.items.map((c) => c.id)).toContain(w.survivor.id)
    // Losers are tombstoned, resolvable, and out of lists and match keys.
    const tomb = (await crm.contacts.get(w.loser1.id)) as unknown as Record<string, unknown>
    expect(tomb['mergedIntoId']).toBe(w.survivor.id)
    expect(tomb['archivedAt']).not.toBeNull()
    expect((await dq.resolve('contact', w.loser2.id))['id']).toBe(w.survivor.id)
    expect(
      await crm.entity('dqMatchKey').count({ where: { field: 'recordId', op: 'eq', value: w.loser1.id } }),
    ).toBe(0)
    const log = await crm.entity<{ before: unknown[] }>('dqMerge').list({
      where: { field: 'survivorId', op: 'eq', value: w.survivor.id },
    })
    expect(log.items[0]?.before).toHaveLength(3)
  })

  it('a dry run returns the result and writes nothing', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const w = await world()
    const before = await crm.contacts.list({ includeArchived: true, limit: 1000 })
    const events: unknown[] = []
    crm.events.on('record.merged', (e) => {
      events.push(e)
    })
    const result = await dq.merge({
      entity: 'contact',
      survivorId: w.survivor.id,
      loserIds: [w.loser1.id],
      policy: { title: 'survivor' },
      dryRun: true,
    })
    expect(result.dryRun).toBe(true)
    expect(events).toEqual([])
    expect(result.survivor).toMatchObject({ title: null, tags: ['vip', 'lead'] })
    expect(await crm.contacts.list({ includeArchived: true, limit: 1000 })).toEqual(before)
    expect((await crm.activities.get(w.call.id)).targets).toEqual([{ type: 'contact', id: w.loser1.id }])
  })

  it('bad merges are typed errors and write nothing: itself, another type, another tenant, too many', async () => {
    const { crm } = t
    const dq = crm.plugins['data-quality']
    const w = await world()
    const company = await crm.companies.create({ name: 'Acme' })
    const other = await crm.scoped({ tenantId: 'other' }).contacts.create({ firstName: 'Eve' })
    const before = await crm.contacts.list({ includeArchived: true, limit: 1000 })
    const attempts: [Parameters<typeof dq.merge>[0], string][] = [
      [{ entity: 'contact', survivorId: w.survivor.id, loserIds: [w.survivor.id] }, 'VALIDATION_FAILED'],
      [{ entity: 'contact', survivorId: w.survivor.id, loserIds: [company.id] }, 'VALIDATION_FAILED'],
      [{ entity: 'contact', survivorId: w.survivor.id, loserIds: [w.loser1.id, other.id] }, 'NOT_FOUND'],
      [{ entity: 'contact', survivorId: w.survivor.id, loserIds: [] }, 'VALIDATION_FAILED'],
      [
        {
          entity: 'contact',
          survivorId: w.survivor.id,
          loserIds: ['con_1', 'con_2', 'con_3', 'con_4', 'con_5', 'con_6'],
        },
        'VALIDATION_FAILED',
      ],
    ]
    for (const [request, code] of attempts) {
      const err = await dq.merge(request).catch((e: unknown) => e)
      expect([request.loserIds, isRapportError(err, code)]).toEqual([request.loserIds, true])
    }
    expect(await crm.contacts.list({ includeArchived: true, limit: 1000 })).toEqual(before)
    expect((await crm.deals.listContacts(w.both.id)).length).toBe(2)
  })
})
