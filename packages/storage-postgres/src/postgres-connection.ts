import type { PostgresPool } from 'kysely'
import { Kysely, PGliteAdapter, PostgresDialect } from 'kysely'
import type { PostgresConnectionSource, ResolvedPostgresStorageOptions } from './postgres-storage-config.js'

/** The Kysely instance the adapter runs on, and whether the adapter owns it. */
export interface PostgresConnection {
  /** The instance queries run on. */
  readonly kysely: Kysely<any>
  /** True when the adapter created the pool/instance and so must release it in `close()`. */
  readonly owned: boolean
  /** False for single-connection engines (PGlite): Kysely serialises every query and transaction on them. */
  readonly multipleConnections: boolean
}

/** The slice of the `pg` module the adapter uses, so `pg` stays an optional peer dependency. */
interface PgModule {
  readonly Pool: new (
    config: Record<string, unknown>,
  ) => PostgresPool & {
    on(event: 'error', listener: (error: Error) => void): unknown
  }
}

async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule
  return mod.default ?? mod
}

/**
 * Builds (or adopts) the Kysely instance for a connection source. A pool opened from a connection string gets an
 * `error` listener, so a server-side kill of an idle connection is dropped from the pool instead of crashing the
 * process; host pools are left exactly as given.
 */
export function openPostgresConnection(
  source: PostgresConnectionSource,
  options: ResolvedPostgresStorageOptions,
): PostgresConnection {
  if ('kysely' in source) {
    const adapter = source.kysely.getExecutor().adapter
    return {
      kysely: source.kysely,
      owned: false,
      multipleConnections:
        !(adapter instanceof PGliteAdapter) && adapter.supportsMultipleConnections !== false,
    }
  }
  if ('pool' in source) {
    return {
      kysely: new Kysely<any>({ dialect: new PostgresDialect({ pool: source.pool }) }),
      owned: false,
      multipleConnections: true,
    }
  }
  const { connectionString } = source
  const dialect = new PostgresDialect({
    pool: async () => {
      const pg = await loadPg()
      const pool = new pg.Pool({
        connectionString,
        max: options.pool.max,
        connectionTimeoutMillis: options.pool.connectionTimeoutMillis,
      })
      pool.on('error', () => {
        // An idle client died (server restart, pg_terminate_backend): pg already evicted it; the next query
        // opens a fresh connection. Queries in flight surface their own error.
      })
      return pool
    },
  })
  return { kysely: new Kysely<any>({ dialect }), owned: true, multipleConnections: true }
}
