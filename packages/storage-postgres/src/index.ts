/**
 * `@rapport/storage-postgres`: Rapport's production storage on PostgreSQL (pg, or PGlite for tests) via Kysely.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createPostgresStorage } from '@rapport/storage-postgres'
 *
 * const storage = createPostgresStorage({ connectionString: 'postgres://app@db/app' }, { schema: 'crm' })
 * const crm = createCrm({ storage })
 * await crm.migrate() // creates schema "crm", its tables and the rapport_migrations ledger
 * ```
 *
 * @packageDocumentation
 */

export { POSTGRES_COLUMN_TYPES, postgresColumnType } from './postgres-column-types.js'
export { openPostgresConnection, type PostgresConnection } from './postgres-connection.js'
export { createPostgresDialect } from './postgres-dialect.js'
export {
  classifyPostgresError,
  isRetryablePostgresError,
  mapPostgresError,
  postgresConstraintColumns,
} from './postgres-error-mapper.js'
export { withMigrationLock } from './postgres-migration-lock.js'
export { postgresPeriodIndex } from './postgres-period-index.js'
export { withPostgresRetry } from './postgres-retry.js'
export {
  escapeLikePattern,
  type PostgresPathType,
  postgresAsciiFold,
  postgresJsonArrayContains,
  postgresJsonArrayIsEmpty,
  postgresJsonPath,
  postgresJsonPathLiteral,
  postgresTextMatch,
} from './postgres-sql.js'
export { createPostgresStorage, type PostgresStorage } from './postgres-storage.js'
export {
  DEFAULT_POSTGRES_RETRY,
  type PostgresConnectionSource,
  type PostgresStorageOptions,
  type ResolvedPostgresStorageOptions,
  resolvePostgresStorageOptions,
} from './postgres-storage-config.js'
export { decodePostgresCount, decodePostgresValue, encodePostgresValue } from './postgres-value-codec.js'
