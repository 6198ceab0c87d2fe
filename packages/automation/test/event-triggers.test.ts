import { definePlugin } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import type { AutomationRule } from '../src/index.js'
import { setup } from './helpers.js'

const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

const bigOrder: AutomationRule = {
  id: 'big-order',
  name: 'Thank big buyers',
  entity: 'contact',
  trigger: { type: 'event', event: 'order.placed' },
  conditions: {
    and: [
      { field: 'body.price', op: 'gte', value: 100 },
      { field: 'body.sku', op: 'startsWith', value: 'CD-' },
      { field: 'lifecycleStage', op: 'eq', value: 'customer' },
    ],
  },
  actions: [{ type: 'createTask', title: 'Thank {{record.firstName}}' }],
}

const issuesOf = (fn: () => void) => {
  try {
    fn()
  } catch (error) {
    const e = error as { code: string; details?: { issues?: { path: unknown[]; message: string }[] } }
    return { code: e.code, issues: (e.details?.issues ?? []).map((i) => [i.path.join('.'), i.message]) }
  }
  return null
}

describe('event triggers: registration', () => {
  it('accepts body.* in an event rule’s conditions and refuses it in a record rule (unknown field)', async () => {
    const { engine } = await setup()
    engine.register(bigOrder)
    const recordRule = issuesOf(() =>
      engine.register({
        ...bigOrder,
        id: 'record-body',
        trigger: { type: 'record', events: ['created'] },
      }),
    )
    expect(recordRule?.code).toBe('AUTOMATION_INVALID_RULE')
    expect(recordRule?.issues[0]?.[0]).toBe('conditions.and.0.field')
  })

  it('refuses a malformed event type, a lifecycle event, change predicates, unknown keys and unknown fields', async () => {
    const { engine } = await setup()
    const cases: [Partial<AutomationRule> & Record<string, unknown>, string, RegExp][] = [
      [{ trigger: { type: 'event', event: 'placed' } as never }, 'trigger.event', /order\.placed/],
      [{ trigger: { type: 'event', event: 'contact.created' } }, 'trigger.event', /lifecycle/],
      [{ trigger: { type: 'event', event: 'order.placed', when: 1 } as never }, 'trigger', /when/],
      [
        { trigger: { type: 'event', event: 'order.placed', recordIdFrom: 'a.b' } },
        'trigger.recordIdFrom',
        /top-level/,
      ],
      [{ conditions: { field: 'body.price', op: 'changed' } }, 'conditions', /record trigger/],
      [{ conditions: { field: 'lifecycleStag', op: 'eq', value: 'x' } }, 'conditions.field', /lifecycleStag/],
      [{ conditions: { field: 'body.price', op: 'near', value: 1 } as never }, 'conditions.op', /./],
    ]
    for (const [patch, path, message] of cases) {
      const result = issuesOf(() => engine.register({ ...bigOrder, ...patch, id: 'bad' } as AutomationRule))
      expect(result?.code, JSON.stringify(patch)).toBe('AUTOMATION_INVALID_RULE')
      const hit = result?.issues.find(([p]) => p === path)
      expect(hit, `${JSON.stringify(patch)} → ${JSON.stringify(result?.issues)}`).toBeDefined()
      expect(hit?.[1]).toMatch(message)
    }
    expect(engine.rules()).toEqual([])
  })
})

/** A plugin that places orders: its writes queue `order.placed` in the same transaction. */
const shop = definePlugin({
  id: 'shop',
  api: ({ crm }) => ({
    place: (contactId: string, order: { id: string; price: number; sku: string }, fail = false) =>
      crm.transaction(async (tx) => {
        await tx.contacts.update(contactId, { tags: ['buyer'] })
        tx.emit('order.placed', {
          entity: 'contact',
          recordId: contactId,
          price: order.price,
          sku: order.sku,
          idempotencyKey: order.id,
        })
        if (fail) throw new Error('payment refused')
      }),
  }),
})

