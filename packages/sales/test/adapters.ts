import { randomBytes } from 'node:crypto'
import type { CrmPlugin } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import pg from 'pg'

/** The real Postgres server the suites run on (trust auth on 127.0.0.1 in development and CI). */
export const PG_URL = process.env['RAPPORT_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** One adapter the differential suites run on, with a way to drop what it created. */
export interface TestAdapter {
  readonly name: 'memory' | 'sqlite' | 'postgres'
  open(): { storage: StorageAdapter; dispose(): Promise<void> }
}

/** Memory, real SQLite (better-sqlite3, in memory) and the real Postgres server, each in a fresh database/schema. */
export const ADAPTERS: readonly TestAdapter[] = [
  {
    name: 'memory',
    open: () => ({ storage: createMemoryStorage(), dispose: async () => {} }),
  },
  {
    name: 'sqlite',
    open: () => {
      const storage = createSqliteStorage({ file: ':memory:' })
      return { storage, dispose: () => storage.close() }
    },
  },
  {
    name: 'postgres',
    open: () => {
      const schema = `t_sales_${randomBytes(5).toString('hex')}`
      const storage = createPostgresStorage({ connectionString: PG_URL }, { schema })
      return {
        storage,
        async dispose() {
          await storage.close()
          const client = new pg.Client({ connectionString: PG_URL })
          await client.connect()
          try {
            await client.query(`drop schema if exists "${schema}" cascade`)
          } finally {
            await client.end()
          }
        },
      }
    },
  },
]

/** A migrated CRM on `adapter` with `plugins`; call `dispose()` in `afterAll`. */
export async function openCrm<const P extends readonly CrmPlugin[]>(adapter: TestAdapter, plugins: P) {
  const { storage, dispose } = adapter.open()
  let now = new Date('2026-03-02T09:00:00.000Z')
  const crm = createCrm({ storage, plugins, clock: () => now })
  await crm.migrate()
  return {
    crm,
    tick(ms = 1000) {
      now = new Date(now.getTime() + ms)
    },
    async dispose() {
      await dispose()
    },
  }
}
