import { isRapportError } from '@rapport/core'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { createInProcessQueue } from '../src/index.js'
import { setup } from './helpers.js'

describe('durable execution', () => {
  it('retries a failing step with exponential backoff on the injected clock, then succeeds once', async () => {
    let failures = 2
    const effects: string[] = []
    const { engine, deal, advance } = await setup({
      functions: {
        flaky: ({ idempotencyKey }) => {
          if (failures-- > 0) throw new Error('provider down')
          effects.push(idempotencyKey)
        },
      },
    })
    engine.register({
      id: 'flaky',
      name: 'Flaky',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'callFunction', name: 'flaky' }],
    })
    await deal('D')
    expect(await engine.runDue()).toBe(1) // attempt 1 fails; retry in 1 s
    expect(await engine.runDue()).toBe(0)
    advance(1000)
    expect(await engine.runDue()).toBe(1) // attempt 2 fails; retry in 2 s
    advance(1999)
    expect(await engine.runDue()).toBe(0)
    advance(1)
    expect(await engine.runDue()).toBe(1)
    expect(effects).toHaveLength(1)
    expect((await engine.log()).items[0]?.status).toBe('completed')
  })

  it('dead-letters a step after its last attempt and keeps the reason; the run is failed', async () => {
    const queue = createInProcessQueue({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } })
    const { engine, deal, advance } = await setup({
      queue,
      functions: {
        broken: () => {
          throw new Error('always broken')
        },
      },
    })
    engine.register({
      id: 'broken',
      name: 'Broken',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'callFunction', name: 'broken' }],
    })
    await deal('D')
    for (let i = 0; i < 3; i++) {
      await engine.runDue()
      advance(10)
    }
    const dead = await engine.deadLetters()
    expect(dead.map((d) => [d.name, d.attempts, d.error?.['message']])).toEqual([
      ['automation.step', 3, 'always broken'],
    ])
    const [run] = (await engine.log()).items
    expect(run?.status).toBe('failed')
    expect(run?.error?.['message']).toBe('always broken')
    await queue.retryDead(dead[0]!.id)
    expect(await engine.deadLetters()).toEqual([])
  })

  it('moves stages through the pipeline machine; a blocked move fails permanently and changes nothing', async () => {
    const { crm, engine } = await setup()
    const strict = await crm.pipelines.create({
      name: 'Strict',
      policy: 'noSkip',
      stages: [
        { name: 'One' },
        { name: 'Two' },
        { name: 'Three' },
        { name: 'Won', kind: 'won', probability: 100 },
      ],
    })
    const [one, two, three] = strict.stages.map((s) => s.id as string)
    engine.register({
      id: 'advance',
      name: 'Advance tagged deals',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'], watch: ['tags'] },
      conditions: { field: 'tags', op: 'eq', value: 'next' },
      actions: [{ type: 'moveStage', stageId: two!, reason: 'tagged' }],
    })
    engine.register({
      id: 'skip',
      name: 'Skip ahead',
      entity: 'deal',
      trigger: { type: 'record', events: ['updated'], watch: ['tags'] },
      conditions: { field: 'tags', op: 'eq', value: 'skip' },
      actions: [{ type: 'moveStage', stageId: three! }],
    })
    const ok = await crm.deals.create({ name: 'OK', pipelineId: strict.id, stageId: one! })
    const bad = await crm.deals.create({ name: 'Bad', pipelineId: strict.id, stageId: one! })
    await crm.deals.update(ok.id, { tags: ['next'] })
    await crm.deals.update(bad.id, { tags: ['skip'] })
    await engine.runDue()
    expect((await crm.deals.get(ok.id)).stageId).toBe(two)
    const history = await crm.deals.stageHistory(ok.id)
    expect(history.at(-1)).toMatchObject({ toStageId: two, reason: 'tagged' })
    const blocked = await crm.deals.get(bad.id)
    expect(blocked.stageId).toBe(one)
    const [dead] = await engine.deadLetters()
    expect(dead?.error).toMatchObject({ code: 'INVALID_TRANSITION', permanent: true })
    expect(dead?.attempts).toBe(1)
    expect((await engine.log({ ruleId: 'skip' })).items[0]?.status).toBe('failed')
  })

  it('a redelivered step job applies its effect once (idempotency key committed with the effect)', async () => {
    const { crm, engine, queue, deal } = await setup()
    engine.register({
      id: 'task',
      name: 'Task',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [
        { type: 'createTask', title: 'T1' },
        { type: 'createTask', title: 'T2' },
      ],
    })
    await deal('D')
    const [job] = (await crm.entity<{ payload: Record<string, unknown> }>('automationJob').list()).items
    await engine.runDue()
    // At-least-once delivery: the same step job arrives again (e.g. after a lost ack).
    await queue.enqueue({ name: 'automation.step', payload: job!.payload })
    await engine.runDue()
    expect((await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.title)).toEqual([
      'T1',
      'T2',
    ])
    const [run] = (await engine.log()).items
    expect(run?.steps.map((s) => s.key)).toEqual([`${run?.id}:0`, `${run?.id}:1`])
  })

  it('step jobs commit their effects, the runs’ completion and the jobs’ end together: one transaction per batch', async () => {
    const memory = createMemoryStorage()
    let transactions = 0
    const storage = new Proxy(memory, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver)
        if (key !== 'transaction' || typeof value !== 'function') return value
        return (...args: unknown[]) => {
          transactions++
          return value.apply(target, args)
        }
      },
    })
    const { crm, engine, deal } = await setup({}, storage)
    engine.register({
      id: 'task',
      name: 'Task',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'createTask', title: 'Call {{record.name}}' }],
    })
    for (const name of ['A', 'B', 'C']) await deal(name)
    transactions = 0
    expect(await engine.runDue()).toBe(3)
    // First deliveries run in one transaction holding every task, step, completed run and job deletion: no claim.
    expect(transactions).toBe(1)
    expect((await crm.tasks.list({ orderBy: [{ field: 'title' }] })).items.map((t) => t.title)).toEqual([
      'Call A',
      'Call B',
      'Call C',
    ])
    expect(await crm.entity('automationJob').count()).toBe(0)
    expect((await engine.log()).items.map((r) => r.status)).toEqual(['completed', 'completed', 'completed'])
  })

  it('a rolled-back write leaves no outbox row and no run', async () => {
    const { crm, engine, deal } = await setup()
    engine.register({
      id: 'any',
      name: 'Any',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'addTag', tag: 'x' }],
    })
    const real = await deal('Real')
    const err = await crm
      .transaction(async (tx) => {
        await tx.deals.create({ name: 'Ghost', pipelineId: real.pipelineId, stageId: real.stageId })
        await tx.deals.create({ name: 'Broken', pipelineId: real.pipelineId, stageId: 'stg_missing' })
      })
      .catch((e: unknown) => e)
    expect(isRapportError(err)).toBe(true)
    expect(await crm.deals.count()).toBe(1)
    expect(await crm.entity('automationRun').count()).toBe(1)
    expect(await crm.entity('automationJob').count()).toBe(1)
    await engine.runDue()
    expect((await crm.deals.list()).items.map((d) => [d.name, d.tags])).toEqual([['Real', ['x']]])
  })

  it('pause holds queued steps, waits for steps in flight (drain), and resume continues where runs stopped', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    let entered!: () => void
    const inside = new Promise<void>((r) => {
      entered = r
    })
    const { crm, engine, deal } = await setup({
      functions: {
        slow: async () => {
          entered()
          await gate
        },
      },
    })
    engine.register({
      id: 'slow',
      name: 'Slow',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [
        { type: 'callFunction', name: 'slow' },
        { type: 'addTag', tag: 'after' },
      ],
    })
    const a = await deal('A')
    const working = engine.runDue()
    await inside
    let drained = false
    const pausing = engine.pause('slow').then(() => {
      drained = true
    })
    await Promise.resolve()
    expect(drained).toBe(false)
    release()
    await pausing
    await working
    expect(drained).toBe(true)
    const b = await deal('B') // paused: no new enrollment
    await engine.runDue()
    expect((await engine.log()).items.map((r) => [r.recordId, r.status])).toEqual([[a.id, 'paused']])
    expect((await crm.deals.get(a.id)).tags).toEqual([])
    await engine.resume('slow')
    await engine.runDue()
    expect((await crm.deals.get(a.id)).tags).toEqual(['after'])
    expect((await engine.log()).items.map((r) => r.status)).toEqual(['completed'])
    expect(b.tags).toEqual([])
  })
})
