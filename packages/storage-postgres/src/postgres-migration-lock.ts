import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/** In-process migration queues of single-connection engines, per engine instance and schema. */
const LOCAL_QUEUES = new WeakMap<object, Map<string, Promise<void>>>()

/**
 * Runs `fn` on one connection while holding a session-level advisory lock keyed by the schema name, so concurrent
 * migrators (several app instances booting at once, a CI job next to a deploy) run one after another: the first
 * applies the DDL, the rest find the ledger up to date. The lock is released when `fn` settles, and by the server if
 * the connection dies. The key (`hashtextextended('rapport:<schema>', 0)`) differs per schema and from Kysely's own
 * migration lock, so a host's Kysely migrator on the same database never waits on ours.
 *
 * Single-connection engines (PGlite) live in this process, so an in-process queue per engine instance (`scope`)
 * and schema serialises them instead.
 */
export async function withMigrationLock<T>(
  kysely: Kysely<any>,
  schema: string,
  multipleConnections: boolean,
  fn: (db: Kysely<any>) => Promise<T>,
  scope: object = kysely,
): Promise<T> {
  if (!multipleConnections) {
    let queues = LOCAL_QUEUES.get(scope)
    if (!queues) LOCAL_QUEUES.set(scope, (queues = new Map()))
    const previous = queues.get(schema) ?? Promise.resolve()
    const run = previous.then(
      () => fn(kysely),
      () => fn(kysely),
    )
    queues.set(
      schema,
      run.then(
        () => undefined,
        () => undefined,
      ),
    )
    return run
  }
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
