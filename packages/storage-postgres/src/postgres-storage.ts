import type { RapportError } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type {
  MigrationPlan,
  MigrationReport,
  ModelDefinition,
  StorageAdapter,
  StorageMigrations,
  StorageOperations,
  StorageSchema,
  StorageTransaction,
} from '@rapport/core/storage'
import type { KyselyStorage } from '@rapport/storage-kysely'
import { columnName, createKyselyStorage } from '@rapport/storage-kysely'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { openPostgresConnection, quoteIdentifier } from './postgres-connection.js'
import { createPostgresDialect } from './postgres-dialect.js'
import { isRetryablePostgresError, mapPostgresError } from './postgres-error-mapper.js'
import { postgresIndexDdl } from './postgres-index-ddl.js'
import { withMigrationLock } from './postgres-migration-lock.js'
import { withPostgresRetry } from './postgres-retry.js'
import {
  applyRowSecurity,
  beginBoundSql,
  bindTenant,
  liftForcedRowSecurity,
  planRowSecurity,
} from './postgres-row-security.js'
import type { PostgresConnectionSource, PostgresStorageOptions } from './postgres-storage-config.js'
import { resolvePostgresStorageOptions } from './postgres-storage-config.js'

/** The Postgres storage adapter, with its escape hatches. */
export interface PostgresStorage extends StorageAdapter {
  /**
   * A Kysely instance on the adapter's connections with `search_path` set to its schema, for queries Rapport does
   * not offer (reports, exports). Unqualified table names resolve to the adapter's tables.
   */
  readonly kysely: Kysely<any>
  /** The Postgres schema holding the tables and the `rapport_migrations` ledger. */
  readonly schema: string
  /**
   * Runs `fn` in one transaction bound to `tenantId` (`set_config('app.tenant_id', $1, true)`, transaction-local),
   * as the runtime role when row-level security is on: the escape hatch for the host's own queries. Under RLS the
   * rows of other tenants are invisible to `fn` even when its SQL names no tenant; without RLS the binding has no
   * effect and `fn` must filter by `tenant_id` itself.
   *
   * @example
   * ```ts
   * const storage = createPostgresStorage({ connectionString }, { rls: true })
   * const rows = await storage.withTenant('t_acme', (db) => db.selectFrom('contact').selectAll().execute())
   * // only t_acme's contacts, although the query has no where clause
   * ```
   */
  withTenant<R>(tenantId: string, fn: (db: Kysely<any>) => Promise<R>): Promise<R>
  /** Row-level security as configured (`rls` option): the runtime role, or `undefined` when off. */
  readonly rowSecurity: { readonly role: string } | undefined
}

const OPERATIONS = [
  'create',
  'createMany',
  'findById',
  'findByIds',
  'findMany',
  'count',
  'updateById',
  'updateByIds',
  'updateMany',
  'deleteById',
  'deleteMany',
  'search',
] as const satisfies readonly (keyof StorageOperations)[]

/**
 * Re-maps an error from the base with the Postgres-specific mapper, which knows SQLSTATEs (constraint names,
 * `40001` vs `40P01`, a killed connection, an exhausted pool) and words the message for an operator.
 */
function refine(error: unknown, operation: string): RapportError {
  if (isRapportError(error)) {
    if (
      error.cause === undefined ||
      !['UNIQUE_VIOLATION', 'CONSTRAINT_VIOLATION', 'STORAGE_BUSY', 'STORAGE_FAILURE'].includes(error.code)
    ) {
      return error
    }
    const mapped = mapPostgresError(error.cause, operation)
    return mapped.code === 'STORAGE_FAILURE' && error.code !== 'STORAGE_FAILURE' ? error : mapped
  }
  return mapPostgresError(error, operation)
}

/** The fields behind a unique constraint or index name, so `UNIQUE_VIOLATION` can say which value clashed. */
function constraintFields(model: ModelDefinition, constraint: unknown): string[] | undefined {
  if (typeof constraint !== 'string') return undefined
  if (constraint === `${model.table}_pkey`.slice(0, 63) || constraint.endsWith('_pkey')) return ['id']
  for (const index of model.indexes) {
    const name = `${model.table}_${index.name}`
    if (constraint === name || (name.length > 63 && constraint.startsWith(name.slice(0, 54)))) {
      return index.fields.map((f) => (typeof f === 'string' ? f : f.field))
    }
  }
  return undefined
}

