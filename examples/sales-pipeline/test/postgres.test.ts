import { createMemoryStorage } from '@rapport/core/testing'
import { withPostgresStorage } from '@rapport/test-storages'
import { describe, expect, it } from 'vitest'
import { runSalesPipeline } from '../src/sales-pipeline.js'

// The real server when RAPPORT_TEST_PG_URL names one (as in CI), else PGlite in process.
describe('examples/sales-pipeline on Postgres', () => {
  it('tells the same story as on memory', async () => {
    const memory = await runSalesPipeline(createMemoryStorage())
    await withPostgresStorage('ex_pipeline', {}, async (storage) => {
      const postgres = await runSalesPipeline(storage)
      expect(postgres).toEqual(memory)
      expect(postgres.refused.map((r) => r.guard)).toEqual(['policy', 'requiredFields'])
    })
  })
})
