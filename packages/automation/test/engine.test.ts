import { describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { DAY, setup } from './helpers.js'

const bigDeal: AutomationRule = {
  id: 'big-deal',
  name: 'Big deal follow-up',
  entity: 'deal',
  trigger: { type: 'record', events: ['created', 'updated'] },
  conditions: { field: 'amount.amountMinor', op: 'gte', value: 1_000_000 },
  actions: [{ type: 'createTask', title: 'Review {{record.name}}', assignTo: 'owner', dueIn: { days: 2 } }],
  options: { entry: 'edge' },
}

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' })

describe('record triggers and actions', () => {
  it('creates a task once when a deal becomes big (edge entry), linked to the deal, in the outbox transaction', async () => {
    const { crm, engine, deal, now } = await setup({ rules: [bigDeal] })
    const d = await deal('Acme', { amount: eur(500_000), ownerId: 'usr_ann' })
    expect(await crm.entity('automationJob').count()).toBe(0)
    await crm.deals.update(d.id, { amount: eur(2_000_000) })
    // The outbox row committed with the update; nothing ran yet.
    expect(await crm.entity('automationJob').count()).toBe(1)
    expect(await crm.tasks.count()).toBe(0)
    expect(await engine.runDue()).toBe(1)
    const tasks = (await crm.tasks.list()).items
    expect(tasks.map((t) => [t.title, t.assigneeId, t.dueAt?.getTime(), t.targets])).toEqual([
      ['Review Acme', 'usr_ann', now().getTime() + 2 * DAY, [{ type: 'deal', id: d.id }]],
    ])
    // Still big: an edge rule does not fire again, and re-enrollment is off.
    await crm.deals.update(d.id, { amount: eur(3_000_000) })
    await crm.deals.update(d.id, { amount: eur(100) })
    await crm.deals.update(d.id, { amount: eur(4_000_000) })
    await engine.runDue()
    expect(await crm.tasks.count()).toBe(1)
    const log = (await engine.log({ ruleId: 'big-deal' })).items
    expect(log.map((r) => [r.status, r.trigger, r.steps.map((s) => s.action)])).toEqual([
      ['completed', 'updated', ['createTask']],
    ])
  })

  it('re-enrolls when enabled, never while still enrolled', async () => {
    const rule: AutomationRule = {
      ...bigDeal,
      id: 'again',
      actions: [
        { type: 'delay', duration: { days: 1 } },
        { type: 'addTag', tag: 'big' },
      ],
      options: { entry: 'edge', reEnroll: true },
    }
    const { crm, engine, deal, advance } = await setup({ rules: [rule] })
    const d = await deal('Acme', { amount: eur(2_000_000) })
    await engine.runDue()
    await crm.deals.update(d.id, { amount: eur(1) })
    await crm.deals.update(d.id, { amount: eur(2_000_000) }) // still enrolled (waiting): skipped
    advance(DAY)
    await engine.runDue()
    await crm.deals.update(d.id, { amount: eur(1) })
    await crm.deals.update(d.id, { amount: eur(3_000_000) }) // finished: enrolls again
    await engine.runDue()
    advance(DAY)
    await engine.runDue()
    const runs = (await engine.log({ ruleId: 'again' })).items
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed'])
    expect((await crm.deals.get(d.id)).tags).toEqual(['big'])
  })

  it('change predicates: changedTo on a stage, increasedBy on an amount, watched fields', async () => {
    const { crm, engine, deal, stage } = await setup()
    engine.register({
      id: 'to-proposal',
      name: 'Proposal sent',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'], watch: ['stageId'] },
      conditions: { field: 'stageId', op: 'changedTo', value: stage('Proposal') },
      actions: [{ type: 'addTag', tag: 'proposal' }],
    })
    engine.register({
      id: 'jump',
      name: 'Amount jumped',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'], watch: ['amount'] },
      conditions: { field: 'amount.amountMinor', op: 'increasedBy', value: 100_000 },
      actions: [{ type: 'addTag', tag: 'jump' }],
    })
    const a = await deal('A', { amount: eur(100_000) })
    const b = await deal('B', { amount: eur(100_000) })
    await crm.deals.update(a.id, { stageId: stage('Qualification'), amount: eur(150_000) })
    await crm.deals.update(b.id, { name: 'B2' })
    await engine.runDue()
    expect((await engine.log()).items).toEqual([])
    await crm.deals.update(a.id, { stageId: stage('Proposal') })
    await crm.deals.update(b.id, { amount: eur(250_000) })
    await engine.runDue()
    expect((await crm.deals.get(a.id)).tags).toEqual(['proposal'])
    expect((await crm.deals.get(b.id)).tags).toEqual(['jump'])
  })

  it('runs branches, field updates, activities, host functions and custom events in order', async () => {
    const calls: unknown[] = []
    const { crm, engine, deal } = await setup({
      functions: {
        notify: ({ record, args, idempotencyKey }) => calls.push([record['name'], args, idempotencyKey]),
      },
    })
    engine.register({
      id: 'triage',
      name: 'Triage',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [
        {
          type: 'branch',
          if: { field: 'amount.amountMinor', op: 'gte', value: 1_000_000 },
          do: [
            { type: 'updateFields', set: { probability: 40 } },
            { type: 'callFunction', name: 'notify', args: 'big' },
          ],
          else: [{ type: 'updateFields', set: { probability: 5 } }],
        },
        {
          type: 'createActivity',
          activityType: 'note',
          subject: 'Triaged {{record.name}} at {{record.probability}}%',
        },
        { type: 'emitEvent', event: 'deal.triaged', data: { source: 'rule' } },
      ],
    })
    const events: unknown[] = []
    engine.events.on('deal.triaged', (e) => {
      events.push(e)
    })
    const big = await deal('Big', { amount: eur(2_000_000) })
    const small = await deal('Small', { amount: eur(1) })
    await engine.runDue()
    expect((await crm.deals.get(big.id)).probability).toBe(40)
    expect((await crm.deals.get(small.id)).probability).toBe(5)
    expect(calls).toEqual([['Big', 'big', expect.stringMatching(/^arun_.+:2$/)]])
    const subjects = (await crm.activities.list({ orderBy: [{ field: 'subject' }] })).items.map(
      (a) => a.subject,
    )
    expect(subjects).toEqual(['Triaged Big at 40%', 'Triaged Small at 5%'])
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({ source: 'rule', ruleId: 'triage', entity: 'deal' })
  })

  it('loop guard: a rule that re-triggers itself through its own writes stops at once; chains stop at maxDepth', async () => {
    const { crm, engine, deal } = await setup({ maxDepth: 3 })
    engine.register({
      id: 'self',
      name: 'Bump on every update',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'] },
      actions: [{ type: 'updateFields', set: { lostReason: 'x{{record.version}}' } }],
      options: { reEnroll: true },
    })
    const d = await deal('Loop')
    await crm.deals.update(d.id, { name: 'Loop 2' })
    await engine.runDue()
    const runs = (await engine.log({ ruleId: 'self' })).items
    expect(runs).toHaveLength(1)
    expect((await crm.deals.get(d.id)).version).toBe(3)
  })

  it('loop guard: a chain of automation writes across records stops at maxDepth', async () => {
    let spawned = 0
    const { crm, engine, deal } = await setup({
      maxDepth: 3,
      functions: {
        spawn: async ({ crm: services, record }) => {
          spawned++
          await services.deals.create({
            name: `${record['name'] as string}+`,
            pipelineId: record['pipelineId'] as string,
            stageId: record['stageId'] as string,
          })
        },
      },
    })
    engine.register({
      id: 'spawn',
      name: 'Spawn a child deal',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'callFunction', name: 'spawn' }],
    })
    await deal('root')
    await engine.runDue()
    const runs = (await engine.log({ ruleId: 'spawn' })).items
    expect(runs.map((r) => r.depth).sort()).toEqual([0, 1, 2, 3])
    expect(spawned).toBe(4)
    expect(await crm.deals.count()).toBe(5)
  })

  it('maxRunsPerRecord limits runs per window', async () => {
    const { crm, engine, deal, advance } = await setup()
    engine.register({
      id: 'limited',
      name: 'Limited',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'] },
      actions: [{ type: 'addTag', tag: 'seen' }],
      options: {
        reEnroll: true,
        maxRunsPerRecord: { count: 2, window: { hours: 1 } },
        triggerOnAutomationWrites: false,
      },
    })
    const d = await deal('D')
    for (let i = 0; i < 4; i++) {
      await crm.deals.update(d.id, { name: `D${i}` })
      await engine.runDue()
    }
    expect((await engine.log({ ruleId: 'limited' })).items).toHaveLength(2)
    advance(3_600_001)
    await crm.deals.update(d.id, { name: 'later' })
    await engine.runDue()
    expect((await engine.log({ ruleId: 'limited' })).items).toHaveLength(3)
  })

  it('goal and unenroll criteria end a waiting run before its next step', async () => {
    const { crm, engine, deal, advance, stage } = await setup()
    engine.register({
      id: 'nurture',
      name: 'Nurture',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [
        { type: 'delay', duration: { days: 3 } },
        { type: 'createTask', title: 'Nudge {{record.name}}' },
      ],
      options: {
        goal: { field: 'stageId', op: 'eq', value: stage('Won') },
        unenrollWhen: { field: 'tags', op: 'eq', value: 'do-not-contact' },
      },
    })
    const won = await deal('Won soon')
    const quiet = await deal('Quiet')
    const plain = await deal('Plain')
    await engine.runDue()
    await crm.deals.update(won.id, { stageId: stage('Won') })
    await crm.deals.update(quiet.id, { tags: ['do-not-contact'] })
    advance(3 * DAY)
    await engine.runDue()
    const status = Object.fromEntries((await engine.log()).items.map((r) => [r.recordId, r.status]))
    expect(status).toEqual({ [won.id]: 'goal', [quiet.id]: 'unenrolled', [plain.id]: 'completed' })
    expect((await crm.tasks.list()).items.map((t) => t.title)).toEqual(['Nudge Plain'])
  })
})

