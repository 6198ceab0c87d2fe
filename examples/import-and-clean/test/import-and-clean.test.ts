import { PGlite } from '@electric-sql/pglite'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { Kysely, PGliteDialect } from 'kysely'
import pg from 'pg'
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
    const url = process.env['RAPPORT_TEST_PG_URL']
    if (url) {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      const schema = `ex_clean_${Math.random().toString(16).slice(2, 10)}`
      try {
        expect(await runImportAndClean(createPostgresStorage({ pool }, { schema }))).toEqual(expected)
      } finally {
        await pool.query(`drop schema if exists "${schema}" cascade`)
        await pool.end()
      }
      return
    }
    const pglite = new PGlite()
    await pglite.waitReady
    const kysely = new Kysely<Record<string, never>>({ dialect: new PGliteDialect({ pglite }) })
    try {
      expect(await runImportAndClean(createPostgresStorage({ kysely }))).toEqual(expected)
    } finally {
      await kysely.destroy()
    }
  })
})
