import { RapportError } from '@rapport/core'
import type { FieldDefinition, StorageValue } from '@rapport/core/storage'
import type { SetNullOnDeleteArgs, SqlDialect, SqlValueType } from '@rapport/storage-kysely'
import { LONG_LIST_THRESHOLD } from '@rapport/storage-kysely'
import type { Expression, Kysely, RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import { sqliteFullTextSearch } from './sqlite-full-text-search.js'

/** SQLite's default `SQLITE_MAX_VARIABLE_NUMBER` since 3.32. */
const MAX_BIND_PARAMETERS = 32_766

/**
 * The `$."a"."b"` JSON path literal of `path`. Keys are written as SQL literals (never bound) so expression indexes
 * and filters compile to the same text; a key holding `"` or `\` is rejected.
 */
export function sqliteJsonPath(path: readonly string[]): string {
  for (const key of path) {
    if (key.length === 0 || /["\\]/.test(key) || [...key].some((c) => c.charCodeAt(0) < 0x20)) {
      throw new RapportError('INVALID_FILTER', `Unsupported JSON path key ${JSON.stringify(key)}.`, {
        details: { path },
      })
    }
  }
  return `$${path.map((key) => `."${key}"`).join('')}`
}

// The value encoders of `valueEncoder` (the same conversions as `encodeValue`, chosen once per column).
const encodeDatetime = (value: unknown): unknown => (value as Date).getTime()
const encodeBoolean = (value: unknown): unknown => (value ? 1 : 0)
const encodeJson = (value: unknown): unknown => JSON.stringify(value)
// The value decoders of `valueDecoder`, shared by every column of their type (better-sqlite3 returns numbers for
// integer and real columns and strings for text, so the common case is one check).
const decodeDatetime = (value: unknown): StorageValue => new Date(Number(value))
const decodeBoolean = (value: unknown): StorageValue => Number(value) !== 0
// Empty arrays and objects (phones, tags, custom on most rows) skip the parser: a fresh literal, same value.
const decodeJson = (value: unknown): StorageValue => {
  const text = String(value)
  return text === '[]' ? [] : text === '{}' ? {} : (JSON.parse(text) as StorageValue)
}
const decodeNumber = (value: unknown): StorageValue => (typeof value === 'number' ? value : Number(value))

function jsonValue(column: Expression<unknown>, path: readonly string[] | undefined) {
  return path && path.length > 0 ? sql`${column}, ${sql.lit(sqliteJsonPath(path))}` : sql`${column}`
}

/**
 * The SQLite side of {@link SqlDialect}:
 * - types: `text` (strings, dates, JSON), `integer` (integers, booleans as 0/1, datetimes as epoch milliseconds, so
 *   they sort and compare exactly), `real`; tables are `STRICT`;
 * - JSON paths through `json_extract`, arrays through `json_each`/`json_array_length`;
 * - text operators through `instr`/`substr` (SQLite's `LIKE` folds ASCII case, so it is never used), case folding
 *   through `lower()`, which folds ASCII only in builds without ICU (better-sqlite3's);
 * - `BEGIN IMMEDIATE` write transactions on the single connection, `SQLITE_BUSY`/`SQLITE_LOCKED` as `busy`;
 * - FTS5 full-text search (contentless-delete tables kept in sync by triggers).
 *
 * @example
 * ```ts
 * import { createKyselyStorage } from '@rapport/storage-kysely'
 * import { sqliteDialect } from '@rapport/storage-sqlite'
 *
 * declare const db: import('kysely').Kysely<any>
 * const storage = createKyselyStorage({ db, dialect: sqliteDialect })
 * ```
 */
export const sqliteDialect: SqlDialect = Object.freeze({
  name: 'sqlite',
  maxBindParameters: MAX_BIND_PARAMETERS,
  supportsReturning: true,
  singleConnection: true,
  foreignKeys: 'inline',
  nullsSortFirstNatively: true,
  beginTransactionSql: 'begin immediate',
  createTableSuffix: 'strict',

  columnType(field: FieldDefinition): string {
    switch (field.type) {
      case 'integer':
      case 'boolean':
      case 'datetime':
        return 'integer'
      case 'number':
        return 'real'
      default:
        return 'text'
    }
  },

  encodeValue(value: Exclude<StorageValue, null>, field: FieldDefinition): unknown {
    switch (field.type) {
      case 'datetime':
        return (value as Date).getTime()
      case 'boolean':
        return value ? 1 : 0
      case 'json':
        return JSON.stringify(value)
      default:
        return value
    }
  },

  valueEncoder(field: FieldDefinition): ((value: unknown) => unknown) | null {
    switch (field.type) {
      case 'datetime':
        return encodeDatetime
      case 'boolean':
        return encodeBoolean
      case 'json':
        return encodeJson
      default:
        return null
    }
  },

  decodeValue(value: unknown, field: FieldDefinition): StorageValue {
    switch (field.type) {
      case 'datetime':
        return new Date(Number(value))
      case 'boolean':
        return Number(value) !== 0
      case 'json':
        return JSON.parse(String(value)) as StorageValue
      case 'integer':
      case 'number':
        return Number(value)
      default:
        return value as StorageValue
    }
  },

  valueDecoder(field: FieldDefinition): ((value: unknown) => StorageValue) | null {
    switch (field.type) {
      case 'datetime':
        return decodeDatetime
      case 'boolean':
        return decodeBoolean
      case 'json':
        return decodeJson
      case 'integer':
      case 'number':
        return decodeNumber
      default:
        return null
    }
  },

  encodePathValue(value: Exclude<StorageValue, null>, type: SqlValueType): unknown {
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'boolean') return value ? 1 : 0
    if (type === 'datetime' && typeof value === 'string') return value
    if (typeof value === 'object') return JSON.stringify(value)
    return value
  },

  jsonPath(column: Expression<unknown>, path: readonly string[]): RawBuilder<unknown> {
    return sql`json_extract(${column}, ${sql.lit(sqliteJsonPath(path))})`
  },

  jsonArrayContains(
    column: Expression<unknown>,
    path: readonly string[] | undefined,
    values: readonly unknown[],
  ): RawBuilder<SqlBool> {
    const list =
      values.length > LONG_LIST_THRESHOLD
        ? sql`select value from json_each(${JSON.stringify(values)})`
        : sql.join(values)
    return sql<SqlBool>`exists (select 1 from json_each(${jsonValue(column, path)}) as ${sql.id('_je')} where ${sql.id('_je', 'value')} in (${list}))`
  },

  inList(expr: Expression<unknown>, values: readonly unknown[]): RawBuilder<SqlBool> {
    return sql<SqlBool>`${expr} in (select value from json_each(${JSON.stringify(values)}))`
  },

  constraintColumns(error: unknown): readonly string[] | undefined {
    const message = error instanceof Error ? error.message : ''
    const match = /constraint failed: (.+)$/i.exec(message)
    if (!match) return undefined
    return match[1]!.split(',').map((part) => part.trim().split('.').pop()!)
  },

  jsonArrayIsEmpty(column: Expression<unknown>, path: readonly string[] | undefined): RawBuilder<SqlBool> {
    return sql<SqlBool>`(coalesce(json_array_length(${jsonValue(column, path)}), 0) = 0)`
  },

  textMatch(
    expr: Expression<unknown>,
    op: 'contains' | 'startsWith' | 'endsWith',
    value: string,
    foldAscii: boolean,
  ): RawBuilder<SqlBool> {
    const subject = foldAscii ? sql`lower(${expr})` : sql`${expr}`
    const length = [...value].length
    switch (op) {
      case 'contains':
        return sql<SqlBool>`(instr(${subject}, ${value}) > 0)`
      case 'startsWith':
        return sql<SqlBool>`(substr(${subject}, 1, ${length}) = ${value})`
      case 'endsWith':
        return sql<SqlBool>`(length(${subject}) >= ${length} and substr(${subject}, -${sql.lit(length)}) = ${value})`
    }
  },

  asciiLower(expr: Expression<unknown>): RawBuilder<unknown> {
    return sql`lower(${expr})`
  },

  binaryCollation(expr: Expression<unknown>): Expression<unknown> {
    return expr
  },

  classifyError(error: unknown) {
    const code = (error as { code?: unknown } | null)?.code
    if (typeof code !== 'string') return undefined
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique'
    if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint'
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy'
    return undefined
  },

  async listIndexes(db: Kysely<any>): Promise<ReadonlySet<string>> {
    const result = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(
      db,
    )
    return new Set(result.rows.map((r) => r.name))
  },

  setNullOnDelete(args: SetNullOnDeleteArgs): readonly RawBuilder<unknown>[] {
    return [
      sql`create trigger if not exists ${sql.id(args.name)} before delete on ${sql.table(args.referencedTable)} for each row begin update ${sql.table(args.table)} set ${sql.id(args.column)} = null where ${sql.id(args.tenantColumn)} = old.${sql.id(args.referencedTenantColumn)} and ${sql.id(args.column)} = old.${sql.id(args.referencedIdColumn)}; end`,
    ]
  },

  fullTextSearch: sqliteFullTextSearch,
  // SQLite gathers planner statistics only when asked: without them it walks a whole table newest first instead of
  // reading one customer's links (a 1M-activity timeline page took 0.7-1.8 s instead of under a millisecond per
  // source). `optimize=0x10002` analyzes the tables never analyzed or grown tenfold since, as SQLite advises.
  afterMigrateSql: [sql`pragma optimize=0x10002`],
  scrubSql: [sql`pragma wal_checkpoint(TRUNCATE)`],
  // No `periodIndex`: SQLite answers order summaries with core's streamed scan (`capabilities.orderAggregation` off).
  // Grouping inside SQLite sorts every order of the tenant in a temporary B-tree (10M orders: 597 s and 1.8 GB in
  // memory, 128 s spilled to disk), while the scan reads the orders already sorted from the covering index
  // `orders_by_customer_occurred_amount` and holds one customer at a time (1M orders: 1.4 s of CPU against 5.3 s).
} satisfies SqlDialect)