describe.each(storages)('event triggers ($name)', (s) => {
  it('a plugin’s event enrolls in its transaction when payload and record conditions hold, once per event', async () => {
    const storage = await s.open('events')
    open.push(storage)
    const { crm, engine } = await setup({}, storage.storage, [shop])
    engine.register(bigOrder)
    const ana = await crm.contacts.create({ firstName: 'Ana', lifecycleStage: 'customer' })
    const bo = await crm.contacts.create({ firstName: 'Bo', lifecycleStage: 'lead' })
    const place = (crm.plugins as unknown as Record<string, { place: PlaceFn }>)['shop']!.place
    await place(ana.id, { id: 'ord_1', price: 120, sku: 'CD-7' })
    await place(ana.id, { id: 'ord_1', price: 120, sku: 'CD-7' }) // redelivered: same idempotency key
    await place(ana.id, { id: 'ord_2', price: 99.5, sku: 'CD-8' }) // below the threshold
    await place(bo.id, { id: 'ord_3', price: 500, sku: 'CD-9' }) // a lead, not a customer
    await place(ana.id, { id: 'ord_4', price: 130, sku: 'LP-1' }) // not a CD
    await expect(place(ana.id, { id: 'ord_5', price: 900, sku: 'CD-1' }, true)).rejects.toThrow('refused')
    await engine.runDue()
    const runs = (await engine.log()).items
    expect(runs.map((r) => [r.recordId, r.trigger, r.anchor])).toEqual([[ana.id, 'event', 'ord_1']])
    const tasks = (await crm.tasks.list()).items
    expect(tasks.map((t) => t.title)).toEqual(['Thank Ana'])
    // A second, distinct order fires again.
    await place(ana.id, { id: 'ord_6', price: 100, sku: 'CD-2' })
    await engine.runDue()
    expect(await crm.tasks.count()).toBe(2)
  })

  it('engine.emit and emitEvent actions trigger event rules; the payload reads with core’s filter semantics', async () => {
    const storage = await s.open('emit')
    open.push(storage)
    const { crm, engine, deal } = await setup({}, storage.storage)
    engine.register({
      id: 'flag',
      name: 'Flag scored deals',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'emitEvent', event: 'deal.scored', data: { score: 7, note: '客户很满意' } }],
    })
    engine.register({
      id: 'on-scored',
      name: 'Tag high scores',
      entity: 'deal',
      trigger: { type: 'event', event: 'deal.scored' },
      conditions: {
        and: [
          { field: 'body.score', op: 'in', value: [7, 8, 9] },
          { field: 'body.note', op: 'contains', value: '满意' },
        ],
      },
      actions: [{ type: 'addTag', tag: 'hot' }],
    })
    engine.register({
      id: 'on-review',
      name: 'Review by host event',
      entity: 'deal',
      trigger: { type: 'event', event: 'review.requested', recordIdFrom: 'dealId' },
      conditions: { field: 'body.reviewer', op: 'eq', value: 'usr_9' },
      actions: [{ type: 'addTag', tag: 'review' }],
    })
    const d = await deal('D1')
    await engine.runDue() // flag: emitEvent → on-scored enrolls; its step runs in the same drain
    await engine.runDue()
    expect((await crm.deals.get(d.id)).tags).toEqual(['hot'])
    const seen: unknown[] = []
    crm.events.on('review.requested', (e) => {
      seen.push(e)
    })
    await engine.emit('review.requested', { dealId: d.id, reviewer: 'usr_8' })
    await engine.emit('review.requested', { dealId: d.id, reviewer: 'usr_9' })
    await engine.emit('review.requested', { dealId: 'deal_missing', reviewer: 'usr_9' })
    await engine.runDue()
    expect((await crm.deals.get(d.id)).tags).toEqual(['hot', 'review'])
    expect(seen).toHaveLength(3)
    await expect(engine.emit('deal.created', { recordId: d.id })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })
})

type PlaceFn = (
  contactId: string,
  order: { id: string; price: number; sku: string },
  fail?: boolean,
) => Promise<void>
