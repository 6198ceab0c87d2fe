import { isRapportError } from '@rapport/core'
import { localDateOf } from '@rapport/core/time'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, describe, expect, it } from 'vitest'
import type { PublicPool } from '../src/index.js'
import { DAY, setup } from './helpers.js'

const open: TestStorage[] = []
afterAll(async () => {
  for (const s of open) await s.dispose()
})

const pool = (claim: PublicPool['claim']): PublicPool => ({
  id: 'beijing',
  entity: 'company',
  members: ['bob'],
  reclaim: [{ kind: 'noFollowUp', days: 1 }],
  claim,
})

describe.each(storages)('the daily claim limit counts days in the team’s time zone ($name)', (s) => {
  it('a Beijing day runs from 16:00Z to 16:00Z, not from UTC midnight (the day was split at 08:00 local)', async () => {
    const storage = await s.open('pooltz')
    open.push(storage)
    const { crm, engine, advance, now } = await setup(
      { pools: [pool({ dailyLimit: 1, timeZone: 'Asia/Shanghai' })] },
      storage.storage,
    )
    const names = ['A', 'B', 'C', 'D']
    const companies: { id: string }[] = []
    for (const name of names) companies.push(await crm.companies.create({ name, ownerId: 'ann' }))
    advance(DAY + 1) // 2026-03-03T09:00Z: every company silent for a day
    await engine.tick()
    expect((await engine.pools.list('beijing')).sort()).toEqual(companies.map((c) => c.id).sort())
    const at = (iso: string) => advance(Date.parse(iso) - now().getTime())
    const claim = (i: number) =>
      engine.pools.claim('beijing', companies[i]!.id, 'bob').then(
        () => 'claimed',
        (e: unknown) => (isRapportError(e, 'AUTOMATION_CLAIM_REFUSED') ? String(e.details['reason']) : e),
      )
    at('2026-03-03T15:00:00Z') // 23:00 in Beijing, 3 March
    expect(await claim(0)).toBe('claimed')
    at('2026-03-03T16:30:00Z') // 00:30 in Beijing, 4 March: a new day there (still 3 March in UTC)
    expect(localDateOf(now(), 'Asia/Shanghai')).toBe('2026-03-04')
    expect(await claim(1)).toBe('claimed')
    at('2026-03-04T01:00:00Z') // 09:00 in Beijing, still 4 March there (a new day in UTC)
    expect(await claim(2)).toBe('daily-limit')
    expect((await crm.companies.get(companies[2]!.id)).ownerId).toBeNull()
    at('2026-03-04T16:00:00Z') // midnight in Beijing, 5 March
    expect(await claim(2)).toBe('claimed')
    expect((await engine.pools.log('beijing')).items.filter((l) => l.action === 'claim')).toHaveLength(3)
  })
})

describe('the claim limit’s time zone', () => {
  it('defaults to the plugin’s timeZone (the tenant’s), then UTC; an unknown zone is refused at startup', async () => {
    const tenant = await setup({ timeZone: 'Asia/Shanghai', pools: [pool({ dailyLimit: 1 })] })
    const utc = await setup({ pools: [pool({ dailyLimit: 1 })] })
    for (const [ctx, second] of [
      [tenant, 'claimed'],
      [utc, 'daily-limit'],
    ] as const) {
      const a = await ctx.crm.companies.create({ name: 'A', ownerId: 'ann' })
      const b = await ctx.crm.companies.create({ name: 'B', ownerId: 'ann' })
      ctx.advance(DAY + 1)
      await ctx.engine.tick()
      ctx.advance(Date.parse('2026-03-03T15:00:00Z') - ctx.now().getTime())
      await ctx.engine.pools.claim('beijing', a.id, 'bob')
      ctx.advance(2 * 3_600_000) // 17:00Z: 4 March in Beijing, 3 March in UTC
      const result = await ctx.engine.pools.claim('beijing', b.id, 'bob').then(
        () => 'claimed',
        (e: { details: { reason: string } }) => e.details.reason,
      )
      expect(result).toBe(second)
    }
    const bad = await setup({ pools: [pool({ dailyLimit: 1, timeZone: 'Mars/Olympus' })] }).catch(
      (e: unknown) => e,
    )
    expect(isRapportError(bad, 'AUTOMATION_INVALID_RULE')).toBe(true)
    const badTenant = await setup({ timeZone: 'Mars/Olympus' }).catch((e: unknown) => e)
    expect(isRapportError(badTenant, 'AUTOMATION_INVALID_CONFIG')).toBe(true)
  })
})
