import { isRapportError } from '@rapport/core'
import { describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { setup } from './helpers.js'

const base: AutomationRule = {
  id: 'big-deal',
  name: 'Big deal follow-up',
  entity: 'deal',
  trigger: { type: 'record', events: ['created', 'updated'] },
  conditions: { field: 'amount.amountMinor', op: 'gte', value: 1_000_000 },
  actions: [{ type: 'createTask', title: 'Review {{record.name}}' }],
}

async function rejection(fn: () => unknown) {
  try {
    await fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('rule validation', () => {
  it('registers a valid rule and lists it', async () => {
    const { engine } = await setup()
    engine.register(base)
    expect(engine.rules().map((r) => r.id)).toEqual(['big-deal'])
  })

  it('refuses exists and count in a rule condition (it runs on one record) and registers nothing', async () => {
    const { engine, crm } = await setup()
    for (const [key, condition] of [
      ['exists', { exists: 'contacts' }],
      ['count', { count: 'contacts', op: 'gte', value: 2 }],
    ] as const) {
      const conditions = { and: [condition] } as unknown as AutomationRule['conditions']
      const err = await rejection(() => engine.register({ ...base, conditions }))
      expect(isRapportError(err, 'AUTOMATION_INVALID_RULE')).toBe(true)
      const issue = (err as { issues: { path: unknown[]; message: string }[] }).issues[0]!
      expect(issue.path).toEqual(['conditions', 'and', 0, key])
      expect(issue.message).toContain('schedule trigger')
    }
    expect(engine.rules()).toEqual([])
    expect(await crm.entity('automationRun').count()).toBe(0)
  })

  it('points at the exact bad part of a nested condition, with suggestions, and registers nothing', async () => {
    const { engine, crm } = await setup()
    const err = await rejection(() =>
      engine.register({
        ...base,
        conditions: {
          and: [
            { field: 'name', op: 'eq', value: 'x' },
            { or: [{ field: 'amout.amountMinor', op: 'gt', value: 1 }] },
          ],
        },
      }),
    )
    expect(isRapportError(err, 'AUTOMATION_INVALID_RULE')).toBe(true)
    const issue = (err as { issues: { path: unknown[]; message: string; code: string }[] }).issues[0]!
    expect(issue.path).toEqual(['conditions', 'and', 1, 'or', 0, 'field'])
    expect(issue.code).toBe('unknown_field')
    expect(issue.message).toContain('"amount.amountMinor"')
    expect(engine.rules()).toEqual([])
    expect(await crm.entity('automationRun').count()).toBe(0)
  })

  it('reports every problem at once: trigger, value types, actions, options', async () => {
    const { engine } = await setup()
    const err = (await rejection(() =>
      engine.register({
        ...base,
        trigger: { type: 'record', events: ['created'], watch: ['nope'] },
        conditions: { field: 'amount.amountMinor', op: 'gte', value: 'a lot' },
        actions: [
          { type: 'createTask', title: '' },
          {
            type: 'branch',
            if: { field: 'name', op: 'matches' as 'eq', value: 'x' },
            do: [{ type: 'teleport' } as never],
          },
          { type: 'callFunction', name: 'missing' },
          { type: 'webhook', url: 'ftp://x', secret: 'nope' },
        ],
        options: { entry: 'sometimes' as 'edge' },
      }),
    )) as { issues: { path: unknown[] }[] }
    const paths = err.issues.map((i) => i.path.join('.'))
    expect(paths).toEqual(
      expect.arrayContaining([
        'trigger.watch.0',
        'conditions.value',
        'actions.0.title',
        'actions.1.if.op',
        'actions.1.do.0.type',
        'actions.2.name',
        'actions.3.url',
        'options.entry',
      ]),
    )
  })

  it('rejects bad cron expressions and time zones, unknown trigger types, and duplicate ids', async () => {
    const { engine } = await setup()
    const cron = (await rejection(() =>
      engine.register({
        ...base,
        trigger: { type: 'schedule', cron: '61 * * * *', timezone: 'Mars/Olympus' },
      }),
    )) as { issues: { path: unknown[] }[] }
    expect(cron.issues.map((i) => i.path.join('.'))).toEqual(['trigger.timezone', 'trigger.cron'])
    const unknown = (await rejection(() =>
      engine.register({ ...base, trigger: { type: 'sometimes' } as never }),
    )) as {
      issues: { path: unknown[] }[]
    }
    expect(unknown.issues.map((i) => i.path.join('.'))).toEqual(['trigger.type'])
    engine.register(base)
    expect(isRapportError(await rejection(() => engine.register(base)), 'AUTOMATION_DUPLICATE_RULE')).toBe(
      true,
    )
  })

  it('rejects deep and huge condition trees without overflowing the stack', async () => {
    const { engine } = await setup()
    let deep: Record<string, unknown> = { field: 'name', op: 'eq', value: 'x' }
    for (let i = 0; i < 5000; i++) deep = { not: deep }
    const err = (await rejection(() => engine.register({ ...base, conditions: deep as never }))) as {
      issues: { code: string }[]
    }
    expect(err.issues[0]?.code).toBe('too_big')
  })
})
