import { RapportError } from '@rapport/core'
import type { RetryPolicy } from '@rapport/core/retry'
import { resolveRetryPolicy } from '@rapport/core/retry'
import type { Kysely, KyselyConfig, PostgresPool } from 'kysely'

/**
 * Where the adapter gets its connections. Exactly one of the three:
 *
 * - `connectionString`: the adapter opens (and `close()` ends) its own `pg.Pool`;
 * - `pool`: the host's own `pg.Pool` (or anything shaped like one); the adapter never ends it;
 * - `kysely`: the host's own `Kysely` instance on a Postgres or PGlite dialect; the adapter never destroys it.
 */
export type PostgresConnectionSource =
  | { readonly connectionString: string }
  | { readonly pool: PostgresPool }
  | { readonly kysely: Kysely<any> }

/**
 * The default retry of transient failures (serialization failures `40001`, deadlocks `40P01`, an exhausted pool): 5
 * attempts in all, 10 ms after the first failure, doubling up to 1 s, each delay jittered. Core's one `RetryPolicy`.
 */
export const DEFAULT_POSTGRES_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 10,
  maxDelayMs: 1000,
})

/** Options of {@link createPostgresStorage}. */
export interface PostgresStorageOptions {
  /**
   * The Postgres schema the adapter's tables (and its `rapport_migrations` ledger) live in, created by
   * `migrations.apply()` when missing. Default `rapport`. Lower-case letters, digits and `_`, at most 63 characters.
   */
  readonly schema?: string
  /**
   * How serialization failures and deadlocks are retried before they surface as `STORAGE_BUSY`: core's one
   * `RetryPolicy` shape (default {@link DEFAULT_POSTGRES_RETRY}).
   */
  readonly retry?: Partial<RetryPolicy>
  /**
   * The isolation level of `transaction()` (default `read committed`, Postgres' own default). `serializable`
   * transactions that lose a conflict are retried as a whole, so keep their callbacks free of side effects.
   */
  readonly isolationLevel?: 'read committed' | 'repeatable read' | 'serializable'
  /**
   * Only with `connectionString`: the pool the adapter opens. `max` connections (default 10) and how long a query
   * waits for a free connection before failing with `STORAGE_BUSY` (default 10,000 ms).
   */
  readonly pool?: { readonly max?: number; readonly connectionTimeoutMillis?: number }
  /** Kysely's query log (levels or a callback), e.g. to capture the SQL Rapport runs for `EXPLAIN`. */
  readonly log?: KyselyConfig['log']
  /**
   * Postgres row-level security as a tenant backstop (default off). With `true` (or `{ role }`):
   *
   * - `migrations.apply()` creates the runtime role (default `rapport_app`: `NOLOGIN`, no `BYPASSRLS`, owns
   *   nothing), and on every table with a `tenant_id` enables and FORCEs row-level security with a RESTRICTIVE
   *   policy `tenant_id = nullif(current_setting('app.tenant_id', true), '')`;
   * - every connection the adapter hands out (the `storage.kysely` escape hatch included) runs as
   *   that role, so a query that forgets `where tenant_id = …` sees no row at all;
   * - every operation runs in a transaction bound to its tenant with `set_config('app.tenant_id', $1, true)`
   *   (transaction-local: it cannot leak into the next checkout of a pooled connection), and
   *   `storage.withTenant()` does the same for the host's own queries.
   *
   * The connecting user must be able to create the role (or it must exist) and own the tables; migrations run as
   * that user. See docs/guides/access.md, "Postgres row-level security".
   */
  readonly rls?: boolean | { readonly role?: string }
}

/** The validated, frozen form of the options. */
export interface ResolvedPostgresStorageOptions {
  readonly schema: string
  readonly retry: RetryPolicy
  readonly isolationLevel: 'read committed' | 'repeatable read' | 'serializable'
  readonly pool: { readonly max: number; readonly connectionTimeoutMillis: number }
  readonly log?: KyselyConfig['log']
  /** Row-level security, when on: the runtime role. */
  readonly rls?: { readonly role: string }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

function invalid(message: string, details: Record<string, unknown> = {}): RapportError {
  return new RapportError('INVALID_CONFIG', `createPostgresStorage: ${message}`, { details })
}

function positiveInteger(value: unknown, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be an integer ≥ ${min}`, { [name]: value })
  }
  return value
}

/**
 * Checks the connection source and options, throwing `INVALID_CONFIG` for anything malformed, and returns frozen
 * defaults-applied options.
 */
export function resolvePostgresStorageOptions(
  source: PostgresConnectionSource,
  options: PostgresStorageOptions = {},
): ResolvedPostgresStorageOptions {
  if (typeof source !== 'object' || source === null)
    throw invalid('expected { connectionString } | { pool } | { kysely }')
  const given = (['connectionString', 'pool', 'kysely'] as const).filter(
    (key) => (source as Record<string, unknown>)[key] !== undefined,
  )
  if (given.length !== 1) {
    throw invalid('pass exactly one of connectionString, pool or kysely', { given })
  }
  if (
    'connectionString' in source &&
    (typeof source.connectionString !== 'string' || source.connectionString === '')
  ) {
    throw invalid('connectionString must be a non-empty string')
  }
  if ('pool' in source && typeof (source.pool as { connect?: unknown }).connect !== 'function') {
    throw invalid('pool must be a pg.Pool (an object with connect())')
  }
  if ('kysely' in source && typeof (source.kysely as { selectFrom?: unknown }).selectFrom !== 'function') {
    throw invalid('kysely must be a Kysely instance')
  }
  const schema = options.schema ?? 'rapport'
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw invalid('schema must match /^[a-z_][a-z0-9_]{0,62}$/ and not start with pg_', { schema })
  }
  const isolationLevel = options.isolationLevel ?? 'read committed'
  if (!['read committed', 'repeatable read', 'serializable'].includes(isolationLevel)) {
    throw invalid('isolationLevel must be read committed, repeatable read or serializable', {
      isolationLevel,
    })
  }
  if (options.pool !== undefined && !('connectionString' in source)) {
    throw invalid('pool options only apply with connectionString; configure your own pool directly')
  }
  const rls = resolveRls(options.rls)
  return Object.freeze({
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(rls === undefined ? {} : { rls }),
    schema,
    isolationLevel,
    retry: resolveRetryPolicy(options.retry, DEFAULT_POSTGRES_RETRY, 'createPostgresStorage'),
    pool: Object.freeze({
      max: positiveInteger(options.pool?.max, 'pool.max', 10),
      connectionTimeoutMillis: positiveInteger(
        options.pool?.connectionTimeoutMillis,
        'pool.connectionTimeoutMillis',
        10_000,
      ),
    }),
  })
}

function resolveRls(value: PostgresStorageOptions['rls']): { readonly role: string } | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return Object.freeze({ role: 'rapport_app' })
  if (typeof value !== 'object' || value === null)
    throw invalid('rls must be a boolean or { role }', { rls: value })
  const role = value.role ?? 'rapport_app'
  if (typeof role !== 'string' || !SCHEMA_NAME.test(role) || role.startsWith('pg_')) {
    throw invalid('rls.role must match /^[a-z_][a-z0-9_]{0,62}$/ and not start with pg_', { role })
  }
  return Object.freeze({ role })
}
