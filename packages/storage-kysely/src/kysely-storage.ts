import { AsyncLocalStorage } from 'node:async_hooks'
import type { RetryPolicy } from '@rapport/core/retry'
import { resolveRetryPolicy } from '@rapport/core/retry'
import type {
  StorageAdapter,
  StorageCapabilities,
  StorageOperations,
  StorageTransaction,
} from '@rapport/core/storage'
import type { Kysely } from 'kysely'
import { CompiledQuery, sql } from 'kysely'
import type { Migration } from 'kysely/migration'
import { DEFAULT_BUSY_RETRY, withBusyRetry } from './busy-retry.js'
import { createKyselyMigrations } from './kysely-migrations.js'
import { createKyselyOperations } from './kysely-operations.js'
import { ModelMappings } from './model-mapping.js'
import type { DirectQuery, DirectRun, OperationRunner, PooledQuery } from './operation-runner.js'
import { SerialQueue } from './serial-queue.js'
import type { SqlDialect } from './sql-dialect.js'
import { toRapportError } from './storage-errors.js'

/** Options of {@link createKyselyStorage}. */
export interface KyselyStorageConfig {
  /** The Kysely instance to run on (the host's own, or one the engine package opened). */
  readonly db: Kysely<any>
  /** The engine's differences. */
  readonly dialect: SqlDialect
  /** `StorageAdapter.name`; defaults to the dialect name. */
  readonly name?: string
  /** Prepended to every model's table name (default none), e.g. `crm_` when sharing a database with the host. */
  readonly tablePrefix?: string
  /** How `busy` errors are retried (default {@link DEFAULT_BUSY_RETRY}); core's one `RetryPolicy` shape. */
  readonly retry?: Partial<RetryPolicy>
  /** The most rows one `INSERT` writes (the bind-parameter limit applies anyway). */
  readonly maxRowsPerStatement?: number
  /** Hand-written migrations sharing the `rapport_migrations` ledger (plugin data migrations and the like). */
  readonly migrations?: Readonly<Record<string, Migration>>
  /**
   * Optional fast path for hot single-row reads (`findById`): runs the adapter's compiled SQL straight on the driver,
   * skipping Kysely's executor. Only for single-connection drivers the storage owns (better-sqlite3), where it runs
   * on the very connection Kysely uses.
   */
  readonly directQuery?: DirectQuery
  /**
   * Optional, with `directQuery`: runs statements that return no rows (`BEGIN`, `COMMIT`, `ROLLBACK`, bulk
   * `INSERT`s) straight on the driver. Only for a single-connection driver the storage owns (better-sqlite3): a
   * transaction then runs on `db` itself, with no connection handle, Kysely instance or set of operations built per
   * transaction (its one connection is the connection; the queue keeps other callers out meanwhile).
   */
  readonly directRun?: DirectRun
  /**
   * Optional fast path for hot reads outside a transaction on a pooled engine (Postgres' own `pg.Pool`): runs the
   * adapter's compiled SQL on a pooled connection straight through the driver, skipping Kysely's executor (its
   * connection provider, query id and result plugins), as a hand-written repository would. Not used inside
   * transactions, which run on their own connection through Kysely, nor with `bindTenant`.
   */
  readonly pooledQuery?: PooledQuery
  /** Capability overrides (e.g. `concurrentWriters`); the rest are derived from the dialect. */
  readonly capabilities?: Partial<StorageCapabilities>
  /** Called by `close()` to release what the engine package opened; never destroys a host's instance. */
  readonly onClose?: () => Promise<void>
  /**
   * Binds a transaction to a tenant inside the database, e.g. Postgres row-level security's transaction-local
   * `set_config('app.tenant_id', …, true)`. When given, every operation called outside `transaction()` runs in a
   * transaction of its own, and an operation runs `bindTenant(trx, tenantId)` first whenever its transaction is not
   * already bound to that tenant (once per transaction in practice). The binding never outlives the transaction.
   */
  readonly bindTenant?: (trx: Kysely<any>, tenantId: string) => Promise<void>
  /**
   * Optional, with `bindTenant`: one SQL text (simple protocol, no parameters) that opens a transaction already bound
   * to `tenantId`, e.g. `begin; select set_config(…)`, so an operation outside `transaction()` costs one round trip
   * less. Return `undefined` to use `begin` plus `bindTenant` (e.g. for a tenant id that cannot be written as a
   * plain literal). Multi-connection engines only.
   */
  readonly beginBoundSql?: (tenantId: string) => string | undefined
}

