import { definePlugin } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { failingTaskCreate, setup } from './helpers.js'

/** A task per new deal: a rule with database effects only, so its first steps run batched. */
const CALL: AutomationRule = {
  id: 'call',
  name: 'Call',
  entity: 'deal',
  trigger: { type: 'record', events: ['created'] },
  actions: [{ type: 'createTask', title: 'Call {{record.name}}' }],
}

// First deliveries of step jobs run together in one transaction (queue.work's `inTransaction`); these pin what that
// must not change: per-run audit origins, rollback of a failing batch with the shared retries, external effects once.
describe('step jobs batched in one transaction', () => {
  it('records each run’s writes under its own rule and run, as a step run alone does', async () => {
    const seen: { type: string; channelRef?: string; causationId?: string }[] = []
    const spy = definePlugin({
      id: 'spy',
      beforeCommit: (events, ctx) => {
        for (const e of events)
          if (e.type === 'task.created')
            seen.push({
              type: e.type,
              channelRef: ctx.origin.channelRef,
              causationId: ctx.origin.causationId,
            })
      },
    })
    const { engine, deal } = await setup({}, createMemoryStorage(), [spy])
    engine.register(CALL)
    for (const name of ['A', 'B', 'C']) await deal(name)
    expect(await engine.runDue()).toBe(3)
    const runs = (await engine.log()).items
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
    expect(seen.map((s) => s.causationId).sort()).toEqual(runs.map((r) => r.id).sort())
    expect(new Set(seen.map((s) => s.channelRef))).toEqual(new Set(['call']))
  })

  it('rolls a batch back when one step fails: the others then run alone, and the failure gets the shared retry', async () => {
    // Fails once in the batch, once when its job runs alone.
    const veto = failingTaskCreate('Call B', 2)
    const { crm, engine, deal, advance } = await setup({}, createMemoryStorage(), [veto])
    engine.register(CALL)
    for (const name of ['A', 'B', 'C']) await deal(name)
    expect(await engine.runDue()).toBe(3)
    const titles = async () =>
      (await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.title)
    expect(await titles()).toEqual(['Call A', 'Call C'])
    const [job] = (await crm.entity('automationJob').list()).items
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: { message: 'provider down' } })
    advance(1000) // the queue's backoff after a first failure
    expect(await engine.runDue()).toBe(1)
    expect(await titles()).toEqual(['Call A', 'Call B', 'Call C'])
    expect(await crm.entity('automationJob').count()).toBe(0)
    expect((await engine.log()).items.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
  })

  it('runs a rule with an external effect alone, once, between batched jobs', async () => {
    const calls: string[] = []
    const { crm, engine, deal } = await setup({
      functions: { notify: ({ idempotencyKey }) => void calls.push(idempotencyKey) },
    })
    engine.register(CALL)
    engine.register({
      id: 'notify',
      name: 'Notify',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'callFunction', name: 'notify' }],
    })
    for (const name of ['A', 'B']) await deal(name)
    expect(await engine.runDue()).toBe(4)
    expect(calls).toHaveLength(2)
    expect(new Set(calls).size).toBe(2)
    expect(await crm.tasks.count()).toBe(2)
    expect(await crm.entity('automationJob').count()).toBe(0)
    expect((await engine.log()).items.map((r) => r.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ])
  })

  it('reads the runs of a batch with one list, not one read per job', async () => {
    const reads = { byIds: 0, byId: 0 }
    const memory = createMemoryStorage()
    const wrap = <T extends StorageAdapter>(ops: T): T => ({
      ...ops,
      findMany: (args: Parameters<StorageAdapter['findMany']>[0]) => {
        if (args.model.name === 'automationRun' && JSON.stringify(args.where ?? {}).includes('"in"'))
          reads.byIds++
        return ops.findMany(args)
      },
      findById: (args: Parameters<StorageAdapter['findById']>[0]) => {
        if (args.model.name === 'automationRun') reads.byId++
        return ops.findById(args)
      },
    })
    const storage: StorageAdapter = {
      ...wrap(memory),
      transaction: (fn) => memory.transaction((tx) => fn(wrap(tx as StorageAdapter))),
    }
    const { crm, engine, deal } = await setup({}, storage)
    engine.register(CALL)
    for (const name of ['A', 'B', 'C']) await deal(name)
    expect(await engine.runDue()).toBe(3)
    expect(reads.byIds).toBe(1)
    // What is left are the completions' own reads (core's update reads the row it guards by version).
    expect(reads.byId).toBe(3)
    expect(await crm.tasks.count()).toBe(3)
    expect((await engine.log()).items.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
  })
})
