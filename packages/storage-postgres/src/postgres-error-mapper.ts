import { isRapportError, RapportError } from '@rapport/core'

/** The fields Postgres drivers (pg, PGlite) put on a server error. */
interface PostgresServerError {
  readonly code?: unknown
  readonly message?: unknown
  readonly constraint?: unknown
  readonly table?: unknown
  readonly detail?: unknown
}

/** SQLSTATEs that a retry of the whole unit of work can cure. */
const RETRYABLE = new Set(['40001', '40P01'])

/** Integrity violations other than uniqueness: foreign key, RESTRICT, not-null, check, exclusion. */
const CONSTRAINT = new Set(['23503', '23001', '23502', '23514', '23P01'])

/** SQLSTATEs meaning "the server is too busy or waited too long": surfaced as `STORAGE_BUSY`. */
const BUSY = new Set([
  '40001', // serialization_failure (after the retry budget)
  '40P01', // deadlock_detected (after the retry budget)
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
])

/** SQLSTATEs meaning the connection died under the query. */
const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'])

/** Messages pg uses for client-side connection failures, which carry no SQLSTATE. */
const POOL_TIMEOUT =
  /timeout exceeded when trying to connect|timeout expired|Connection terminated due to connection timeout/i
const CONNECTION_DROPPED =
  /Connection terminated|Client has encountered a connection error|ECONNRESET|ECONNREFUSED|EPIPE|not queryable|Client was closed/i

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const code = (error as PostgresServerError).code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as PostgresServerError).message === 'string'
  ) {
    return (error as { message: string }).message
  }
  return String(error)
}

/** The driver error behind a Kysely wrapper (e.g. PGlite's `AbortedTransactionError`), if any. */
function unwrap(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 5; depth++) {
    if (sqlState(current) !== undefined) return current
    const cause = (current as { cause?: unknown } | null)?.cause
    if (cause === undefined || cause === null) return current
    current = cause
  }
  return current
}

/** A named prepared statement planned before another process altered its table (`0A000`, see PgPoolDriver). */
const STALE_PLAN = /cached plan must not change result type/

/**
 * True for errors that re-running the whole unit of work can cure: serialization failures (`40001`), deadlocks
 * (`40P01`), and a prepared statement gone stale under a migration run by another process (`0A000` "cached plan
 * must not change result type": the driver has already moved that statement to a fresh name).
 */
export function isRetryablePostgresError(error: unknown): boolean {
  const inner = unwrap(error)
  const code = sqlState(inner)
  if (code === '0A000') return STALE_PLAN.test(messageOf(inner))
  return code !== undefined && RETRYABLE.has(code)
}

/**
 * The columns a unique or foreign key violation names, from the server's detail (`Key (tenant_id, email)=(…)`).
 */
export function postgresConstraintColumns(error: unknown): readonly string[] | undefined {
  const detail = (unwrap(error) as PostgresServerError | null)?.detail
  if (typeof detail !== 'string') return undefined
  const match = /^Key \((.+?)\)=\(/.exec(detail)
  if (!match) return undefined
  return match[1]!.split(', ').map((column) => column.replace(/^"(.*)"$/, '$1').replaceAll('""', '"'))
}

/**
 * Classifies a pg or PGlite error the way `@rapport/storage-kysely` expects: `unique` (`23505`), `constraint`
 * (`23503`, `23001`, `23502`, `23514`, `23P01`), `busy` (serialization failures, deadlocks, lock and statement timeouts, too many
 * connections, an exhausted pool; the base retries these, then reports `STORAGE_BUSY`), or `undefined`.
 */
export function classifyPostgresError(error: unknown): 'unique' | 'constraint' | 'busy' | undefined {
  const inner = unwrap(error)
  const code = sqlState(inner)
  if (code === '23505') return 'unique'
  if (code !== undefined && CONSTRAINT.has(code)) return 'constraint'
  if (code !== undefined) return BUSY.has(code) ? 'busy' : undefined
  return POOL_TIMEOUT.test(messageOf(inner)) ? 'busy' : undefined
}

/**
 * Maps a pg or PGlite error to a `RapportError`:
 *
 * - `23505` → `UNIQUE_VIOLATION`; `23503`, `23001`, `23502`, `23514`, `23P01` → `CONSTRAINT_VIOLATION`;
 * - `40001`/`40P01` (once retries are spent), lock and statement timeouts, too many connections, and a pool that
 *   hands out no connection in time → `STORAGE_BUSY`;
 * - `42P01`/`3F000`/`42703` (missing table, schema or column) → `SCHEMA_OUTDATED`;
 * - a killed or dropped connection and everything else → `STORAGE_FAILURE`, with the driver error as `cause`.
 *
 * `RapportError`s pass through unchanged.
 */
export function mapPostgresError(error: unknown, operation = 'query'): RapportError {
  if (isRapportError(error)) return error
  const inner = unwrap(error)
  const code = sqlState(inner)
  const message = messageOf(inner)
  const server = (typeof inner === 'object' && inner !== null ? inner : {}) as PostgresServerError
  const details: Record<string, unknown> = { operation }
  if (code !== undefined) details['sqlState'] = code
  if (typeof server.constraint === 'string') details['constraint'] = server.constraint
  if (typeof server.table === 'string') details['table'] = server.table
  const options = { cause: error, details }

  if (code === '23505') {
    return new RapportError(
      'UNIQUE_VIOLATION',
      `Postgres: a unique constraint would be violated (${message})`,
      options,
    )
  }
  if (code !== undefined && CONSTRAINT.has(code)) {
    return new RapportError(
      'CONSTRAINT_VIOLATION',
      `Postgres: a constraint would be violated (${message})`,
      options,
    )
  }
  if (code === '40001' || code === '40P01') {
    return new RapportError(
      'STORAGE_BUSY',
      `Postgres: ${code === '40001' ? 'serialization failure' : 'deadlock'} persisted through every retry; try again later (${message})`,
      options,
    )
  }
  if (code !== undefined && BUSY.has(code)) {
    return new RapportError('STORAGE_BUSY', `Postgres is busy: ${message}`, options)
  }
  if (code === '42P01' || code === '3F000' || code === '42703') {
    return new RapportError(
      'SCHEMA_OUTDATED',
      `Postgres: the Rapport schema is missing or outdated; run crm.migrate() (${message})`,
      options,
    )
  }
  if (code === undefined && POOL_TIMEOUT.test(message)) {
    return new RapportError(
      'STORAGE_BUSY',
      'Postgres: no pooled connection became free in time (pool exhausted); raise the pool size or lower concurrency',
      options,
    )
  }
  if (
    (code !== undefined && CONNECTION_LOST.has(code)) ||
    (code === undefined && CONNECTION_DROPPED.test(message))
  ) {
    return new RapportError(
      'STORAGE_FAILURE',
      `Postgres: the connection was lost during the ${operation}; its transaction, if any, was rolled back (${message})`,
      options,
    )
  }
  return new RapportError('STORAGE_FAILURE', `Postgres: ${operation} failed (${message})`, options)
}
