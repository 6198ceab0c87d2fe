import type { SqliteDatabase, SqliteStatement } from 'kysely'

/** The part of a better-sqlite3 statement the storage uses (described structurally, as Kysely does). */
export interface BetterSqliteStatement extends SqliteStatement {
  /** True while an `iterate()` over this statement is open. */
  readonly busy: boolean
}

/** The part of a better-sqlite3 `Database` the storage uses. */
export interface BetterSqliteDatabase {
  /** Compiles a statement. */
  prepare(sql: string): BetterSqliteStatement
  /** Runs a `PRAGMA` statement. */
  pragma(source: string, options?: { simple?: boolean }): unknown
  /** Closes the database. */
  close(): void
}

/**
 * Wraps a better-sqlite3 database so Kysely reuses compiled statements: a bounded cache of `capacity` statements keyed by
 * SQL text (oldest evicted first) (Kysely's SQLite driver would otherwise `prepare()` every query). A statement still being iterated is never
 * handed out twice.
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect({ database: cachedStatements(new Database('crm.db')) })
 * ```
 */
export function cachedStatements(database: BetterSqliteDatabase, capacity = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqliteStatement>()
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql)
      if (hit && !hit.busy) return hit
      const statement = database.prepare(sql)
      cache.set(sql, statement)
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string)
      return statement
    },
    close() {
      cache.clear()
      database.close()
    },
  }
}
