import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { failingTaskCreate, setup } from './helpers.js'

/** A task per contact entering a segment: an event rule with database effects only, so its steps run batched. */
const WIN_BACK: AutomationRule = {
  id: 'win-back',
  name: 'Win back',
  entity: 'contact',
  trigger: { type: 'event', event: 'segment.entered' },
  conditions: { field: 'lifecycleStage', op: 'eq', value: 'customer' },
  actions: [{ type: 'createTask', title: 'Win back {{record.firstName}}' }],
}

const N = 12

const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

// A unit of work's events are enrolled together (one read of their records, one insert of their runs and one of
// their first jobs) and their first steps run in one transaction with one insert of their step rows and one update
// of their runs; these pin that the batch keeps the one-at-a-time outcome, member by member.
describe.each(storages)('a batch of trigger events ($name)', (s) => {
  async function crmWith(name: string, plugins: Parameters<typeof setup>[2] = []) {
    const storage = await s.open(name)
    open.push(storage)
    const env = await setup({}, storage.storage, plugins)
    env.engine.register(WIN_BACK)
    const contacts = await env.crm.contacts.createMany(
      Array.from({ length: N }, (_, i) => ({
        firstName: `C${String(i).padStart(2, '0')}`,
        lifecycleStage: i === 3 ? 'lead' : 'customer',
      })),
    )
    const enter = (ids: readonly string[], payload: Record<string, unknown> = {}) =>
      env.crm.transaction(async (tx) => {
        for (const id of ids) tx.emit('segment.entered', { entity: 'contact', recordId: id, ...payload })
      })
    return { ...env, contacts, enter }
  }

  it('N events make exactly one run, one job and, once run, one task per matching member', async () => {
    const { crm, engine, contacts, enter } = await crmWith('batch_n')
    const ids = contacts.map((c) => c.id)
    // A member named twice, a record that does not exist and a lead (conditions fail) enroll nothing extra.
    await enter([...ids, ids[0]!, 'con_missing'])
    const expected = N - 1
    expect(await crm.entity('automationRun').count()).toBe(expected)
    expect(await crm.entity('automationJob').count()).toBe(expected)
    expect(await engine.runDue()).toBe(expected)
    const runs = (await engine.log({ limit: 100 })).items
    expect(runs.map((r) => r.status)).toEqual(Array(expected).fill('completed'))
    expect(new Set(runs.map((r) => r.recordId))).toEqual(new Set(ids.filter((_, i) => i !== 3)))
    const titles = (await crm.tasks.list({ orderBy: [{ field: 'title' }], limit: 100 })).items.map(
      (t) => t.title,
    )
    expect(titles).toEqual(contacts.filter((_, i) => i !== 3).map((c) => `Win back ${c.firstName}`))
    expect(await crm.entity('automationStep').count()).toBe(expected)
    expect(await crm.entity('automationJob').count()).toBe(0)
    // Once per record (no idempotency key, no re-enrollment): the same batch again enrolls nobody.
    await enter(ids)
    expect(await crm.entity('automationRun').count()).toBe(expected)
    // With idempotency keys, each new key enrolls again and a key repeated in the batch enrolls once.
    await enter([ids[0]!, ids[0]!, ids[1]!], { idempotencyKey: 'wave-2' })
    expect(await crm.entity('automationRun').count()).toBe(expected + 2)
  })

  it('a failing member’s step neither loses nor duplicates the others: they complete once, it retries alone', async () => {
    // Fails once in the batch, once when its job runs alone.
    const veto = failingTaskCreate('Win back C05', 2)
    const { crm, engine, contacts, enter, advance } = await crmWith('batch_fail', [veto])
    await enter(contacts.map((c) => c.id))
    const expected = N - 1
    expect(await engine.runDue()).toBe(expected)
    const tasks = async () =>
      (await crm.tasks.list({ orderBy: [{ field: 'title' }], limit: 100 })).items.map((t) => t.title)
    const all = contacts.filter((_, i) => i !== 3).map((c) => `Win back ${c.firstName}`)
    expect(await tasks()).toEqual(all.filter((t) => t !== 'Win back C05'))
    const jobs = (await crm.entity('automationJob').list()).items
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: { message: 'provider down' } })
    advance(1000) // the queue's backoff after a first failure
    expect(await engine.runDue()).toBe(1)
    expect(await tasks()).toEqual(all)
    expect(await crm.entity('automationStep').count()).toBe(expected)
    expect(await crm.entity('automationJob').count()).toBe(0)
    const runs = (await engine.log({ limit: 100 })).items
    expect(runs.map((r) => r.status)).toEqual(Array(expected).fill('completed'))
    // Nothing left to run, nothing runs twice.
    advance(3_600_000)
    expect(await engine.runDue()).toBe(0)
    expect(await tasks()).toEqual(all)
  })

  it('a createMany and an updateMany enroll exactly as the same writes one at a time', async () => {
    const rules: AutomationRule[] = [
      {
        id: 'big',
        name: 'Big deals',
        entity: 'deal',
        trigger: { type: 'record', events: ['created'] },
        conditions: { field: 'name', op: 'startsWith', value: 'Big' },
        actions: [{ type: 'createTask', title: 'Call {{record.name}}' }],
      },
      {
        id: 'proposal',
        name: 'Entered Proposal',
        entity: 'deal',
        trigger: { type: 'record', events: ['updated'], watch: ['stageId'] },
        options: { entry: 'edge' },
        conditions: { field: 'probability', op: 'gte', value: 50 },
        actions: [{ type: 'createTask', title: 'Send {{record.name}}' }],
      },
    ]
    const names = ['Big A', 'Small B', 'Big C', 'Small D', 'Big E']
    async function run(name: string, batched: boolean) {
      const storage = await s.open(name)
      open.push(storage)
      const { crm, engine, pipeline, stage } = await setup({}, storage.storage)
      for (const rule of rules) engine.register(rule)
      const inputs = names.map((n) => ({ name: n, pipelineId: pipeline.id, stageId: stage('Prospecting') }))
      const deals = batched
        ? await crm.deals.createMany(inputs)
        : await Promise.all(inputs.map((input) => crm.deals.create(input)))
      // Two move to Proposal, one to Qualification (no match), one is renamed (not watched; its task, made when
      // the step runs, reads the new name).
      const updates = [
        { id: deals[0]!.id, patch: { stageId: stage('Proposal') } },
        { id: deals[1]!.id, patch: { stageId: stage('Qualification') } },
        { id: deals[3]!.id, patch: { stageId: stage('Proposal') } },
        { id: deals[4]!.id, patch: { name: 'Big E2' } },
      ]
      if (batched) await crm.deals.updateMany(updates)
      else for (const u of updates) await crm.deals.update(u.id, u.patch)
      await engine.runDue()
      const byId = new Map(deals.map((d) => [d.id, d.name]))
      const runs = (await engine.log({ limit: 100 })).items
      return {
        runs: runs.map((r) => `${r.ruleId} ${byId.get(r.recordId)} ${r.trigger} ${r.status}`).sort(),
        tasks: (await crm.tasks.list({ limit: 100 })).items.map((t) => t.title).sort(),
        jobs: await crm.entity('automationJob').count(),
      }
    }
    const batched = await run('batch_writes', true)
    expect(batched).toEqual(await run('single_writes', false))
    expect(batched.tasks).toEqual(['Call Big A', 'Call Big C', 'Call Big E2', 'Send Big A', 'Send Small D'])
  })

  it('a rolled-back unit of work enrolls none of its events', async () => {
    const { crm, engine, contacts } = await crmWith('batch_rollback')
    await expect(
      crm.transaction(async (tx) => {
        for (const c of contacts) tx.emit('segment.entered', { entity: 'contact', recordId: c.id })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await crm.entity('automationRun').count()).toBe(0)
    expect(await engine.runDue()).toBe(0)
    expect(await crm.tasks.count()).toBe(0)
  })
})
