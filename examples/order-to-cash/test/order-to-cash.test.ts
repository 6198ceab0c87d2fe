import { createSqliteStorage } from '@rapport/storage-sqlite'
import { withPostgresStorage } from '@rapport/test-storages'
import { describe, expect, it } from 'vitest'
import { runOrderToCash } from '../src/order-to-cash.js'

const expected = {
  deal: { name: 'ACME rollout 2026', stage: 'Won' },
  quote: {
    statuses: ['draft', 'in_review', 'sent', 'accepted'],
    // the licence line named the product only: the EUR list priced it
    licencePrice: { unitPriceMinor: 120_000, source: 'default' },
    // licences 10 × 1,200.00 − 10 % at 19 %; onboarding 5,000.00 at 19 %; manuals 4 × 50.00 at 7 %
    lines: [
      [1_080_000, 205_200, 1_285_200],
      [500_000, 95_000, 595_000],
      [20_000, 1_400, 21_400],
    ],
    subtotalMinor: 1_600_000,
    taxMinor: 301_600,
    totalMinor: 1_901_600,
  },
  contract: { fromQuote: true, amountMinor: 1_901_600 },
  approval: { log: ['submitted', 'assigned', 'approved', 'stepApproved', 'completed'], status: 'active' },
  installments: [570_480, 570_480, 760_640],
  statuses: {
    '2026-02-20': ['partial', 'pending', 'pending'],
    '2026-03-15': ['overdue', 'pending', 'pending'],
    '2026-07-31': ['paid', 'paid', 'paid'],
  },
  // The first installment: 3 days before, on the day, +7 and +14; paid in full before +30 and before the others' turn.
  dunning: [
    { dueDate: '2026-02-28', offset: -3 },
    { dueDate: '2026-02-28', offset: 0 },
    { dueDate: '2026-02-28', offset: 7 },
    { dueDate: '2026-02-28', offset: 14 },
  ],
  aging: [
    { bucket: 'current', installments: 2, outstandingMinor: 1_331_120 },
    { bucket: '1-30', installments: 1, outstandingMinor: 270_480 },
    { bucket: '31-60', installments: 0, outstandingMinor: 0 },
    { bucket: '61-90', installments: 0, outstandingMinor: 0 },
    { bucket: '90+', installments: 0, outstandingMinor: 0 },
  ],
  balance: {
    currency: 'EUR',
    amountMinor: 1_901_600,
    receivedMinor: 1_901_600,
    unreceivedMinor: 0,
    unallocatedMinor: 0,
  },
}

describe('examples/order-to-cash', () => {
  it('runs lead to cash on SQLite', async () => {
    expect(await runOrderToCash(createSqliteStorage({ file: ':memory:' }))).toEqual(expected)
  })

  // The real server when RAPPORT_TEST_PG_URL names one (as in CI), else PGlite in process.
  it('and the same on Postgres', { timeout: 240_000 }, async () => {
    await withPostgresStorage('ex_o2c', {}, async (storage) => {
      expect(await runOrderToCash(storage)).toEqual(expected)
    })
  })
})
