import type { Kysely } from 'kysely'
import type { ModelMappings } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'

/**
 * How operations reach the database. Outside a transaction `run` serialises (single-connection engines) and retries
 * `busy` errors, and `atomic` opens a transaction; inside a transaction both run directly on it. Driver errors are
 * mapped to `RapportError`s by the operations, which know the model.
 */
export interface OperationRunner {
  /** Runs one unit of work (one or more statements that need no atomicity across them). */
  run<T>(work: (db: Kysely<any>) => Promise<T>): Promise<T>
  /** Runs work that must be all-or-nothing. */
  atomic<T>(work: (db: Kysely<any>) => Promise<T>): Promise<T>
  /**
   * The connection a read may run on synchronously right now, or `undefined` when it must take its turn through
   * `run`. Only single-connection engines answer: with nothing queued (or from inside the queued task itself, or
   * inside a transaction) the one connection is free, so a read needs no queue turn and none of the promises of
   * `run`. Absent on engines whose reads always go through `run`.
   */
  readonly idle?: () => Kysely<any> | undefined
  /**
   * Top-level reads on a pooled engine that offers {@link PooledQuery}: `db` compiles the statement (once per
   * shape, cached by the operations), `query` runs it on a pooled connection (busy errors retried like `run`).
   * Absent inside transactions.
   */
  readonly pooled?: {
    readonly db: Kysely<any>
    query(sql: string, parameters: readonly unknown[]): Promise<readonly unknown[]>
  }
}

/** Options of `createKyselyOperations`. */
export interface KyselyOperationsOptions {
  /** The engine's differences. */
  readonly dialect: SqlDialect
  /** Model → table and column names. */
  readonly mappings: ModelMappings
  /** Where statements run. */
  readonly runner: OperationRunner
  /** The most rows one `INSERT` writes (under the bind-parameter limit anyway). */
  readonly maxRowsPerStatement?: number
  /** Runs hot single-row reads straight on the driver; see {@link KyselyStorageConfig.directQuery}. */
  readonly directQuery?: DirectQuery
  /** Runs bulk INSERTs straight on the driver; see {@link KyselyStorageConfig.directRun}. */
  readonly directRun?: DirectRun
}

/**
 * Runs one statement that returns rows (a read, or an `INSERT … RETURNING`; SQL text as compiled by the adapter's own
 * Kysely instance, bound parameters) directly on the driver and returns its rows. Only valid when it runs on the same
 * connection Kysely would use (SQLite's single connection), so it sees the open transaction.
 */
export type DirectQuery = (
  sql: string,
  parameters: readonly unknown[],
) => readonly unknown[] | Promise<readonly unknown[]>

/**
 * Runs one statement that returns no rows (`BEGIN`, `COMMIT`, `ROLLBACK`, a multi-row `INSERT`) directly on the
 * driver. The same rule as {@link DirectQuery}: only on the one connection Kysely itself uses.
 */
export type DirectRun = (sql: string, parameters: readonly unknown[]) => void | Promise<void>

/**
 * Runs one read (SQL text as compiled by the adapter's own Kysely instance, bound parameters) on a connection of the
 * engine's pool, outside any transaction, straight on the driver, and returns its rows; `undefined` when it cannot
 * right now (the pool is not open), and the read then runs through Kysely.
 */
export type PooledQuery = (
  sql: string,
  parameters: readonly unknown[],
) => Promise<readonly unknown[]> | undefined