describe('dry run', () => {
  it('engine.test traces every condition and plans actions without writing anything', async () => {
    const { crm, engine } = await setup()
    engine.register({
      id: 'dry',
      name: 'Dry',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'] },
      conditions: {
        and: [
          { field: 'amount.amountMinor', op: 'gte', value: 1000 },
          { field: 'name', op: 'startsWith', value: 'Ac', caseInsensitive: true },
        ],
      },
      actions: [
        {
          type: 'branch',
          if: { field: 'tags', op: 'eq', value: 'vip' },
          do: [{ type: 'addTag', tag: 'vip-big' }],
          else: [],
        },
        { type: 'createTask', title: 'Call about {{record.name}}' },
      ],
    })
    const record = { id: 'deal_x', name: 'acme', amount: eur(5000), tags: ['vip'] }
    const result = engine.test('dry', record)
    expect(result.matched).toBe(true)
    expect(result.conditions?.children?.map((c) => [c.path, c.result, c.actual])).toEqual([
      ['conditions.and[0]', true, 5000],
      ['conditions.and[1]', true, 'acme'],
    ])
    expect(result.actions.map((a) => [a.path, a.type, a.action['title'] ?? a.action['tag']])).toEqual([
      ['actions[0].do[0]', 'addTag', 'vip-big'],
      ['actions[1]', 'createTask', 'Call about acme'],
    ])
    const miss = engine.test('dry', { ...record, amount: eur(1) })
    expect(miss.matched).toBe(false)
    expect(miss.actions).toEqual([])
    expect(miss.conditions?.children?.map((c) => c.result)).toEqual([false, true])
    expect(await crm.entity('automationRun').count()).toBe(0)
    expect(await crm.entity('automationJob').count()).toBe(0)
  })
})
