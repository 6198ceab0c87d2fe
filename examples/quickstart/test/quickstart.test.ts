import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import type { QuickstartSummary } from '../src/quickstart.js'
import { formatSummary, runQuickstart } from '../src/quickstart.js'

const dir = mkdtempSync(join(tmpdir(), 'rapport-quickstart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function expectSummary(summary: QuickstartSummary) {
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
}

describe('quickstart', () => {
  it('seeds, queries and summarises a small CRM on a SQLite file (what `pnpm demo` runs)', async () => {
    const summary = await runQuickstart(createSqliteStorage({ file: join(dir, 'quickstart.db') }))
    expect(summary.storage).toBe('sqlite')
    expectSummary(summary)
  })

  it('gives the same answers on the in-memory adapter', async () => {
    const sqlite = await runQuickstart(createSqliteStorage({ file: join(dir, 'again.db') }))
    const memory = await runQuickstart(createMemoryStorage())
    expectSummary(memory)
    expect({ ...memory, storage: 'x', overdueTasks: memory.overdueTasks.map((t) => t.title) }).toEqual({
      ...sqlite,
      storage: 'x',
      overdueTasks: sqlite.overdueTasks.map((t) => t.title),
    })
  })
})
