import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { formatSummary, runQuickstart } from '../src/quickstart.js'

describe('quickstart', () => {
  it('seeds, queries and summarises a small CRM', async () => {
    const summary = await runQuickstart(createMemoryStorage())
    expect(summary.counts).toEqual({ companies: 5, contacts: 12, deals: 10, activities: 5, tasks: 5 })
    expect(summary.myOpenDealsByStage.map((r) => [r.stage, r.deals])).toEqual([
      ['Prospecting', 1],
      ['Qualification', 1],
      ['Proposal', 1],
      ['Negotiation', 2],
    ])
    const negotiation = summary.myOpenDealsByStage.find((r) => r.stage === 'Negotiation')
    expect(negotiation?.amount).toBe(370_000)
    expect(negotiation?.weighted).toBe(296_000)
    expect(summary.overdueTasks.map((t) => t.title)).toEqual([
      'Follow up on volume pricing',
      'Send pilot proposal to Ada',
      'Qualify Globex expansion',
    ])
    expect(summary.acmeContacts).toEqual([
      'Charles Babbage (Head of Engineering)',
      'Grace Hopper (VP Operations)',
      'Ada Lovelace (CTO)',
    ])
    expect(summary.search).toContain('Robot arm demo')
    expect(summary.companiesWithOpenDeals).toEqual([
      'Acme Robotics',
      'Globex',
      'Initech',
      'Stark Logistics',
      'Umbrella Health',
    ])
    expect(formatSummary(summary)).toContain('My open deals by stage:')
  })
})
