import { describe, expect, it } from 'vitest'
import type { PublicPool, ScoringModel } from '../src/index.js'
import { DAY, setup } from './helpers.js'

const model: ScoringModel = {
  id: 'fit',
  entity: 'contact',
  rules: [
    { id: 'vp', when: { field: 'title', op: 'contains', value: 'vp', caseInsensitive: true }, points: 40 },
    { id: 'mql', when: { field: 'lifecycleStage', op: 'eq', value: 'mql' }, points: 30 },
  ],
  decay: { halfLife: { days: 10 } },
  thresholds: [{ score: 50, event: 'lead.qualified' }],
}
const pool: PublicPool = {
  id: 'smb',
  entity: 'company',
  members: ['bob'],
  reclaim: [{ kind: 'noFollowUp', days: 5 }],
  warnDaysBefore: 2,
}

describe('re-running a sweep at the same instant changes nothing', () => {
  it('scores, threshold events, pool warnings/reclaims and time-trigger runs are the same after a second run', async () => {
    const { crm, engine, advance, deal } = await setup({ scoring: [model], pools: [pool] })
    engine.register({
      id: 'close-soon',
      name: 'Close date in 3 days',
      entity: 'deal',
      trigger: { type: 'relative', field: 'expectedCloseDate', offset: { days: 3 }, direction: 'before' },
      actions: [{ type: 'emitEvent', event: 'deal.close_soon' }],
    })
    const events: string[] = []
    for (const name of ['lead.qualified', 'pool.reclaimed', 'pool.reclaim_warning', 'deal.close_soon']) {
      engine.events.on(name, () => {
        events.push(name)
      })
    }
    await crm.contacts.create({ firstName: 'Vera', title: 'VP', lifecycleStage: 'mql' })
    await crm.companies.create({ name: 'Quiet', ownerId: 'ann' })
    await deal('Soon', { expectedCloseDate: '2026-03-08' })
    await engine.runDue()
    const snapshot = async () => ({
      scores: (await crm.entity('automationScore').list({ orderBy: [{ field: 'id' }] })).items,
      pool: await engine.pools.list('smb'),
      poolLog: (await engine.pools.log('smb', { limit: 1000 })).items,
      runs: (await engine.log({ limit: 1000 })).items.map((r) => [r.id, r.status]),
      events: [...events],
      owners: (await crm.companies.list()).items.map((c) => c.ownerId),
    })
    for (const step of [3 * DAY + 1, 2 * DAY, 10 * DAY]) {
      advance(step)
      await engine.tick()
      const first = await snapshot()
      await engine.tick()
      await engine.sweep()
      await engine.runDue()
      expect(await snapshot()).toEqual(first)
    }
    // The runs did happen once each: a warning, a reclaim, one close-soon firing, one qualification.
    expect([...events].sort()).toEqual(
      ['deal.close_soon', 'lead.qualified', 'pool.reclaim_warning', 'pool.reclaimed'].sort(),
    )
  })
})
