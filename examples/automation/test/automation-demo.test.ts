import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemoSummary } from '../src/automation-demo.js'
import { formatDemo, runAutomationDemo } from '../src/automation-demo.js'

const dir = mkdtempSync(join(tmpdir(), 'rapport-example-automation-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function expectDemo(summary: DemoSummary) {
  expect(summary.leadOwners.map((l) => [l.name, l.owner])).toEqual([
    ['Élodie', 'usr_amelie'],
    ['Hans', 'usr_bruno'],
    ['Mia', 'usr_carla'],
    ['Oliver', 'usr_amelie'],
    ['Yuki', 'usr_desk'],
    ['Noah', 'usr_dan'],
  ])
  // Initech sat in Discovery, Globex later sat in Proposal: one reminder per stage entry, not one per day.
  expect(summary.staleReminders).toEqual([
    'Initech renewal has not moved for a week (for usr_bruno)',
    'Globex pilot has not moved for a week (for usr_amelie)',
  ])
  // Ada had a call every week; Alan went silent.
  expect(summary.reEngaged).toEqual(['Alan Turing'])
  expect(summary.poolEvents.map((e) => e.replace(/^\S+ /, ''))).toEqual([
    'warning: reclaim on 2026-04-01',
    'reclaimed (noFollowUp:30d)',
  ])
  expect(summary.claimedBy).toBe('usr_carla')
  expect(summary.runs).toEqual({ 'lead-assignment': 6, 'stale-deal-reminder': 2, 're-engagement': 1 })
  expect(formatDemo(summary)).toContain('Yuki     JP  → usr_desk')
}

describe('examples/automation', () => {
  it('runs on the memory adapter', async () => {
    expectDemo(await runAutomationDemo(createMemoryStorage()))
  })

  it('runs on a SQLite file', async () => {
    expectDemo(await runAutomationDemo(createSqliteStorage({ file: join(dir, 'demo.db') })))
  })
})
