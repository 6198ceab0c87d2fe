import { isRapportError } from '@rapport/core'
import { describe, expect, it } from 'vitest'
import type { PublicPool, ScoringModel } from '../src/index.js'
import { DAY, setup } from './helpers.js'

const model: ScoringModel = {
  id: 'fit',
  entity: 'contact',
  rules: [
    {
      id: 'vp',
      when: { field: 'title', op: 'contains', value: 'vp', caseInsensitive: true },
      points: 20,
      group: 'fit',
    },
    { id: 'eu', when: { field: 'address.country', op: 'in', value: ['FR', 'DE'] }, points: 15, group: 'fit' },
    { id: 'mql', when: { field: 'lifecycleStage', op: 'eq', value: 'mql' }, points: 30 },
  ],
  groups: { fit: { cap: 25 } },
  decay: { halfLife: { days: 10 } },
  thresholds: [{ score: 50, event: 'lead.qualified' }],
}

describe('lead scoring', () => {
  it('points per condition, caps per group, decay over time, thresholds fire events once per crossing', async () => {
    const { crm, engine, advance } = await setup({ scoring: [model] })
    const qualified: unknown[] = []
    engine.events.on('lead.qualified', (e) => {
      qualified.push(e)
    })
    const c = await crm.contacts.create({ firstName: 'Vera', title: 'VP Sales', address: { country: 'FR' } })
    expect((await engine.score('fit', c.id)).score).toBe(25) // 20 + 15 capped at 25
    await crm.contacts.update(c.id, { lifecycleStage: 'mql' })
    await engine.runDue()
    const s = await engine.score('fit', c.id)
    expect(s.score).toBe(55)
    expect(s.rules.map((r) => r.ruleId)).toEqual(['vp', 'eu', 'mql'])
    expect(qualified).toEqual([expect.objectContaining({ model: 'fit', recordId: c.id, threshold: 50 })])
    advance(10 * DAY) // one half-life
    await engine.tick()
    const decayed = await engine.score('fit', c.id)
    expect(decayed.score).toBe(32.5) // fit: 10 + 7.5 (under the cap), mql: 15
    expect(decayed.crossed).toEqual([]) // below 50 again: the threshold is re-armed
    expect(qualified).toHaveLength(1)
    await crm.contacts.update(c.id, { lifecycleStage: 'sql' })
    expect((await engine.score('fit', c.id)).rules.map((r) => r.ruleId)).toEqual(['vp', 'eu'])
  })

  it('rejects invalid models with exact paths', async () => {
    const err = await setup({
      scoring: [
        {
          ...model,
          rules: [{ id: 'x', when: { field: 'titel', op: 'eq', value: 'x' }, points: 1, group: 'nope' }],
        },
      ],
    }).catch((e: unknown) => e)
    expect(isRapportError(err, 'AUTOMATION_INVALID_RULE')).toBe(true)
    expect((err as { issues: { path: unknown[] }[] }).issues.map((i) => i.path.join('.'))).toEqual([
      'scoring.rules.0.when.field',
      'scoring.rules.0.group',
    ])
  })
})

describe('public pool', () => {
  it('reclaims after N days without follow-up, warns before, logs, and enforces the claim policy', async () => {
    const pool: PublicPool = {
      id: 'smb',
      entity: 'company',
      members: ['ann', 'bob'],
      reclaim: [{ kind: 'noFollowUp', days: 30 }],
      exempt: { field: 'tags', op: 'eq', value: 'locked' },
      warnDaysBefore: 3,
      claim: { dailyLimit: 1, formerOwnerCooldownDays: 7, ownerCapacity: 2 },
    }
    const { crm, engine, advance, now } = await setup({ pools: [pool] })
    const events: [string, unknown][] = []
    engine.events.on('pool.reclaimed', (e) => {
      events.push(['reclaimed', e])
    })
    engine.events.on('pool.reclaim_warning', (e) => {
      events.push(['warning', e])
    })
    const acme = await crm.companies.create({ name: 'Acme', ownerId: 'ann' })
    const locked = await crm.companies.create({ name: 'Locked', ownerId: 'ann', tags: ['locked'] })
    const busy = await crm.companies.create({ name: 'Busy', ownerId: 'ann' })
    const reclaimAt = await engine.pools.reclaimAt('smb', acme.id)
    expect(reclaimAt).toEqual({ at: new Date(now().getTime() + 30 * DAY), reason: 'noFollowUp:30d' })
    expect(await engine.pools.reclaimAt('smb', locked.id)).toBeNull()
    advance(20 * DAY)
    await crm.activities.create({
      type: 'call',
      occurredAt: now(),
      targets: [{ type: 'company', id: busy.id }],
    })
    advance(7 * DAY + 1) // Acme: 27 days silent → warning
    await engine.tick()
    expect(events.map(([k]) => k)).toEqual(['warning'])
    await engine.tick()
    expect(events).toHaveLength(1) // warned once
    advance(3 * DAY)
    await engine.tick()
    expect(events.map(([k]) => k)).toEqual(['warning', 'reclaimed'])
    expect((await crm.companies.get(acme.id)).ownerId).toBeNull()
    expect((await crm.companies.get(busy.id)).ownerId).toBe('ann')
    expect((await crm.companies.get(locked.id)).ownerId).toBe('ann')
    expect(await engine.pools.list('smb')).toEqual([acme.id])

    const refuse = async (userId: string) => {
      const err = await engine.pools.claim('smb', acme.id, userId).catch((e: unknown) => e)
      expect(isRapportError(err, 'AUTOMATION_CLAIM_REFUSED')).toBe(true)
      expect((await crm.companies.get(acme.id)).ownerId).toBeNull()
      return (err as { details: { reason: string } }).details.reason
    }
    expect(await refuse('eve')).toBe('not-member')
    expect(await refuse('ann')).toBe('cooldown')
    await engine.pools.claim('smb', acme.id, 'bob')
    expect((await crm.companies.get(acme.id)).ownerId).toBe('bob')
    expect(await engine.pools.list('smb')).toEqual([])
    const log = await engine.pools.log('smb', { recordId: acme.id })
    expect(log.items.map((l) => [l.action, l.userId])).toEqual([
      ['warn', 'ann'],
      ['reclaim', 'ann'],
      ['claim', 'bob'],
    ])
    // Paged like every list API: two pages of one and two entries, then the same three through iterateLog.
    const first = await engine.pools.log('smb', { recordId: acme.id, limit: 1 })
    expect(first.items.map((l) => l.action)).toEqual(['warn'])
    expect(first.hasMore).toBe(true)
    const rest = await engine.pools.log('smb', { recordId: acme.id, limit: 2, cursor: first.nextCursor })
    expect(rest.items.map((l) => l.action)).toEqual(['reclaim', 'claim'])
    expect(rest.hasMore).toBe(false)
    const iterated = []
    for await (const entry of engine.pools.iterateLog('smb', { recordId: acme.id, limit: 1 }))
      iterated.push(entry)
    expect(iterated).toEqual(log.items)
    const tooBig = await engine.pools.log('smb', { limit: 1001 }).catch((e: unknown) => e)
    expect(isRapportError(tooBig, 'VALIDATION_FAILED')).toBe(true)
    // The claim reset the clock: reclaim is 30 days from the claim.
    expect((await engine.pools.reclaimAt('smb', acme.id))?.at).toEqual(new Date(now().getTime() + 30 * DAY))
  })
})