/** A storage adapter built on Kysely, with the escape hatches an advanced host needs. */
export interface KyselyStorage extends StorageAdapter {
  /** The underlying Kysely instance, for queries Rapport does not offer. */
  readonly kysely: Kysely<any>
  /** The dialect the adapter runs with. */
  readonly dialect: SqlDialect
}

/**
 * Builds a complete `StorageAdapter` from a Kysely instance and a {@link SqlDialect}: operations, transactions
 * (serialised through a queue on single-connection engines, where write transactions open with
 * `dialect.beginTransactionSql`), busy retries, error mapping and migrations.
 *
 * @example
 * ```ts
 * import { createKyselyStorage } from '@rapport/storage-kysely'
 *
 * const storage = createKyselyStorage({ db, dialect: mySqlDialect, tablePrefix: 'crm_' })
 * await storage.migrations.apply(schema)
 * ```
 */
export function createKyselyStorage(config: KyselyStorageConfig): KyselyStorage {
  const { db, dialect } = config
  const retry = resolveRetryPolicy(config.retry, DEFAULT_BUSY_RETRY, 'createKyselyStorage')
  const mappings = new ModelMappings(config.tablePrefix ?? '')
  const queue = dialect.singleConnection ? new SerialQueue() : undefined
  // Calls made while a queued task runs (e.g. a read through the adapter itself from inside `transaction(fn)`) must
  // not wait for the queue, which waits for them: they run directly, on the one connection, inside the open
  // transaction. The async context tells them apart from unrelated concurrent callers.
  const context = new AsyncLocalStorage<{ trx?: Kysely<any> }>()
  const serial = <T>(task: () => Promise<T>): Promise<T> =>
    queue && !context.getStore() ? queue.run(() => context.run({}, task)) : task()
  const mapErrors = async <T>(task: () => Promise<T>): Promise<T> => {
    try {
      return await task()
    } catch (error) {
      throw toRapportError(error, dialect)
    }
  }

  // An owned single connection (see `directRun`) runs BEGIN/COMMIT straight on the driver and its transactions on
  // `db` itself; otherwise they go through Kysely on the connection handle of the transaction.
  const directRun = dialect.singleConnection && config.directQuery ? config.directRun : undefined
  const control = (conn: Kysely<any>, text: string): Promise<unknown> =>
    directRun
      ? Promise.resolve(directRun(text, NO_PARAMETERS))
      : conn.executeQuery(CompiledQuery.raw(text, []))
  const rollback = (conn: Kysely<any>) => control(conn, 'rollback').catch(() => undefined)

  /**
   * Runs `work` in one database transaction on one connection. Errors thrown by `work` itself propagate unchanged;
   * driver errors of BEGIN/COMMIT are mapped.
   */
  const inTransaction = <R>(work: (trx: Kysely<any>) => Promise<R>): Promise<R> => {
    const open = context.getStore()?.trx
    if (open) return work(open) // a transaction started from inside another joins it
    const own = { error: undefined as unknown, failed: false }
    const guarded = async (trx: Kysely<any>) => {
      try {
        return await work(trx)
      } catch (error) {
        own.failed = true
        own.error = error
        throw error
      }
    }
    return serial(async () => {
      try {
        if (!dialect.singleConnection) return await db.transaction().execute(guarded)
        const body = async (conn: Kysely<any>) => {
          const begin = dialect.beginTransactionSql ?? 'begin'
          // Only BEGIN is retried: nothing of `work` has run yet, so repeating it is safe.
          await withBusyRetry(() => control(conn, begin), dialect, retry)
          let result: R
          try {
            const store = context.getStore()
            if (store) store.trx = conn
            result = await guarded(conn)
          } catch (error) {
            await rollback(conn)
            throw error
          }
          const store = context.getStore()
          if (store) store.trx = undefined
          try {
            await control(conn, 'commit')
          } catch (error) {
            await rollback(conn)
            throw error
          }
          return result
        }
        return await (directRun ? body(db) : db.connection().execute(body))
      } catch (error) {
        if (own.failed && error === own.error) throw error
        throw toRapportError(error, dialect)
      }
    })
  }

  // A single operation's work is the adapter's own statements, which never call back into the adapter, so it takes
  // its turn in the queue without entering a fresh async context (on Node 24 each `run` copies the context frame,
  // a measurable part of a primary-key read); only transactions, which run the caller's code, need the context.
  const operation = <T>(task: () => Promise<T>): Promise<T> =>
    queue && !context.getStore() ? queue.run(task) : task()
  const topRunner: OperationRunner = {
    run: (work) => operation(() => withBusyRetry(() => work(db), dialect, retry)),
    atomic: inTransaction,
    // The same rule as `operation`: the connection is free when nothing is queued, or when this call comes from
    // inside the queued task (a transaction's own code) and so already owns it.
    ...(queue ? { idle: () => (queue.idle || context.getStore() ? db : undefined) } : {}),
    ...(config.pooledQuery && !queue
      ? {
          pooled: {
            db,
            query: (text: string, parameters: readonly unknown[]) =>
              withBusyRetry(
                () =>
                  config.pooledQuery!(text, parameters) ??
                  db.executeQuery(CompiledQuery.raw(text, [...parameters])).then((r) => r.rows),
                dialect,
                retry,
              ),
          },
        }
      : {}),
  }
  // The operations of a transaction on `db` itself (an owned single connection) are built once, not per transaction.
  let dbTransactionOps: StorageOperations | undefined
  const transactionOps = (trx: Kysely<any>): StorageOperations => {
    if (trx === db && dbTransactionOps) return dbTransactionOps
    const runner: OperationRunner = {
      run: (work) => work(trx),
      atomic: (work) => work(trx),
      ...(queue ? { idle: () => trx } : {}),
    }
    const inner = createKyselyOperations({
      dialect,
      mappings,
      runner,
      ...(config.maxRowsPerStatement !== undefined
        ? { maxRowsPerStatement: config.maxRowsPerStatement }
        : {}),
      ...(config.directQuery ? { directQuery: config.directQuery } : {}),
      ...(directRun ? { directRun } : {}),
    })
    const ops = config.bindTenant ? tenantBound(inner, trx, config.bindTenant, dialect) : inner
    if (trx === db) dbTransactionOps = ops
    return ops
  }
  const transaction = <R>(fn: (tx: StorageTransaction) => Promise<R>): Promise<R> =>
    inTransaction((trx) => fn(transactionOps(trx)))
  const opOn = (trx: Kysely<any>, name: string) =>
    (transactionOps(trx) as unknown as Record<string, Op>)[name]!
  /** One operation in a transaction opened and bound by a single statement (see `beginBoundSql`). */
  const boundRun = (text: string, name: string, args: { readonly tenantId: string }) =>
    db.connection().execute(async (conn) => {
      const rollback = () =>
        sql
          .raw('rollback')
          .execute(conn)
          .catch(() => undefined)
      try {
        await sql.raw(text).execute(conn)
      } catch (error) {
        await rollback()
        throw toRapportError(error, dialect)
      }
      BOUND.set(conn, args.tenantId)
      let result: unknown
      try {
        result = await opOn(conn, name)(args)
      } catch (error) {
        await rollback()
        throw error
      }
      try {
        await sql.raw('commit').execute(conn)
      } catch (error) {
        await rollback()
        throw toRapportError(error, dialect)
      }
      return result
    })
  const ops = config.bindTenant
    ? ownTransactions(
        (name, args) =>
          withBusyRetry(
            () => {
              const text = dialect.singleConnection ? undefined : config.beginBoundSql?.(args.tenantId)
              return text === undefined
                ? inTransaction((trx) => opOn(trx, name)(args))
                : boundRun(text, name, args)
            },
            dialect,
            retry,
          ),
        dialect,
      )
    : createKyselyOperations({
        dialect,
        mappings,
        runner: topRunner,
        ...(config.maxRowsPerStatement !== undefined
          ? { maxRowsPerStatement: config.maxRowsPerStatement }
          : {}),
        ...(config.directQuery ? { directQuery: config.directQuery } : {}),
        ...(directRun ? { directRun } : {}),
      })

  const migrations = createKyselyMigrations({
    dialect,
    mappings,
    ...(config.migrations ? { extraMigrations: config.migrations } : {}),
    run: (work) => mapErrors(() => serial(() => withBusyRetry(() => work(db), dialect, retry))),
  })

  const capabilities: StorageCapabilities = Object.freeze({
    transactions: true,
    fullTextSearch: dialect.fullTextSearch !== undefined,
    readableSearch: dialect.fullTextSearch?.keyIndex !== undefined,
    jsonPaths: true,
    concurrentWriters: true,
    orderAggregation: dialect.periodIndex !== undefined,
    aggregation: true,
    // rowProjection selects the asked fields in column (= model field) order, and the decoder builds a fresh row.
    exactReadFields: true,
    ...config.capabilities,
  })

  let closed = false
  const storage: KyselyStorage = {
    ...ops,
    name: config.name ?? dialect.name,
    capabilities,
    kysely: db,
    dialect,
    migrations,
    transaction,
    async scrub(schema) {
      const fts = dialect.fullTextSearch
      await mapErrors(() =>
        serial(async () => {
          for (const model of Object.values(schema.models)) {
            if (fts?.optimize && model.searchFields.length > 0)
              await fts.optimize(mappings.get(model)).execute(db)
          }
          for (const statement of dialect.scrubSql ?? []) await statement.execute(db)
        }),
      )
    },
    async close() {
      if (closed) return
      closed = true
      await serial(async () => {
        await config.onClose?.()
      })
    },
  }
  if (!dialect.fullTextSearch) delete (storage as { search?: unknown }).search
  return Object.freeze(storage)
}

