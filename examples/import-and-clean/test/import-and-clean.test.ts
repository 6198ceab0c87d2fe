import { createSqliteStorage } from '@rapport/storage-sqlite'
import { withPostgresStorage } from '@rapport/test-storages'
import { describe, expect, it } from 'vitest'
import { runImportAndClean } from '../src/import-and-clean.js'

const expected = {
  imports: [
    // Ada's second row repeats her e-mail in capitals: skipped as a duplicate inside the file.
    { file: 'web-form.csv', counts: { created: 4, updated: 0, unchanged: 0, skipped: 1, failed: 0 } },
    { file: 'excel-gb18030.csv', counts: { created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 0 } },
  ],
  // Dora was already in the CRM (same phone typed another way); Grace came twice, once with a typo.
  review: [
    ['Dora Ma', 'Dora Ma'],
    ['Grace Hoper', 'Grace Hopper'],
  ],
  merged: 2,
  exported: [
    'firstName,lastName,email,phone',
    'Dora,Ma,dora@ma.example,+14155550142',
    'Ada,Lovelace,ada@analytical.dev,+14155550101',
    'Grace,Hopper,grace@navy.example,+12125550199',
    'Alan,Turing,alan@bletchley.example,+442079460958',
    '伟,王,wang.wei@example.cn,+8613812345678',
    '芳,李,li.fang@example.cn,+8613987654321',
  ],
}

describe('examples/import-and-clean', () => {
  it('imports, reviews, merges and exports on SQLite', async () => {
    expect(await runImportAndClean(createSqliteStorage({ file: ':memory:' }))).toEqual(expected)
  })

  // The real server when RAPPORT_TEST_PG_URL names one (as in CI), else PGlite in process.
  it('and the same on Postgres', { timeout: 240_000 }, async () => {
    await withPostgresStorage('ex_clean', {}, async (storage) => {
      expect(await runImportAndClean(storage)).toEqual(expected)
    })
  })
})