/** Adds `model` (and, for unique violations, `fields`) to an operation's error. */
function withModel(error: RapportError, args: unknown): RapportError {
  const model = (args as { model?: ModelDefinition } | undefined)?.model
  if (!model || typeof model.name !== 'string') return error
  if (error.details['model'] === undefined) error.details['model'] = model.name
  if (error.code === 'UNIQUE_VIOLATION' && error.details['fields'] === undefined) {
    const fields = constraintFields(model, error.details['constraint'])
    if (fields) error.details['fields'] = fields
  }
  return error
}

function refined<T extends object>(ops: T, names: readonly string[]): T {
  const out: Record<string, unknown> = { ...(ops as Record<string, unknown>) }
  for (const name of names) {
    const fn = (ops as Record<string, unknown>)[name]
    if (typeof fn !== 'function') continue
    out[name] = async (args: unknown) => {
      try {
        return await (fn as (a: unknown) => Promise<unknown>).call(ops, args)
      } catch (error) {
        throw withModel(refine(error, name), args)
      }
    }
  }
  return out as T
}

/** jsonb columns get a GIN index (jsonb_path_ops) so array membership and containment filters are indexed. */
function ginStatements(schema: StorageSchema): { name: string; index: string; sql: string }[] {
  const out: { name: string; index: string; sql: string }[] = []
  for (const model of Object.values(schema.models)) {
    for (const [field, definition] of Object.entries(model.fields)) {
      if (definition.type !== 'json') continue
      const column = columnName(field)
      const index = `${model.table}_${column}_gin`.slice(0, 63)
      out.push({
        name: `0450/gin/${index}`,
        index,
        sql: `create index if not exists ${quoteIdentifier(index)} on ${quoteIdentifier(model.table)} using gin (${quoteIdentifier(column)} jsonb_path_ops)`,
      })
    }
  }
  return out
}

/**
 * Creates Rapport's Postgres storage: tables in a named schema (default `rapport`) created by `migrations.apply()`
 * (which `crm.migrate()` calls), `bigint` money and versions, `timestamptz` instants, `jsonb` custom fields with GIN
 * and expression indexes, byte-wise (`COLLATE "C"`) strings, ASCII-only case folding, migrations serialised by an
 * advisory lock, and serialization failures and deadlocks retried within a bound.
 *
 * Given a `connectionString` it opens (and `close()` ends) its own `pg` pool; given the host's `pool` or `kysely`
 * instance it borrows connections and never closes them.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createPostgresStorage } from '@rapport/storage-postgres'
 *
 * const storage = createPostgresStorage({ connectionString: process.env.DATABASE_URL! }, { schema: 'crm' })
 * const crm = createCrm({ storage })
 * await crm.migrate()
 * ```
 */
