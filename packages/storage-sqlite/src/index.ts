/**
 * `@rapport/storage-sqlite`: SQLite storage for Rapport (better-sqlite3 via Kysely), the embedded default.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { createSqliteStorage } from '@rapport/storage-sqlite'
 *
 * const crm = createCrm({ storage: createSqliteStorage({ file: './crm.db' }) })
 * await crm.migrate()
 * ```
 *
 * @packageDocumentation
 */
export {
  createSqliteStorage,
  defaultPragmas,
  type SqliteFileOptions,
  type SqliteKyselyOptions,
  type SqliteStorage,
  type SqliteStorageCommonOptions,
  type SqliteStorageOptions,
} from './create-sqlite-storage.js'
export { sqliteDialect, sqliteJsonPath } from './sqlite-dialect.js'
export { ftsQuery, searchTableName, sqliteFullTextSearch } from './sqlite-full-text-search.js'
export { type BetterSqliteDatabase, type BetterSqliteStatement, cachedStatements } from './statement-cache.js'
