import { createSqliteStorage } from '@rapport/storage-sqlite'
import { withPostgresStorage } from '@rapport/test-storages'
import { beforeAll, describe, expect, it } from 'vitest'
import type { MarketingLoopReport } from '../src/marketing-loop.js'
import { runMarketingLoop } from '../src/marketing-loop.js'

describe('examples/marketing-loop', () => {
  let sqlite: MarketingLoopReport
  beforeAll(async () => {
    sqlite = await runMarketingLoop(createSqliteStorage({ file: ':memory:' }))
  })

  it('runs the whole loop on SQLite', () => {
    expect(sqlite.orders).toBe(657)
    expect(sqlite.customers).toBe(200)
    expect(sqlite.segments.atRisk).toBeGreaterThan(0)
    expect(sqlite.segments.highClv).toBeGreaterThan(0)
    expect(sqlite.targeted).toBe(sqlite.segments.atRisk)
    // One event was delivered twice: stored once.
    expect(sqlite.events.duplicates).toBe(1)
    expect(sqlite.attribution.deals).toBe(2)
    expect(sqlite.attribution.attributedRevenueMinor).toBe(9_000)
    expect(sqlite.attribution.roi).toBeCloseTo((9_000 - 5_000) / 5_000, 12)
    expect(sqlite.crossSell.length).toBeGreaterThan(0)
    expect(sqlite.kpis).toHaveLength(12)
    // One alert task per month whose repurchase rate fell, or churn rate rose, by more than 5 %.
    const fired = sqlite.kpis.filter(
      (p) => p.change !== null && (p.kpi === 'repurchase-rate' ? p.change < -0.05 : p.change > 0.05),
    )
    expect(fired.length).toBeGreaterThan(0)
    expect(sqlite.alerts).toHaveLength(fired.length)
  })

  // The real server when RAPPORT_TEST_PG_URL names one (as in CI), else PGlite in process.
  it('and the same on Postgres', async () => {
    await withPostgresStorage('ex_mkt', {}, async (storage) => {
      expect(await runMarketingLoop(storage)).toEqual(sqlite)
    })
  })
})