const NO_PARAMETERS: readonly unknown[] = Object.freeze([])

type Op = (args: { readonly tenantId: string }) => Promise<unknown>

const OPERATION_NAMES = [
  'create',
  'createMany',
  'findById',
  'findByIds',
  'findMany',
  'count',
  'search',
  'updateById',
  'updateByIds',
  'updateMany',
  'deleteById',
  'deleteMany',
  'aggregateCustomerOrders',
  'aggregate',
  'newestKeys',
] as const satisfies readonly (keyof StorageOperations)[]

/** Which tenant each open transaction is bound to (see {@link KyselyStorageConfig.bindTenant}). */
const BOUND = new WeakMap<Kysely<any>, string>()

/** Operations on `trx` that bind it to their tenant before their first statement. */
function tenantBound(
  ops: StorageOperations,
  trx: Kysely<any>,
  bind: (trx: Kysely<any>, tenantId: string) => Promise<void>,
  dialect: SqlDialect,
): StorageOperations {
  const out: Record<string, unknown> = { ...(ops as unknown as Record<string, unknown>) }
  for (const name of OPERATION_NAMES) {
    const op = (ops as unknown as Record<string, Op | undefined>)[name]
    if (typeof op !== 'function') continue
    out[name] = async (args: { readonly tenantId: string }) => {
      if (BOUND.get(trx) !== args.tenantId) {
        try {
          await bind(trx, args.tenantId)
        } catch (error) {
          throw toRapportError(error, dialect)
        }
        BOUND.set(trx, args.tenantId)
      }
      return op.call(ops, args)
    }
  }
  return out as unknown as StorageOperations
}

/** Top-level operations that each run in a transaction of their own, through `run(name, args)`. */
function ownTransactions(
  run: (name: string, args: { readonly tenantId: string }) => Promise<unknown>,
  dialect: SqlDialect,
): StorageOperations {
  const out: Record<string, unknown> = {}
  for (const name of OPERATION_NAMES) {
    if (name === 'search' && !dialect.fullTextSearch) continue
    if (name === 'aggregateCustomerOrders' && dialect.periodIndex === undefined) continue
    out[name] = (args: { readonly tenantId: string }) => run(name, args)
  }
  return out as unknown as StorageOperations
}
