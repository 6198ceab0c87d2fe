import { isRapportError, RapportError } from '@rapport/core'
import type { ModelMapping } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'

/**
 * Maps a driver error to a `RapportError` through {@link SqlDialect.classifyError}: unique violations become
 * `UNIQUE_VIOLATION`, other constraint violations `CONSTRAINT_VIOLATION`, lock and pool exhaustion `STORAGE_BUSY`,
 * everything else `STORAGE_FAILURE`. `RapportError`s pass through unchanged. The driver error is kept as `cause`.
 * With the model's `mapping`, `details` names the `model` and, when the dialect can tell, the violated `fields`.
 *
 * @example
 * ```ts
 * try { await query() } catch (err) { throw toRapportError(err, dialect, { model: 'contact' }) }
 * ```
 */
export function toRapportError(
  error: unknown,
  dialect: SqlDialect,
  details: Record<string, unknown> = {},
  mapping?: ModelMapping,
): RapportError {
  if (isRapportError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  const withDriver: Record<string, unknown> = { ...details, dialect: dialect.name }
  if (mapping) {
    withDriver['model'] = mapping.model.name
    const columns = dialect.constraintColumns?.(error)
    if (columns) {
      withDriver['fields'] = columns
        .map((c) => mapping.byColumn.get(c)?.field)
        .filter((f): f is string => f !== undefined && f !== 'tenantId')
    }
  }
  switch (dialect.classifyError(error)) {
    case 'unique':
      return new RapportError('UNIQUE_VIOLATION', `Unique constraint violated: ${message}`, {
        cause: error,
        details: withDriver,
      })
    case 'constraint':
      return new RapportError('CONSTRAINT_VIOLATION', `Constraint violated: ${message}`, {
        cause: error,
        details: withDriver,
      })
    case 'busy':
      return new RapportError('STORAGE_BUSY', `The database is busy: ${message}`, {
        cause: error,
        details: withDriver,
      })
    default:
      return new RapportError('STORAGE_FAILURE', `Storage failure: ${message}`, {
        cause: error,
        details: withDriver,
      })
  }
}
