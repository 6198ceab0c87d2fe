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
    expect((await engine.log({ ruleId: 'segment' })).items[0]?.status).toBe('completed')
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

describe('rules on entities whose writes are not watched', () => {
  it('a record-triggered rule on lead or ticket is refused at registration unless the entity is watched', async () => {
    const { engine } = await setup()
    for (const entity of ['lead', 'ticket']) {
      const error = (() => {
        try {
          engine.register({ ...base, id: `on-${entity}`, entity, actions: [{ type: 'addTag', tag: 'x' }] })
        } catch (e) {
          return e
        }
      })()
      expect(error, entity).toMatchObject({ code: 'AUTOMATION_INVALID_RULE' })
      expect(issuesOf(error)[0]).toEqual(['entity', expect.stringMatching(/would never fire/)])
    }
    const watched = await setup({ entities: ['deal', 'lead'] })
    expect(() =>
      watched.engine.register({
        ...base,
        id: 'lead-ok',
        entity: 'lead',
        actions: [{ type: 'addTag', tag: 'x' }],
      }),
    ).not.toThrow()
    const lead = await watched.crm.leads.create({ firstName: 'Lia' } as never)
    await watched.engine.runDue()
    expect((await watched.crm.leads.get(lead.id)).tags).toEqual(['x'])
  })
})

describe('relative-time triggers on custom date fields', () => {
  it('"3 days before custom.contractEnd" registers and fires once per anchor (date and datetime custom fields)', async () => {
    const { crm, engine, deal } = await setup()
    await crm.customFields.define('deal', { key: 'contractEnd', type: 'date' })
    await crm.customFields.define('deal', { key: 'renewsAt', type: 'datetime' })
    engine.register({
      ...base,
      id: 'contract-end',
      trigger: { type: 'relative', field: 'custom.contractEnd', offset: { days: 3 }, direction: 'before' },
      actions: [{ type: 'createTask', title: 'Renew {{record.name}}' }],
    })
    engine.register({
      ...base,
      id: 'renews-at',
      trigger: { type: 'relative', field: 'custom.renewsAt', offset: { days: 1 }, direction: 'before' },
      actions: [{ type: 'addTag', tag: 'renewal' }],
    })
    // now = 2026-03-02T09:00Z
    const soon = await deal('Soon', {
      custom: { contractEnd: '2026-03-04', renewsAt: '2026-03-03T08:00:00Z' },
    })
    await deal('Later', { custom: { contractEnd: '2026-04-01', renewsAt: '2026-04-01T08:00:00Z' } })
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'contract-end': 1, 'renews-at': 1 })
    expect((await engine.tick()).sweep.enrolled).toEqual({ 'contract-end': 0, 'renews-at': 0 })
    await engine.runDue()
    expect((await crm.tasks.list()).items.map((t) => t.title)).toEqual(['Renew Soon'])
    expect((await crm.deals.get(soon.id)).tags).toEqual(['renewal'])
    expect((await engine.log({ ruleId: 'contract-end' })).items.map((r) => r.anchor)).toEqual(['2026-03-04'])
  })
})
