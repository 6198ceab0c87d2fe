import type { FieldDefinition, StorageFieldType } from '@rapport/core/storage'

/**
 * The Postgres column type of each storage field type. Strings use the `"C"` collation so ordering, comparison and
 * uniqueness are by code point, exactly like the in-memory and SQLite adapters. `integer` is `bigint` (money in minor
 * units and versions exceed 2^31); `date` is `YYYY-MM-DD` text, so it round-trips as a string without the
 * driver's local-time date parsing.
 */
export const POSTGRES_COLUMN_TYPES: Readonly<Record<StorageFieldType, string>> = Object.freeze({
  string: 'text COLLATE "C"',
  text: 'text COLLATE "C"',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  datetime: 'timestamptz(3)',
  date: 'text COLLATE "C"',
  json: 'jsonb',
})

/** The SQL type (with collation) of one field. */
export function postgresColumnType(field: FieldDefinition): string {
  return POSTGRES_COLUMN_TYPES[field.type]
}
