import { randomBytes } from 'node:crypto'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import pg from 'pg'

/** A storage under test and how to drop it. */
export interface TestStorage {
  readonly storage: StorageAdapter
  dispose(): Promise<void>
}

const PG_URL = process.env['RAPPORT_TEST_PG_URL'] || undefined

/** A fresh schema on the Postgres server of `RAPPORT_TEST_PG_URL` (CI sets it; without it the test fails, it never skips). */
async function openPostgres(label: string): Promise<TestStorage> {
  if (!PG_URL) throw new Error('Set RAPPORT_TEST_PG_URL to a Postgres server (CI does)')
  const schema = `t_auto_${label}_${randomBytes(4).toString('hex')}`
  const storage = createPostgresStorage({ connectionString: PG_URL }, { schema })
  return {
    storage,
    async dispose() {
      await storage.close()
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      try {
        await client.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await client.end()
      }
    },
  }
}

/** Memory, SQLite and Postgres: tests that compare automation with core's queries run on each. */
export const storages: readonly { readonly name: string; open(label: string): Promise<TestStorage> }[] = [
  { name: 'memory', open: async () => ({ storage: createMemoryStorage(), dispose: async () => {} }) },
  {
    name: 'sqlite',
    open: async () => {
      const storage = createSqliteStorage({ file: ':memory:' })
      return { storage, dispose: () => storage.close() }
    },
  },
  { name: 'postgres', open: (label) => openPostgres(label) },
]
