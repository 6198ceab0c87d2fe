import { PGlite } from '@electric-sql/pglite'
import { createMemoryStorage } from '@rapport/core/testing'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { Kysely, PGliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { runSalesPipeline } from '../src/sales-pipeline.js'

describe('examples/sales-pipeline on Postgres (PGlite)', () => {
  it('tells the same story as on memory', async () => {
    const pglite = new PGlite()
    await pglite.waitReady
    const kysely = new Kysely<Record<string, never>>({ dialect: new PGliteDialect({ pglite }) })
    try {
      const postgres = await runSalesPipeline(createPostgresStorage({ kysely }))
      expect(postgres).toEqual(await runSalesPipeline(createMemoryStorage()))
      expect(postgres.refused.map((r) => r.guard)).toEqual(['policy', 'requiredFields'])
    } finally {
      await kysely.destroy()
    }
  })
})