export function createPostgresStorage(
  source: PostgresConnectionSource,
  options: PostgresStorageOptions = {},
): PostgresStorage {
  const resolved = resolvePostgresStorageOptions(source, options)
  const connection = openPostgresConnection(source, resolved)
  const { kysely, owner, multipleConnections } = connection
  const dialect = createPostgresDialect({ schema: resolved.schema })
  const name = multipleConnections ? 'postgres' : 'postgres (pglite)'
  const rls = resolved.rls
  const base: KyselyStorage = createKyselyStorage({
    db: kysely,
    dialect,
    name,
    retry: resolved.retry,
    capabilities: { concurrentWriters: multipleConnections },
    onClose: () => connection.close(),
    ...(connection.pooledQuery ? { pooledQuery: connection.pooledQuery } : {}),
    ...(rls
      ? {
          bindTenant: (trx: Kysely<any>, tenantId: string) => bindTenant(trx, rls.role, tenantId),
          // `begin; select set_config(…)` is two statements in one text: pg sends it by the simple protocol, but
          // PGlite prepares every query and refuses it, so PGlite opens and binds in two round trips.
          ...(multipleConnections
            ? { beginBoundSql: (tenantId: string) => beginBoundSql(rls.role, tenantId) }
            : {}),
        }
      : {}),
  })

  // Migrations run as the connecting user (the owner), never as the runtime role.
  const ownerBase = owner === kysely ? base : createKyselyStorage({ db: owner, dialect, name })
  const rlsPlan = async (schema: StorageSchema): Promise<string[]> =>
    rls
      ? planRowSecurity(
          owner,
          resolved.schema,
          rls.role,
          Object.values(schema.models).map((m) => m.table),
        )
      : []

  const ensureSchema = (db: Kysely<any>) =>
    sql`create schema if not exists ${sql.id(resolved.schema)}`.execute(db)

  const migrations: StorageMigrations = Object.freeze({
    async plan(schema: StorageSchema): Promise<MigrationPlan> {
      try {
        const exists = await sql<{
          n: number
        }>`select 1 as n from pg_namespace where nspname = ${resolved.schema}`.execute(owner)
        const createSchema =
          exists.rows.length === 0 ? [`create schema if not exists ${quoteIdentifier(resolved.schema)}`] : []
        if (createSchema.length > 0) {
          // Nothing exists yet: every table, index and GIN index will be created.
          const { statements } = await ownerBase.migrations.plan(schema)
          return {
            statements: [
              ...createSchema,
              ...statements.map(postgresIndexDdl),
              ...ginStatements(schema).map((g) => g.sql),
              ...(await rlsPlan(schema)),
            ],
          }
        }
        const { statements } = await ownerBase.migrations.plan(schema)
        const present = await existingIndexes(owner, resolved.schema)
        const gin = ginStatements(schema).filter((g) => !present.has(g.index))
        return {
          statements: [
            ...statements.map(postgresIndexDdl),
            ...gin.map((g) => g.sql),
            ...(await rlsPlan(schema)),
          ],
        }
      } catch (error) {
        throw refine(error, 'migrations.plan')
      }
    },
    async apply(schema: StorageSchema): Promise<MigrationReport> {
      try {
        return await withMigrationLock(
          owner,
          resolved.schema,
          multipleConnections,
          async (db) => {
            await ensureSchema(db)
            if (rls) await liftForcedRowSecurity(db, resolved.schema)
            // Everything runs on the connection holding the lock: with `pool: { max: 1 }` there is no other one,
            // and a second connection would wait for the first to give the lock back.
            const onLockedConnection = createKyselyStorage({ db, dialect, name })
            const report = await onLockedConnection.migrations.apply(schema)
            const present = await existingIndexes(db, resolved.schema)
            const gin = ginStatements(schema)
            const applied = [...report.applied]
            const skipped = [...report.skipped]
            for (const g of gin) {
              if (present.has(g.index)) {
                skipped.push(g.name)
                continue
              }
              await sql.raw(g.sql).execute(db)
              applied.push(g.name)
            }
            if (rls) {
              const secured = await applyRowSecurity(db, resolved.schema, rls)
              applied.push(...secured.applied)
              skipped.push(...secured.skipped)
            }
            return { applied, skipped: skipped.sort() }
          },
          connection.engine,
        )
      } catch (error) {
        throw refine(error, 'migrations.apply')
      }
    },
  })

  const transaction = async <R>(fn: (tx: StorageTransaction) => Promise<R>): Promise<R> => {
    // The callback's own errors are rethrown as they are (after the rollback); only driver errors are mapped and,
    // when transient, retried as a whole transaction.
    const own = new WeakSet<object>()
    const primitive: { error?: unknown } = {}
    const run = () =>
      base.transaction(async (tx) => {
        try {
          return await fn(refined(tx, OPERATIONS))
        } catch (error) {
          if (typeof error === 'object' && error !== null) own.add(error)
          else primitive.error = error
          throw error
        }
      })
    try {
      return await withPostgresRetry(resolved.retry, 'transaction', run, (error, operation) => {
        const original = ownError(error, own)
        if (original !== undefined) throw original
        return refine(error, operation)
      })
    } catch (error) {
      if ('error' in primitive) throw primitive.error
      throw error
    }
  }

  const storage: PostgresStorage = {
    ...refined(base, OPERATIONS),
    name: base.name,
    capabilities: base.capabilities,
    kysely,
    schema: resolved.schema,
    rowSecurity: rls,
    withTenant: (tenantId, fn) =>
      kysely.transaction().execute(async (trx) => {
        await bindTenant(trx, rls?.role, tenantId)
        return fn(trx)
      }),
    migrations,
    transaction,
    close: () => base.close(),
  }
  return Object.freeze(storage)
}

/** The callback's own error, when `error` is it or a base wrapper around it. */
function ownError(error: unknown, own: WeakSet<object>): unknown {
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if (own.has(current)) {
      // A RapportError the callback threw (e.g. from an operation) that is itself retryable is not "own" input.
      return isRetryablePostgresError(current) && depth === 0 ? undefined : current
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

async function existingIndexes(db: Kysely<any>, schema: string): Promise<Set<string>> {
  const rows = await sql<{
    indexname: string
  }>`select indexname from pg_indexes where schemaname = ${schema}`.execute(db)
  return new Set(rows.rows.map((r) => r.indexname))
}
