import { RapportError } from '@rapport/core'
import type { PooledQuery } from '@rapport/storage-kysely'
import type {
  DatabaseConnection,
  DatabaseIntrospector,
  DatabaseMetadataOptions,
  Dialect,
  DialectAdapter,
  Driver,
  PostgresPool,
  QueryCompiler,
  QueryResult,
  SchemaMetadata,
  TableMetadata,
  TransactionSettings,
} from 'kysely'
import {
  CompiledQuery,
  Kysely,
  PGliteAdapter,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely'
import { postgresIndexQuery } from './postgres-index-ddl.js'
import type { PgPool as DriverPool, PgPoolClient } from './postgres-pool-driver.js'
import { PgPoolDriver } from './postgres-pool-driver.js'
import type { PostgresConnectionSource, ResolvedPostgresStorageOptions } from './postgres-storage-config.js'

/** The Kysely instance the adapter runs on, scoped to its Postgres schema, and how to release it. */
export interface PostgresConnection {
  /**
   * Queries on it resolve unqualified names in the adapter's schema (`search_path`), whatever the source. With
   * row-level security they run as the runtime role.
   */
  readonly kysely: Kysely<any>
  /** The same connections as the connecting user (the tables' owner), for migrations; `kysely` when RLS is off. */
  readonly owner: Kysely<any>
  /** False for single-connection engines (PGlite): Kysely serialises every query and transaction on them. */
  readonly multipleConnections: boolean
  /** The object identifying the underlying engine (the host's instance or pool), for in-process locks. */
  readonly engine: object
  /** Releases what the adapter opened: its own pool, never the host's pool or Kysely instance. */
  close(): Promise<void>
  /**
   * On the adapter's own pool (not a borrowed one, and without a query log, which only Kysely's path writes): runs
   * one top-level read on a pooled connection straight on `pg` (see `PgPoolDriver.query`).
   */
  readonly pooledQuery?: PooledQuery
}

/** The slice of the `pg` module the adapter uses, so `pg` stays an optional peer dependency. */
interface PgModule {
  readonly Pool: new (config: Record<string, unknown>) => PgPool
}

/** The events of `pg.Pool` the adapter listens to. */
interface PgPool extends PostgresPool {
  on(event: 'error', listener: (error: Error) => void): unknown
  on(
    event: 'connect',
    listener: (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => void,
  ): unknown
}

async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as unknown as { default?: PgModule } & PgModule
  return mod.default ?? mod
}

/** Postgres' quoting of an identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Catalog errors a concurrent `DROP SCHEMA` / `DROP TABLE` by another session raises in Kysely's introspection query,
 * which reads every schema's tables (`pg_get_serial_sequence` on a relation that vanished meanwhile): invalid schema
 * name, undefined table.
 */
const VANISHED_RELATION = new Set(['3F000', '42P01'])
const INTROSPECTION_ATTEMPTS = 5

/**
 * Lists only the adapter's own schema, so migrations never mistake another schema's `deal` for ours. Kysely's query
 * reads the whole catalog, so a schema another session drops while it runs can fail it: that is retried, since it
 * says nothing about our own schema.
 *
 * @internal exported for its tests
 */
export class SchemaScopedIntrospector implements DatabaseIntrospector {
  readonly #inner: DatabaseIntrospector
  readonly #schema: string

  constructor(inner: DatabaseIntrospector, schema: string) {
    this.#inner = inner
    this.#schema = schema
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.#inner.getSchemas()
  }

  async getTables(options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#inner.getTables(options)).filter((table) => table.schema === this.#schema)
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code
        if (attempt >= INTROSPECTION_ATTEMPTS || typeof code !== 'string' || !VANISHED_RELATION.has(code))
          throw error
      }
    }
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables(options) }
  }
}

function beginStatement(settings: TransactionSettings, fallback: string): CompiledQuery {
  const level = settings.isolationLevel ?? fallback
  const mode = settings.accessMode ? ` ${settings.accessMode}` : ''
  return CompiledQuery.raw(`begin isolation level ${level}${mode}`)
}

interface LeasedConnection extends DatabaseConnection {
  release(): Promise<void>
}

