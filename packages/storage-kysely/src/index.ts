/**
 * `@rapport/storage-kysely`: the dialect-neutral SQL base of Rapport's storage adapters. It implements the storage
 * operations, the filter semantics, DDL and migrations once over Kysely; an engine package implements the small
 * {@link SqlDialect} interface and calls {@link createKyselyStorage}.
 *
 * @example
 * ```ts
 * import { createKyselyStorage, type SqlDialect } from '@rapport/storage-kysely'
 * import { Kysely } from 'kysely'
 *
 * declare const dialect: SqlDialect
 * declare const db: Kysely<any>
 * const storage = createKyselyStorage({ db, dialect })
 * ```
 *
 * @packageDocumentation
 */
export { DEFAULT_BUSY_RETRY, withBusyRetry } from './busy-retry.js'
export { chunk, rowsPerStatement } from './chunk.js'
export {
  type FilterCompileContext,
  FilterCompiler,
  type FilterParameterSink,
  foldAscii,
} from './filter-compiler.js'
export { aggregateRowsSql, type GroupedAggregationContext } from './grouped-aggregation.js'
export {
  createKyselyMigrations,
  diffSchema,
  type KyselyMigrationsOptions,
  MIGRATION_LOCK_TABLE,
  MIGRATION_TABLE,
  type MigrationStep,
  type MigrationTask,
} from './kysely-migrations.js'
export { createKyselyOperations, TABLE_ALIAS } from './kysely-operations.js'
export { createKyselyStorage, type KyselyStorage, type KyselyStorageConfig } from './kysely-storage.js'
export {
  type ColumnMapping,
  columnName,
  type ModelMapping,
  ModelMappings,
  mapModel,
} from './model-mapping.js'
export type {
  DirectQuery,
  DirectRun,
  KyselyOperationsOptions,
  OperationRunner,
  PooledQuery,
} from './operation-runner.js'
export { aggregateCustomerOrdersSql, type OrderAggregationContext } from './order-aggregation.js'
export type { RowDecoder } from './row-codec.js'
export { decodeRow, encodeRow, rowDecoder } from './row-codec.js'
export type { RowProjection } from './row-projection.js'
export { rowProjection } from './row-projection.js'
// The DDL builders (create table, indexes, foreign keys, set-null triggers) are internal: the migrations use them.
// Adapters get what they genuinely need: the name of schema objects and the statement type of a migration step.
export { type DdlStatement, objectName } from './schema-ddl.js'
export { backfillSearchDocuments, searchMigrationName } from './search-backfill.js'
export {
  KEY_RANGE_END,
  SEARCH_KEY_COLUMNS,
  type SearchKeyIndex,
} from './search-key-index.js'
export { searchColumns, searchStatement, type TieredSearch, tierStatement } from './search-statement.js'
export { SerialQueue } from './serial-queue.js'
export {
  type FullTextSearchMatch,
  type FullTextSearchQuery,
  LONG_LIST_THRESHOLD,
  type SetNullOnDeleteArgs,
  type SqlDialect,
  type SqlErrorKind,
  type SqlFullTextSearch,
  type SqlValueType,
} from './sql-dialect.js'
export { toRapportError } from './storage-errors.js'
