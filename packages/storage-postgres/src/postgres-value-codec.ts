import { RapportError } from '@rapport/core'
import type { FieldDefinition, StorageValue } from '@rapport/core/storage'

/**
 * Turns what pg or PGlite returns for a column into the value core expects, whatever type parsers the host's pool
 * has configured: `int8` strings (pg's default) and bigints become safe-integer numbers (anything outside ±2^53 − 1
 * fails loudly instead of losing precision), `timestamptz` strings become `Date`s; `jsonb` arrives parsed by the driver.
 */
export function decodePostgresValue(field: FieldDefinition, value: unknown, column = '?'): StorageValue {
  if (value === null || value === undefined) return null
  switch (field.type) {
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value as string | bigint)
      if (!Number.isSafeInteger(n)) {
        throw new RapportError(
          'STORAGE_FAILURE',
          `Postgres: column ${column} holds ${String(value)}, not a safe integer`,
          {
            details: { column },
          },
        )
      }
      return n
    }
    case 'number':
      return typeof value === 'number' ? value : Number(value)
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 't' || value === 'true'
    case 'datetime':
      return value instanceof Date ? value : new Date(value as string)
    case 'json':
      // pg and PGlite parse jsonb themselves; a JSON string value arrives as a JS string and stays one.
      return value as StorageValue
    default:
      return value as StorageValue
  }
}

/**
 * Turns a core value into a query parameter: JSON values are sent as JSON text (pg would otherwise turn JS arrays
 * into Postgres arrays), everything else as is.
 */
export function encodePostgresValue(field: FieldDefinition, value: StorageValue | undefined): unknown {
  if (value === null || value === undefined) return null
  if (field.type === 'json') return JSON.stringify(value)
  return value
}

/** Parses a `count(*)` (an `int8`, so a string under pg's default parsers) into a number. */
export function decodePostgresCount(value: unknown): number {
  return typeof value === 'number' ? value : Number(value as string | bigint)
}
