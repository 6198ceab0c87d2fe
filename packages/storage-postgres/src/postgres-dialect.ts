import type { FieldDefinition, StorageValue, TextOperator } from '@rapport/core/storage'
import type { ColumnMapping, SqlDialect, SqlValueType } from '@rapport/storage-kysely'
import type { Expression, Kysely, SqlBool } from 'kysely'
import { sql } from 'kysely'
import { postgresColumnType } from './postgres-column-types.js'
import { classifyPostgresError, postgresConstraintColumns } from './postgres-error-mapper.js'
import { postgresFullTextSearch } from './postgres-full-text-search.js'
import { postgresPeriodIndex } from './postgres-period-index.js'
import {
  postgresAsciiFold,
  postgresJsonArrayContains,
  postgresJsonArrayIsEmpty,
  postgresJsonPath,
  postgresTextMatch,
} from './postgres-sql.js'
import { decodePostgresValue } from './postgres-value-codec.js'

// The value encoders of `valueEncoder` (the same conversions as `encodeValue`, chosen once per column).
const encodeJson = (value: unknown): unknown => JSON.stringify(value)
const encodeInstant = (value: unknown): unknown => (value as Date).toISOString()
/** The element type of a column's `unnest` array parameter: its column type without the collation. */
const arrayElementType = (field: FieldDefinition): string =>
  postgresColumnType(field).replace(/ COLLATE .*$/, '')

/**
 * The Postgres implementation of `@rapport/storage-kysely`'s `SqlDialect`: column types with `COLLATE "C"` strings,
 * `bigint` integers, `timestamptz` instants and `jsonb` JSON; JSON paths via `#>>`/`#>`; ASCII-only case folding
 * with `translate()`; jsonb containment for array membership; SQLSTATE error classification.
 *
 * @example
 * ```ts
 * import { createKyselyStorage } from '@rapport/storage-kysely'
 *
 * const storage = createKyselyStorage({ db, dialect: createPostgresDialect({ schema: 'rapport' }) })
 * ```
 */
export function createPostgresDialect(options: { readonly schema: string }): SqlDialect {
  const { schema } = options
  return Object.freeze({
    name: 'postgres',
    maxBindParameters: 65_535,
    supportsReturning: true,
    singleConnection: false,
    foreignKeys: 'alter',
    nullsSortFirstNatively: false,
    columnType(field: FieldDefinition): string {
      return postgresColumnType(field)
    },
    encodeValue(value: Exclude<StorageValue, null>, field: FieldDefinition): unknown {
      if (field.type === 'json') return JSON.stringify(value)
      if (value instanceof Date) return value.toISOString()
      return value
    },
    columnArrayInsert(table: string, columns: readonly ColumnMapping[]) {
      // The column types without their collation (an array of text is cast to the column's text on insert).
      const arrays = columns.map((c, i) => `$${i + 1}::${arrayElementType(c.definition)}[]`).join(', ')
      return sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c.column)))}) select * from unnest(${sql.raw(arrays)})`
    },
    columnArraySource(definitions: readonly FieldDefinition[], arrays: readonly (readonly unknown[])[]) {
      return sql`unnest(${sql.join(arrays.map((a, i) => sql`${a}::${sql.raw(arrayElementType(definitions[i]!))}[]`))})`
    },
    valueEncoder(field: FieldDefinition) {
      // The same conversions as encodeValue: JSON as text, instants (only datetime fields hold them) as ISO strings.
      if (field.type === 'json') return encodeJson
      if (field.type === 'datetime') return encodeInstant
      return null
    },
    decodeValue(value: unknown, field: FieldDefinition): StorageValue {
      return decodePostgresValue(field, value)
    },
    valueDecoder(field: FieldDefinition) {
      // Text and jsonb arrive as they are stored (pg parses jsonb); the rest go through the shared codec.
      if (field.type === 'string' || field.type === 'text' || field.type === 'date' || field.type === 'json')
        return null
      return (value: unknown) => decodePostgresValue(field, value)
    },
    encodePathValue(value: Exclude<StorageValue, null>, type: SqlValueType): unknown {
      if (value instanceof Date) return value.toISOString()
      if (type === 'json') return JSON.stringify(value)
      return value
    },
    jsonPath(column: Expression<unknown>, path: readonly string[], type: SqlValueType | undefined) {
      return postgresJsonPath(column, path, type)
    },
    jsonArrayContains(
      column: Expression<unknown>,
      path: readonly string[] | undefined,
      values: readonly unknown[],
    ) {
      return postgresJsonArrayContains(column, path, values)
    },
    jsonArrayIsEmpty(column: Expression<unknown>, path: readonly string[] | undefined) {
      return postgresJsonArrayIsEmpty(column, path)
    },
    textMatch(expr: Expression<unknown>, op: TextOperator, value: string, foldAscii: boolean) {
      return postgresTextMatch(expr, op, value, foldAscii)
    },
    asciiLower(expr: Expression<unknown>) {
      return postgresAsciiFold(expr)
    },
    binaryCollation(expr: Expression<unknown>): Expression<unknown> {
      // String columns are declared `COLLATE "C"` and JSON-path strings carry it explicitly, so comparisons and
      // ORDER BY are already by code point; adding it again would hide plain columns from their indexes.
      return expr
    },
    inList(expr: Expression<unknown>, values: readonly unknown[]) {
      // One array parameter instead of one parameter per value: the wire protocol caps a statement at 65,535.
      return sql<SqlBool>`(${expr} = any(${[...values]}))`
    },
    constraintColumns: postgresConstraintColumns,
    classifyError: classifyPostgresError,
    periodIndex: postgresPeriodIndex,
    indexInclude: 'include',
    fullTextSearch: postgresFullTextSearch,
    async listIndexes(db: Kysely<any>): Promise<ReadonlySet<string>> {
      const result = await sql<{
        indexname: string
      }>`select indexname from pg_indexes where schemaname = ${schema}`.execute(db)
      return new Set(result.rows.map((row) => row.indexname))
    },
  } satisfies SqlDialect)
}
