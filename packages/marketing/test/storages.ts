import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { Kysely, PGliteDialect, sql } from 'kysely'

/** A storage under test and how to drop it. */
export interface TestStorage {
  readonly storage: StorageAdapter
  dispose(): Promise<void>
}

const PG_URL = process.env['RAPPORT_TEST_PG_URL'] || undefined

/** A fresh Postgres schema on the real server (`RAPPORT_TEST_PG_URL`), or on an in-process PGlite without one. */
export async function openPostgres(
  label: string,
): Promise<TestStorage & { schema: string; kysely: Kysely<any> }> {
  const schema = `t_mkt_${label}_${randomBytes(4).toString('hex')}`
  if (PG_URL) {
    const storage = createPostgresStorage({ connectionString: PG_URL }, { schema })
    return {
      storage,
      schema,
      kysely: storage.kysely,
      async dispose() {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(storage.kysely)
        await storage.close()
      },
    }
  }
  const pglite = new PGlite()
  await pglite.waitReady
  const kysely = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) })
  const storage = createPostgresStorage({ kysely }, { schema })
  return {
    storage,
    schema,
    kysely,
    async dispose() {
      await storage.close()
      await kysely.destroy()
    },
  }
}

/** Memory, SQLite and Postgres: every behaviour test runs on each. */
export const storages: readonly { readonly name: string; open(label: string): Promise<TestStorage> }[] = [
  {
    name: 'memory',
    open: async () => ({ storage: createMemoryStorage(), dispose: async () => {} }),
  },
  {
    name: 'sqlite',
    open: async () => {
      const storage = createSqliteStorage({ file: ':memory:' })
      return { storage, dispose: () => storage.close() }
    },
  },
  { name: 'postgres', open: (label) => openPostgres(label) },
]