/**
 * A driver that borrows connections from the host's Kysely instance (on pg or PGlite) and, for the lease, points
 * `search_path` at the adapter's schema, restoring the host's value before handing the connection back. The host's
 * pool, plugins and lifecycle stay untouched.
 */
class BorrowingDriver implements Driver {
  readonly #host: Kysely<any>
  readonly #searchPath: string
  readonly #isolation: string
  readonly #role: string | undefined

  /** With `role`, the lease also runs as that role (row-level security), restored with `search_path`. */
  constructor(host: Kysely<any>, schema: string, isolation: string, role?: string) {
    this.#host = host.withoutPlugins()
    this.#searchPath = quoteIdentifier(schema)
    this.#isolation = isolation
    this.#role = role
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return new Promise<DatabaseConnection>((resolve, reject) => {
      let giveBack!: () => void
      const returned = new Promise<void>((r) => {
        giveBack = r
      })
      let settled = false
      const lease = this.#host.connection().execute(async (conn) => {
        // One round trip: the select list is evaluated left to right, so `p` and `r` are the host's values.
        const role = this.#role
        const previous = await (role === undefined
          ? sql<{
              p: string
              r?: string
            }>`select current_setting('search_path') as p, set_config('search_path', ${this.#searchPath}, false) as s`
          : sql<{
              p: string
              r?: string
            }>`select current_setting('search_path') as p, current_setting('role') as r, set_config('search_path', ${this.#searchPath}, false) as s, set_config('role', ${role}, false) as t`
        ).execute(conn)
        const leased: LeasedConnection = {
          executeQuery: <R>(query: CompiledQuery) => conn.executeQuery(query) as Promise<QueryResult<R>>,
          streamQuery: () => {
            throw new Error('storage-postgres: streaming is not supported on a borrowed connection')
          },
          release: async () => {
            giveBack()
            await lease.catch(() => undefined)
          },
        }
        settled = true
        resolve(leased)
        await returned
        const restore =
          role === undefined
            ? sql`select set_config('search_path', ${previous.rows[0]?.p ?? ''}, false)`
            : sql`select set_config('search_path', ${previous.rows[0]?.p ?? ''}, false), set_config('role', ${previous.rows[0]?.r ?? 'none'}, false)`
        await restore.execute(conn).catch(() => undefined)
      })
      lease.catch((error: unknown) => {
        if (!settled) reject(error)
      })
    })
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(beginStatement(settings, this.#isolation))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as LeasedConnection).release()
  }

  async destroy(): Promise<void> {
    // The host owns its instance.
  }
}

/** Wraps a driver so the base's btree indexes are created `NULLS FIRST` (see {@link postgresIndexDdl}). */
function indexingDriver(inner: Driver): Driver {
  const outer = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const inners = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    let wrapped = outer.get(connection)
    if (!wrapped) {
      wrapped = {
        executeQuery: (query) => connection.executeQuery(postgresIndexQuery(query)),
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      }
      outer.set(connection, wrapped)
      inners.set(wrapped, connection)
    }
    return wrapped
  }
  const raw = (connection: DatabaseConnection) => inners.get(connection) ?? connection
  return {
    init: (options) => inner.init(options),
    acquireConnection: async (options) => wrap(await inner.acquireConnection(options)),
    beginTransaction: (connection, settings) => inner.beginTransaction(raw(connection), settings),
    commitTransaction: (connection) => inner.commitTransaction(raw(connection)),
    rollbackTransaction: (connection) => inner.rollbackTransaction(raw(connection)),
    releaseConnection: (connection, options) => inner.releaseConnection(raw(connection), options),
    destroy: (options) => inner.destroy(options),
  }
}

/** Postgres' query compiler and adapter, our driver, and an introspector that only sees the adapter's schema. */
function scopedDialect(
  schema: string,
  createDriver: () => Driver,
  adapter: DialectAdapter,
  introspectorFor: (db: Kysely<any>) => DatabaseIntrospector = (db) => new PostgresIntrospector(db),
): Dialect {
  return {
    createDriver: () => indexingDriver(createDriver()),
    createQueryCompiler: (): QueryCompiler => new PostgresQueryCompiler(),
    createAdapter: () => adapter,
    createIntrospector: (db) => new SchemaScopedIntrospector(introspectorFor(db), schema),
  }
}

