import { createRequire } from 'node:module'
import { RapportError } from '@rapport/core'
import type { RetryPolicy } from '@rapport/core/retry'
import type { KyselyStorage } from '@rapport/storage-kysely'
import { createKyselyStorage } from '@rapport/storage-kysely'
import { Kysely, SqliteDialect } from 'kysely'
import type { Migration } from 'kysely/migration'
import { sqliteDialect } from './sqlite-dialect.js'
import type { BetterSqliteDatabase } from './statement-cache.js'
import { cachedStatements } from './statement-cache.js'

/** Options shared by both ways of opening SQLite storage. */
export interface SqliteStorageCommonOptions {
  /** Prepended to every model's table name (default none), e.g. `crm_` when sharing a database with the host. */
  readonly tablePrefix?: string
  /**
   * How a `SQLITE_BUSY` (another process holds the write lock beyond `busyTimeoutMs`) is retried before it becomes
   * `RapportError('STORAGE_BUSY')`: core's one `RetryPolicy` shape. Default: 6 attempts in all, 20 ms after the
   * first failure, doubling, at most 1 s.
   */
  readonly retry?: Partial<RetryPolicy>
  /** Hand-written migrations sharing the `rapport_migrations` ledger. */
  readonly migrations?: Readonly<Record<string, Migration>>
}

/** Opens (or creates) a database file that the storage owns and closes. */
export interface SqliteFileOptions extends SqliteStorageCommonOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly file: string
  /** How long SQLite itself waits for another writer's lock before reporting busy (default 5000 ms). */
  readonly busyTimeoutMs?: number
  /** Open read-only. */
  readonly readonly?: boolean
  /** Extra `PRAGMA`s run after the defaults, e.g. `{ cache_size: -64000 }`. */
  readonly pragmas?: Readonly<Record<string, string | number>>
}

/** Runs on the host's own Kysely instance (configured with Kysely's `SqliteDialect`); never closed by the storage. */
export interface SqliteKyselyOptions extends SqliteStorageCommonOptions {
  /** The host's Kysely instance. Enable `PRAGMA foreign_keys = ON` on its connection for referential integrity. */
  readonly kysely: Kysely<any>
}

/** Options of {@link createSqliteStorage}. */
export type SqliteStorageOptions = SqliteFileOptions | SqliteKyselyOptions

/** SQLite storage: a `StorageAdapter` plus the escape hatch `kysely`. */
export type SqliteStorage = KyselyStorage

/** What the direct path calls on a better-sqlite3 statement. */
interface DirectStatement {
  all(parameters: readonly unknown[]): unknown[]
  run(parameters: readonly unknown[]): unknown
}

type DatabaseConstructor = new (
  file: string,
  options?: { readonly?: boolean; timeout?: number; fileMustExist?: boolean },
) => BetterSqliteDatabase

function loadBetterSqlite(): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor
  } catch (cause) {
    throw new RapportError(
      'INVALID_CONFIG',
      'createSqliteStorage({ file }) needs the "better-sqlite3" package: install it, or pass your own { kysely }.',
      { cause },
    )
  }
}

/** The pragmas every file opened by the storage gets, in order. */
export function defaultPragmas(file: string, busyTimeoutMs: number): Record<string, string | number> {
  return {
    ...(file === ':memory:' || file === '' ? {} : { journal_mode: 'WAL' }),
    synchronous: 'NORMAL',
    foreign_keys: 'ON',
    busy_timeout: busyTimeoutMs,
    temp_store: 'MEMORY',
  }
}

/**
 * Opens SQLite storage, the embedded default.
 *
 * - `{ file }`: opens the file with better-sqlite3 in WAL mode with `synchronous=NORMAL`, `foreign_keys=ON`,
 *   `busy_timeout` and `temp_store=MEMORY`, caches prepared statements, and closes it on `close()`.
 * - `{ kysely }`: runs on the host's own Kysely instance (Kysely's `SqliteDialect`), which `close()` leaves open.
 *
 * Nothing touches the database until `crm.migrate()` (or `storage.migrations.apply(schema)`) runs. better-sqlite3 has
 * one synchronous connection, so operations and transactions are serialised through a queue: concurrent async
 * callers never interleave inside one transaction. Write transactions use `BEGIN IMMEDIATE`; `SQLITE_BUSY` is retried
 * within `retry`, then becomes `RapportError('STORAGE_BUSY')`.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createSqliteStorage } from '@rapport/storage-sqlite'
 *
 * const storage = createSqliteStorage({ file: './crm.db' })
 * const crm = createCrm({ storage })
 * await crm.migrate()
 * // escape hatch: the underlying Kysely instance
 * await storage.kysely.selectFrom('rapport_migrations').selectAll().execute()
 * ```
 */
export function createSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const common = {
    dialect: sqliteDialect,
    name: 'sqlite',
    ...(options.tablePrefix !== undefined ? { tablePrefix: options.tablePrefix } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.migrations ? { migrations: options.migrations } : {}),
  }
  if ('kysely' in options) {
    if (!(options.kysely instanceof Kysely)) {
      throw new RapportError('INVALID_CONFIG', 'createSqliteStorage({ kysely }) needs a Kysely instance.')
    }
    return createKyselyStorage({ ...common, db: options.kysely })
  }
  if (typeof options.file !== 'string') {
    throw new RapportError(
      'INVALID_CONFIG',
      'createSqliteStorage needs { file } (a path or ":memory:") or { kysely }.',
    )
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RapportError(
      'INVALID_CONFIG',
      `busyTimeoutMs must be a non-negative integer; got ${busyTimeoutMs}.`,
    )
  }
  const Database = loadBetterSqlite()
  let database: BetterSqliteDatabase
  try {
    database = new Database(options.file, { readonly: options.readonly ?? false, timeout: busyTimeoutMs })
  } catch (cause) {
    throw new RapportError('STORAGE_FAILURE', `Cannot open SQLite database "${options.file}".`, { cause })
  }
  const pragmas = { ...defaultPragmas(options.file, busyTimeoutMs), ...options.pragmas }
  for (const [name, value] of Object.entries(pragmas)) {
    if (!/^[a-z_]+$/.test(name) || !/^[A-Za-z0-9_-]+$/.test(String(value))) {
      database.close()
      throw new RapportError('INVALID_CONFIG', `Invalid pragma ${name} = ${String(value)}.`)
    }
    if (options.readonly && name === 'journal_mode') continue
    database.pragma(`${name} = ${value}`)
  }
  const statements = cachedStatements(database)
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: statements }) })
  // The direct path's own statements: it only ever calls `.all()` and `.run()`, which never leave a statement busy, so
  // it needs neither the shared cache's busy check (a call into the native module) nor its statements.
  const direct = new Map<string, DirectStatement>()
  const directStatement = (text: string) => {
    let statement = direct.get(text)
    if (!statement) {
      statement = database.prepare(text) as unknown as DirectStatement
      if (direct.size >= 256) direct.delete(direct.keys().next().value as string)
      direct.set(text, statement)
    }
    return statement
  }
  return createKyselyStorage({
    ...common,
    db,
    // better-sqlite3 is synchronous and single-connection: hot reads skip Kysely's async executor.
    directQuery: (text, parameters) => directStatement(text).all(parameters),
    // …and so do transaction control and bulk INSERTs: the storage owns the one connection.
    directRun: (text, parameters) => {
      directStatement(text).run(parameters)
    },
    onClose: () => db.destroy(),
  })
}
