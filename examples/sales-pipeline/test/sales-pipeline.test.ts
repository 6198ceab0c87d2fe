import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { describe, expect, it } from 'vitest'
import type { SalesPipelineSummary } from '../src/sales-pipeline.js'
import { formatSummary, runSalesPipeline } from '../src/sales-pipeline.js'

function expectStory(summary: SalesPipelineSummary) {
  expect(summary.leadStatuses).toEqual(['New', 'Contacted', 'Qualified', 'Converted'])
  expect(summary.converted).toEqual({
    contact: 'Ada Lovelace',
    company: 'Acme Logistics',
    deal: 'Acme: warehouse robots',
  })
  expect(summary.refused.map((r) => [r.attempt, r.guard, r.missingFields])).toEqual([
    ['Prospecting → Negotiation', 'policy', []],
    ['Qualification → Proposal', 'requiredFields', ['expectedCloseDate']],
  ])
  expect(summary.history.map((h) => [h.from, h.to, h.days])).toEqual([
    [null, 'Prospecting', null],
    ['Prospecting', 'Qualification', 4],
    ['Qualification', 'Proposal', 6],
    ['Proposal', 'Negotiation', 9],
    ['Negotiation', 'Won', 5],
  ])
  expect(summary.daysInStage).toEqual({
    Prospecting: 4,
    Qualification: 6,
    Proposal: 9,
    Negotiation: 5,
    Won: 0,
  })
  expect(summary.finalDeal).toEqual({
    stage: 'Won',
    probability: 100,
    closedAt: '2026-03-30T09:00:00.000Z',
    amountEur: 48_000,
  })
  expect(summary.events).toEqual([
    'lead.converted',
    'deal.stage_changed',
    'deal.stage_changed',
    'deal.stage_changed',
    'deal.stage_changed',
    'deal.won',
  ])
}

describe('examples/sales-pipeline', () => {
  it('takes a lead to a won deal on memory storage', async () => {
    expectStory(await runSalesPipeline(createMemoryStorage()))
  })

  it('tells the same story on SQLite as on memory (differential)', async () => {
    const sqlite = await runSalesPipeline(createSqliteStorage({ file: ':memory:' }))
    expectStory(sqlite)
    expect(sqlite).toEqual(await runSalesPipeline(createMemoryStorage()))
    expect(formatSummary(sqlite)).toContain('guard=requiredFields missing=expectedCloseDate')
  })
})
