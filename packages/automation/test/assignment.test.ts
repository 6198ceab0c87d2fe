import { describe, expect, it } from 'vitest'
import type { AssignmentStrategy, AutomationOptions } from '../src/index.js'
import { setup } from './helpers.js'

async function assignLeads(
  strategy: AssignmentStrategy,
  leads: Record<string, unknown>[],
  options: AutomationOptions = {},
) {
  const ctx = await setup(options)
  ctx.engine.register({
    id: 'assign',
    name: 'Assign new leads',
    entity: 'contact',
    trigger: { type: 'record', events: ['created'] },
    conditions: { field: 'ownerId', op: 'isNull', value: true },
    actions: [{ type: 'assignOwner', strategy }],
  })
  const ids: string[] = []
  for (const lead of leads) {
    ids.push((await ctx.crm.contacts.create(lead)).id)
    await ctx.engine.runDue()
  }
  const owners = await Promise.all(ids.map(async (id) => (await ctx.crm.contacts.get(id)).ownerId))
  return { ...ctx, owners, ids }
}

const names = (n: number) => Array.from({ length: n }, (_, i) => ({ firstName: `L${i}` }))

describe('assignment strategies', () => {
  it('round-robin with a persisted cursor', async () => {
    const { owners, crm } = await assignLeads({ kind: 'roundRobin', users: ['ann', 'bob', 'cy'] }, names(7))
    expect(owners).toEqual(['ann', 'bob', 'cy', 'ann', 'bob', 'cy', 'ann'])
    const cursor = (await crm.entity<{ key: string; value: unknown }>('automationState').list()).items.find(
      (s) => s.key.startsWith('rr:'),
    )
    expect(cursor?.value).toEqual({ last: 'ann' })
  })

  it('least-busy counts only open work, as configured', async () => {
    const ctx = await setup()
    for (const [owner, status] of [
      ['ann', 'active'],
      ['ann', 'active'],
      ['bob', 'active'],
      ['bob', 'inactive'],
      ['bob', 'inactive'],
    ] as const) {
      await ctx.crm.contacts.create({ firstName: 'x', ownerId: owner, status })
    }
    ctx.engine.register({
      id: 'lb',
      name: 'Least busy',
      entity: 'contact',
      trigger: { type: 'record', events: ['created'] },
      conditions: { field: 'ownerId', op: 'isNull', value: true },
      actions: [
        {
          type: 'assignOwner',
          strategy: {
            kind: 'leastBusy',
            users: ['ann', 'bob'],
            openWhere: { field: 'status', op: 'eq', value: 'active' },
          },
        },
      ],
    })
    const owners: unknown[] = []
    for (let i = 0; i < 3; i++) {
      const c = await ctx.crm.contacts.create({ firstName: `n${i}`, status: 'active' })
      await ctx.engine.runDue()
      owners.push((await ctx.crm.contacts.get(c.id)).ownerId)
    }
    // ann 2 open, bob 1 open → bob; then tie 2/2 → ann (order); then bob (2 vs 3)
    expect(owners).toEqual(['bob', 'ann', 'bob'])
  })

  it('weighted by capacity with a daily quota; quotas reset the next UTC day', async () => {
    const { owners, crm, engine, advance } = await assignLeads(
      {
        kind: 'weighted',
        users: [
          { id: 'ann', capacity: 2 },
          { id: 'bob', capacity: 1, dailyQuota: 1 },
        ],
      },
      names(6),
    )
    expect(owners.filter((o) => o === 'bob')).toHaveLength(1)
    expect(owners.filter((o) => o === 'ann')).toHaveLength(5)
    advance(86_400_000)
    const tomorrow: unknown[] = []
    for (let i = 0; i < 3; i++) {
      const next = await crm.contacts.create({ firstName: `tomorrow${i}` })
      await engine.runDue()
      tomorrow.push((await crm.contacts.get(next.id)).ownerId)
    }
    expect(tomorrow).toEqual(['ann', 'ann', 'bob'])
  })

  it('daily quotas count local days in the tenant’s time zone (core’s localDateOf), not UTC days', async () => {
    const quota: AssignmentStrategy = {
      kind: 'weighted',
      users: [
        { id: 'ann', capacity: 1 },
        { id: 'bob', capacity: 100, dailyQuota: 1 },
      ],
    }
    for (const [timeZone, expected] of [
      ['Asia/Shanghai', 'bob'],
      ['UTC', 'ann'],
    ] as const) {
      // 09:00Z = 17:00 in Beijing; bob takes his one lead of the day.
      const ctx = await assignLeads(quota, names(1), { timeZone })
      expect(ctx.owners).toEqual(['bob'])
      ctx.advance(8 * 3_600_000) // 17:00Z: 01:00 the next day in Beijing, the same day in UTC
      const next = await ctx.crm.contacts.create({ firstName: 'late' })
      await ctx.engine.runDue()
      expect([timeZone, (await ctx.crm.contacts.get(next.id)).ownerId]).toEqual([timeZone, expected])
    }
  })

  it('first-match territories by region, round-robin inside each, fallback for the rest', async () => {
    const { owners } = await assignLeads(
      {
        kind: 'territory',
        territories: [
          {
            name: 'emea',
            when: { field: 'address.country', op: 'in', value: ['FR', 'DE'] },
            users: ['fr1', 'fr2'],
          },
          { name: 'na', when: { field: 'address.country', op: 'eq', value: 'US' }, users: ['us1'] },
        ],
        fallback: ['desk'],
      },
      [
        { firstName: 'a', address: { country: 'FR' } },
        { firstName: 'b', address: { country: 'US' } },
        { firstName: 'c', address: { country: 'DE' } },
        { firstName: 'd', address: { country: 'JP' } },
        { firstName: 'e', address: { country: 'FR' } },
      ],
    )
    expect(owners).toEqual(['fr1', 'us1', 'fr2', 'desk', 'fr1'])
  })

  it('nobody eligible: the step fails permanently with AUTOMATION_NO_ASSIGNEE and the owner stays empty', async () => {
    const { owners, engine } = await assignLeads(
      {
        kind: 'territory',
        territories: [
          { name: 'emea', when: { field: 'address.country', op: 'eq', value: 'FR' }, users: ['fr1'] },
        ],
      },
      [{ firstName: 'x', address: { country: 'JP' } }],
    )
    expect(owners).toEqual([null])
    expect((await engine.deadLetters())[0]?.error).toMatchObject({ code: 'AUTOMATION_NO_ASSIGNEE' })
  })
})
