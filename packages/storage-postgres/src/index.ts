/**
 * `@rapport/storage-postgres`: Rapport's production storage on PostgreSQL (pg, or PGlite for tests) via Kysely.
 *
 * @example
 * ```ts
 * import { mapPostgresError } from '@rapport/storage-postgres'
 *
 * try {
 *   await run()
 * } catch (error) {
 *   throw mapPostgresError(error, 'import')
 * }
 * ```
 *
 * @packageDocumentation
 */
export { POSTGRES_COLUMN_TYPES, postgresColumnCheck, postgresColumnType } from './postgres-column-types.js'
export { openPostgresConnection, type PostgresConnection } from './postgres-connection.js'
export { isRetryablePostgresError, mapPostgresError } from './postgres-error-mapper.js'
export { withMigrationLock } from './postgres-migration-lock.js'
export { withPostgresRetry } from './postgres-retry.js'
export { postgresAsciiFold, postgresJsonPathLiteral } from './postgres-sql.js'
export {
  type PostgresConnectionSource,
  type PostgresRetryOptions,
  type PostgresStorageOptions,
  type ResolvedPostgresStorageOptions,
  resolvePostgresStorageOptions,
} from './postgres-storage-config.js'
export { decodePostgresCount, decodePostgresValue, encodePostgresValue } from './postgres-value-codec.js'
