import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import type { CrmPlugin } from '@rapport/core'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import type { PostgresStorage, PostgresStorageOptions } from '@rapport/storage-postgres'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import type { Kysely } from 'kysely'
import { Kysely as KyselyClient, PGliteDialect, sql } from 'kysely'
import pg from 'pg'

/**
 * The workspace's one test wiring of the three storages, shared by every package's differential suites (it was
 * copied into nine packages, and the copies had drifted: some fell back to PGlite without a server, some failed,
 * some assumed one). Not published.
 */

/** A storage under test and how to drop what it created. */
export interface TestStorage {
  readonly storage: StorageAdapter
  dispose(): Promise<void>
}

/** The Postgres server of `RAPPORT_TEST_PG_URL` (CI sets it), or `undefined` to run the Postgres suites on PGlite. */
export const PG_URL: string | undefined = process.env['RAPPORT_TEST_PG_URL'] || undefined

/**
 * A fresh schema on the real Postgres server (`RAPPORT_TEST_PG_URL`), or on an in-process PGlite without one; the
 * schema is dropped on `dispose()`.
 */
export async function openPostgres(
  label: string,
): Promise<TestStorage & { readonly schema: string; readonly kysely: Kysely<any> }> {
  const schema = `t_${label}_${randomBytes(4).toString('hex')}`
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
  const kysely = new KyselyClient<any>({ dialect: new PGliteDialect({ pglite }) })
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

/**
 * Runs `body` on a Postgres storage in a fresh schema, on the real server of `RAPPORT_TEST_PG_URL` or else an
 * in-process PGlite, and drops the schema afterwards. The connections belong to this helper and the storage only
 * borrows them, so `body` may close the storage (the examples do, through `crm.close()`). Every example's
 * "the same on Postgres" smoke test goes through it.
 */
export async function withPostgresStorage<T>(
  label: string,
  options: Omit<PostgresStorageOptions, 'schema'>,
  body: (storage: PostgresStorage) => Promise<T>,
): Promise<T> {
  const schema = `t_${label}_${randomBytes(4).toString('hex')}`
  if (PG_URL) {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
    try {
      return await body(createPostgresStorage({ pool }, { ...options, schema }))
    } finally {
      await pool.query(`drop schema if exists "${schema}" cascade`)
      await pool.end()
    }
  }
  const pglite = new PGlite()
  await pglite.waitReady
  const kysely = new KyselyClient<Record<string, never>>({ dialect: new PGliteDialect({ pglite }) })
  try {
    return await body(createPostgresStorage({ kysely }, { ...options, schema }))
  } finally {
    await kysely.destroy()
  }
}

/** One storage the differential suites run on. */
export interface TestAdapter {
  readonly name: 'memory' | 'sqlite' | 'postgres'
  /** Opens a fresh, empty storage; `label` names the Postgres schema, for finding a leftover one. */
  open(label?: string): Promise<TestStorage>
}

/** Memory, real SQLite (better-sqlite3, in memory) and Postgres (the real server, else PGlite), each fresh. */
export const storages: readonly TestAdapter[] = [
  { name: 'memory', open: async () => ({ storage: createMemoryStorage(), dispose: async () => {} }) },
  {
    name: 'sqlite',
    open: async () => {
      const storage = createSqliteStorage({ file: ':memory:' })
      return { storage, dispose: () => storage.close() }
    },
  },
  { name: 'postgres', open: (label = 'test') => openPostgres(label) },
]

/** The same three storages, under the name the plugin packages' suites use. */
export const ADAPTERS: readonly TestAdapter[] = storages

/** A migrated CRM on a fresh storage of `adapter`, with a clock the test moves. */
export interface TestCrm<P extends readonly CrmPlugin[]> {
  readonly crm: ReturnType<typeof createCrm<P>>
  /** Moves the default clock on by `ms` (default 1 s); a no-op when the test passed its own clock. */
  tick(ms?: number): void
  /** Closes the CRM's storage and drops what it created; call it in `afterAll`. */
  dispose(): Promise<void>
}

/**
 * A migrated CRM on a fresh storage of `adapter` with `plugins`. Its clock starts at 2026-03-02T09:00Z and moves only
 * by `tick()`, unless the test passes its own `clock`.
 */
export async function openCrm<const P extends readonly CrmPlugin[]>(
  adapter: TestAdapter,
  plugins: P,
  clock?: () => Date,
): Promise<TestCrm<P>> {
  const { storage, dispose } = await adapter.open()
  let now = new Date('2026-03-02T09:00:00.000Z')
  const crm = createCrm({ storage, plugins, clock: clock ?? (() => now) })
  await crm.migrate()
  return {
    crm,
    tick(ms = 1000) {
      now = new Date(now.getTime() + ms)
    },
    dispose,
  }
}

/**
 * The `code` of the RapportError `promise` rejects with, `'no error'` when it resolves. Any other rejection is thrown
 * again, so a test asserting a code never passes on an unexpected crash.
 *
 * @example
 * ```ts
 * expect(await codeOf(crm.contacts.create({ firstName: 1 }))).toBe('VALIDATION_FAILED')
 * ```
 */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isRapportError(error)) return error.code
    throw error
  }
  return 'no error'
}
