import { describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { setup } from './helpers.js'

const base = {
  name: 'r',
  entity: 'deal',
  trigger: { type: 'record', events: ['created'] },
} as const

const issuesOf = (error: unknown) =>
  ((error as { details?: { issues?: { path: unknown[]; message: string }[] } }).details?.issues ?? []).map(
    (i) => [i.path.join('.'), i.message],
  )

describe('templates are checked at registration and rendered everywhere', () => {
  it('an unknown placeholder fails registration (it rendered literally before)', async () => {
    const { engine } = await setup()
    const rules: AutomationRule[] = [
      { ...base, id: 't1', actions: [{ type: 'createTask', title: 'Ship {{body.product}}' }] },
      {
        ...base,
        id: 't2',
        actions: [{ type: 'createActivity', activityType: 'note', subject: '{{record.nmae}}' }],
      },
      {
        ...base,
        id: 't3',
        actions: [{ type: 'emitEvent', event: 'deal.x', data: { a: ['{{ record.nope }}'] } }],
      },
      { ...base, id: 't4', actions: [{ type: 'updateFields', set: { lostReason: '{{vars.x}}' } }] },
    ]
    for (const rule of rules) {
      const error = (() => {
        try {
          engine.register(rule)
        } catch (e) {
          return e
        }
      })()
      expect(error, rule.id).toMatchObject({ code: 'AUTOMATION_INVALID_RULE' })
      expect(issuesOf(error)[0]?.[1]).toMatch(/Unknown placeholder/)
    }
  })

  it('emitEvent data templates are rendered with the record', async () => {
    const { engine, deal } = await setup()
    engine.register({
      ...base,
      id: 'emit',
      actions: [
        {
          type: 'emitEvent',
          event: 'deal.seen',
          data: { title: 'Deal {{record.name}}', nested: ['{{record.name}}!'], n: 1 },
        },
      ],
    })
    const seen: Record<string, unknown>[] = []
    engine.events.on('deal.seen', (e) => {
      seen.push(e as Record<string, unknown>)
    })
    await deal('Acme')
    await engine.runDue()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ title: 'Deal Acme', nested: ['Acme!'], n: 1 })
  })
})

describe('dotted paths in updateFields', () => {
  it('custom.<key> is set (merged into custom, as watch reads it); other dotted paths fail at registration', async () => {
    const { crm, engine, deal } = await setup()
    await crm.customFields.define('deal', { key: 'rfmSegment', type: 'text' })
    await crm.customFields.define('deal', { key: 'tier', type: 'text' })
    engine.register({
      ...base,
      id: 'segment',
      actions: [{ type: 'updateFields', set: { 'custom.rfmSegment': 'Champions {{record.name}}' } }],
    })
    const d = await deal('Acme', { custom: { tier: 'gold' } })
    await engine.runDue()
    expect((await crm.deals.get(d.id)).custom).toEqual({ tier: 'gold', rfmSegment: 'Champions Acme' })
    expect((await engine.log({ ruleId: 'segment' }))[0]?.status).toBe('completed')
    const error = (() => {
      try {
        engine.register({
          ...base,
          id: 'bad',
          actions: [{ type: 'updateFields', set: { 'amount.amountMinor': 5 } }],
        })
      } catch (e) {
        return e
      }
    })()
    expect(error).toMatchObject({ code: 'AUTOMATION_INVALID_RULE' })
    expect(issuesOf(error)).toEqual([
      [
        'actions.0.set.amount.amountMinor',
        expect.stringMatching(/Only custom fields may be set by a dotted path/),
      ],
    ])
  })
})
