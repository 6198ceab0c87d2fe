import { createMemoryStorage, differentialSchema } from '@rapport/core/testing'
import { checkAdaptersAgree } from '@rapport/core/testing/differential'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

describe('differential: SQLite agrees with the in-memory reference adapter', () => {
  let sqlite: SqliteStorage
  const memory = createMemoryStorage()
  beforeAll(async () => {
    sqlite = createSqliteStorage({ file: ':memory:' })
    await sqlite.migrations.apply(differentialSchema)
    await memory.migrations.apply(differentialSchema)
  })
  afterAll(async () => {
    await sqlite.close()
    await memory.close()
  })

  it('random filters over random rows select the same ids in the same order, and count the same', async () => {
    await checkAdaptersAgree(
      [
        ['memory', memory],
        ['sqlite', sqlite],
      ],
      { numRuns: 150 },
    )
  })
})
