import { describe, expect, it } from 'vitest'
import { nextCronSlot } from '../src/index.js'
import { DAY, setup } from './helpers.js'

describe('time triggers (indexed sweep, injectable clock)', () => {
  it('relative: 3 days before a date field, once per anchor; a moved date fires again', async () => {
    const { crm, engine, deal, advance } = await setup()
    engine.register({
      id: 'close-soon',
      name: 'Close date in 3 days',
      entity: 'deal',
      trigger: { type: 'relative', field: 'expectedCloseDate', offset: { days: 3 }, direction: 'before' },
      actions: [{ type: 'createTask', title: 'Prepare closing {{record.name}}' }],
    })
    // now = 2026-03-02T09:00Z
    const soon = await deal('Soon', { expectedCloseDate: '2026-03-05' })
    const later = await deal('Later', { expectedCloseDate: '2026-03-10' })
    await deal('None')
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon': 1 })
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon': 0 })
    advance(4 * DAY) // 2026-03-06: Later is 4 days away
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon': 0 })
    advance(DAY) // 2026-03-07: Later is 3 days away
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon': 1 })
    // The close date slips: a new anchor, a new firing.
    await crm.deals.update(soon.id, { expectedCloseDate: '2026-03-09' })
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon': 1 })
    const titles = (await crm.tasks.list({ orderBy: [{ field: 'createdAt' }] })).items.map((t) => t.title)
    expect(titles).toEqual(['Prepare closing Soon', 'Prepare closing Later', 'Prepare closing Soon'])
    expect((await engine.log({ recordId: later.id })).items.map((r) => r.anchor)).toEqual(['2026-03-10'])
  })

  it('relative with where: a related record decides at firing time (exists), on the sweep query', async () => {
    const { crm, engine, deal, advance } = await setup()
    engine.register({
      id: 'close-soon-live',
      name: 'Close date in 3 days, live customers only',
      entity: 'deal',
      trigger: {
        type: 'relative',
        field: 'expectedCloseDate',
        offset: { days: 3 },
        direction: 'before',
        where: { exists: 'company', where: { field: 'industry', op: 'ne', value: 'closed' } },
      },
      actions: [{ type: 'createTask', title: 'Prepare closing {{record.name}}' }],
    })
    const live = await crm.companies.create({ name: 'Live', industry: 'energy' })
    const gone = await crm.companies.create({ name: 'Gone', industry: 'energy' })
    await deal('Live', { expectedCloseDate: '2026-03-10', companyId: live.id })
    await deal('Gone', { expectedCloseDate: '2026-03-10', companyId: gone.id })
    await deal('Orphan', { expectedCloseDate: '2026-03-10' })
    // Gone's company closes after its deal was created and before the firing time: the firing is skipped.
    await crm.companies.update(gone.id, { industry: 'closed' })
    advance(5 * DAY) // 2026-03-07: 3 days before
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'close-soon-live': 1 })
    expect((await crm.tasks.list()).items.map((t) => t.title)).toEqual(['Prepare closing Live'])
  })

  it('relative with a count where: only contacts with at least two completed orders, decided by the sweep', async () => {
    const { crm, engine, advance } = await setup()
    await crm.customFields.define('contact', { key: 'renewsOn', type: 'date' })
    engine.register({
      id: 'loyal-renewal',
      name: 'Renewal reminder for repeat buyers',
      entity: 'contact',
      trigger: {
        type: 'relative',
        field: 'custom.renewsOn',
        offset: { days: 1 },
        direction: 'before',
        where: {
          count: 'orders',
          where: { field: 'status', op: 'eq', value: 'completed' },
          op: 'gte',
          value: 2,
        },
      },
      actions: [{ type: 'addTag', tag: 'loyal-renewal' }],
    })
    const buy = (customerId: string, status: 'completed' | 'canceled') =>
      crm.orders.create({
        customerType: 'contact',
        customerId,
        occurredAt: new Date('2026-03-01T00:00:00Z'),
        amount: { amountMinor: 1_000, currency: 'EUR' },
        status,
      })
    const repeat = await crm.contacts.create({ firstName: 'Repeat', custom: { renewsOn: '2026-03-05' } })
    const once = await crm.contacts.create({ firstName: 'Once', custom: { renewsOn: '2026-03-05' } })
    await buy(repeat.id, 'completed')
    await buy(repeat.id, 'completed')
    await buy(once.id, 'completed')
    await buy(once.id, 'canceled') // two orders, but only one counts
    advance(2 * DAY + 16 * 3_600_000) // 2026-03-04T01:00Z: the day before
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'loyal-renewal': 1 })
    expect((await crm.contacts.get(repeat.id)).tags).toContain('loyal-renewal')
    expect((await crm.contacts.get(once.id)).tags).not.toContain('loyal-renewal')
  })

  it('inactivity: no activity for 15 days (activities reset the clock)', async () => {
    const { crm, engine, advance } = await setup()
    engine.register({
      id: 'silent',
      name: 'Re-engage silent contacts',
      entity: 'contact',
      trigger: { type: 'inactivity', anchor: 'lastActivityAt', duration: { days: 15 } },
      conditions: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
      actions: [{ type: 'addTag', tag: 're-engage' }],
    })
    const quiet = await crm.contacts.create({ firstName: 'Quiet', lifecycleStage: 'customer' })
    const chatty = await crm.contacts.create({ firstName: 'Chatty', lifecycleStage: 'customer' })
    const lead = await crm.contacts.create({ firstName: 'Lead', lifecycleStage: 'lead' })
    advance(10 * DAY)
    await crm.activities.create({
      type: 'call',
      occurredAt: new Date('2026-03-12T09:00:00Z'),
      targets: [{ type: 'contact', id: chatty.id }],
    })
    advance(6 * DAY) // quiet: 16 days silent; chatty: 6
    await engine.tick()
    const tags = async () =>
      Object.fromEntries((await crm.contacts.list()).items.map((c) => [c.firstName, c.tags]))
    expect(await tags()).toEqual({ Quiet: ['re-engage'], Chatty: [], Lead: [] })
    advance(10 * DAY) // chatty: 16 days silent
    await engine.tick()
    expect(await tags()).toEqual({ Quiet: ['re-engage'], Chatty: ['re-engage'], Lead: [] })
    expect((await engine.log()).items.map((r) => r.recordId).sort()).toEqual([quiet.id, chatty.id].sort())
    void lead
  })

  it('inactivity: in the same stage longer than 7 days; re-entering the stage fires again', async () => {
    const { crm, engine, deal, stage, advance } = await setup()
    engine.register({
      id: 'stale',
      name: 'Stale deal reminder',
      entity: 'deal',
      trigger: { type: 'inactivity', anchor: 'stageEnteredAt', duration: { days: 7 } },
      conditions: { field: 'stageId', op: 'nin', value: [stage('Won'), stage('Lost')] },
      actions: [{ type: 'createTask', title: 'Unstick {{record.name}}' }],
    })
    const d = await deal('Stuck')
    advance(8 * DAY)
    await engine.tick()
    await engine.tick()
    expect(await crm.tasks.count()).toBe(1)
    await crm.deals.moveStage(d.id, stage('Qualification'))
    advance(3 * DAY)
    await crm.deals.moveStage(d.id, stage('Prospecting'))
    advance(6 * DAY)
    await engine.tick()
    expect(await crm.tasks.count()).toBe(1)
    advance(2 * DAY)
    await engine.tick()
    expect(await crm.tasks.count()).toBe(2)
    const anchors = (await engine.log({ ruleId: 'stale' })).items.map((r) => r.anchor)
    expect(new Set(anchors).size).toBe(2)
  })

  it('schedule: cron in a time zone, one firing per slot per record, missed slots collapse into one', async () => {
    const { crm, engine, advance, now } = await setup()
    engine.register({
      id: 'monday',
      name: 'Monday 8:00 Paris review of open big deals',
      entity: 'deal',
      trigger: {
        type: 'schedule',
        cron: '0 8 * * 1',
        timezone: 'Europe/Paris',
        where: { field: 'probability', op: 'gte', value: 50 },
      },
      actions: [{ type: 'createTask', title: 'Weekly review {{record.name}}' }],
    })
    const pipelineId = (await crm.pipelines.list()).items[0]!.id
    const stageId = (await crm.pipelines.list()).items[0]!.stages[0]!.id as string
    await crm.deals.create({ name: 'Big', pipelineId, stageId, probability: 60 })
    await crm.deals.create({ name: 'Small', pipelineId, stageId, probability: 10 })
    // 2026-03-02 is a Monday, 09:00Z = 10:00 Paris: this week's slot is already past at registration.
    expect(nextCronSlot('0 8 * * 1', 'Europe/Paris', now())?.toISOString()).toBe('2026-03-09T07:00:00.000Z')
    await engine.tick()
    expect(await crm.tasks.count()).toBe(0)
    advance(7 * DAY - 2 * 3_600_000 + 1) // 2026-03-09T07:00:00.001Z
    await engine.tick()
    await engine.tick()
    expect((await crm.tasks.list()).items.map((t) => t.title)).toEqual(['Weekly review Big'])
    advance(21 * DAY) // three slots missed: one firing
    await engine.tick()
    expect(await crm.tasks.count()).toBe(2)
    expect((await engine.log({ ruleId: 'monday' })).items.map((r) => r.anchor)).toEqual([
      '2026-03-30T06:00:00.000Z',
      '2026-03-09T07:00:00.000Z',
    ])
  })
})
