import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * Runs `fn` on one connection while holding a session-level advisory lock keyed by the schema name, so concurrent
 * migrators (several app instances booting at once, a CI job next to a deploy) run one after another: the first
 * applies the DDL, the rest find the ledger up to date. The lock is released when `fn` settles, and by the server if
 * the connection dies. The key (`hashtextextended('rapport:<schema>', 0)`) differs per schema and from Kysely's own
 * migration lock, so a host's Kysely migrator on the same database never waits on ours.
 *
 * Single-connection engines (PGlite) are already serialised by Kysely's connection mutex and skip the lock.
 */
export async function withMigrationLock<T>(
  kysely: Kysely<any>,
  schema: string,
  multipleConnections: boolean,
  fn: (db: Kysely<any>) => Promise<T>,
): Promise<T> {
  if (!multipleConnections) return fn(kysely)
  const key = `rapport:${schema}`
  return kysely.connection().execute(async (db) => {
    await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(db)
    try {
      return await fn(db)
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(db)
    }
  })
}