/**
 * Builds the schema-scoped Kysely instance for a connection source:
 *
 * - `connectionString`: the adapter's own `pg.Pool`, whose connections start with `search_path` set to the schema
 *   (no per-query cost), and an `error` listener so a server-side kill of an idle connection evicts it instead of
 *   crashing the process; `close()` ends it;
 * - `pool` / `kysely`: connections are borrowed from the host, `search_path` is set for the lease and restored
 *   afterwards (two small statements per lease); `close()` leaves the host's objects alone.
 *
 * With row-level security (`options.rls`) every connection of `kysely` runs as the runtime role (`set role` once per
 * physical connection of the adapter's own pool, per lease on a borrowed one), and `owner` is a second instance on
 * the connecting user for migrations (a pool of at most 2, opened on first use).
 */
export function openPostgresConnection(
  source: PostgresConnectionSource,
  options: ResolvedPostgresStorageOptions,
): PostgresConnection {
  const { schema, isolationLevel } = options
  const role = options.rls?.role
  const log = options.log ? { log: options.log } : {}
  if ('connectionString' in source) {
    const poolOf = (max: number) => async (): Promise<DriverPool> => {
      const pg = await loadPg()
      const pool = new pg.Pool({
        connectionString: source.connectionString,
        max,
        connectionTimeoutMillis: options.pool.connectionTimeoutMillis,
        options: `-c search_path=${quoteIdentifier(schema)} -c default_transaction_isolation=${isolationLevel.replace(' ', '\\ ')}`,
      })
      pool.on('error', () => {
        // An idle connection died (server restart, pg_terminate_backend): pg already evicted it and the next
        // query opens a fresh one.
      })
      pool.on('connect', (client) => {
        // A checked-out connection that dies between two queries (e.g. idle in a transaction) emits `error` with
        // nobody listening, which would crash the process; the next query on it fails and is reported instead.
        client.on('error', () => {})
      })
      return pool as unknown as DriverPool
    }
    const asRole =
      role === undefined
        ? undefined
        : async (client: PgPoolClient) => {
            try {
              await client.query({ text: `set role ${quoteIdentifier(role)}`, values: [] })
            } catch (error) {
              throw new RapportError(
                'STORAGE_FAILURE',
                `row-level security: cannot run as the role ${role} (run crm.migrate() first, which creates it and grants it to the connecting user)`,
                { cause: error, details: { role } },
              )
            }
          }
    let driver: PgPoolDriver | undefined
    const kysely = new Kysely<any>({
      dialect: scopedDialect(
        schema,
        () => {
          driver = new PgPoolDriver(poolOf(options.pool.max), asRole)
          return driver
        },
        new PostgresAdapter(),
      ),
      ...log,
    })
    const owner =
      role === undefined
        ? kysely
        : new Kysely<any>({
            dialect: scopedDialect(schema, () => new PgPoolDriver(poolOf(2)), new PostgresAdapter()),
            ...log,
          })
    return {
      kysely,
      owner,
      multipleConnections: true,
      engine: owner,
      ...(options.log ? {} : { pooledQuery: (text, parameters) => driver?.query(text, parameters) }),
      close: async () => {
        await kysely.destroy()
        if (owner !== kysely) await owner.destroy()
      },
    }
  }
  const host =
    'kysely' in source
      ? source.kysely
      : new Kysely<any>({ dialect: new PostgresDialect({ pool: source.pool }) })
  const hostAdapter = host.getExecutor().adapter
  const multipleConnections =
    !(hostAdapter instanceof PGliteAdapter) && hostAdapter.supportsMultipleConnections !== false
  const borrowing = (asRole: string | undefined) =>
    new Kysely<any>({
      dialect: scopedDialect(
        schema,
        () => new BorrowingDriver(host, schema, isolationLevel, asRole),
        multipleConnections ? new PostgresAdapter() : new PGliteAdapter(),
      ),
      ...log,
    })
  const kysely = borrowing(role)
  return {
    kysely,
    owner: role === undefined ? kysely : borrowing(undefined),
    multipleConnections,
    engine: 'kysely' in source ? source.kysely : source.pool,
    // Never destroy the host's Kysely or end its pool; our wrapper holds nothing of its own.
    close: async () => {},
  }
}
