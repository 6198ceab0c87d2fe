import { RapportError } from '@rapport/core'
import type { FieldDefinition, StorageRow, StorageValue } from '@rapport/core/storage'
import type { ColumnMapping, ModelMapping } from './model-mapping.js'
import type { RowProjection } from './row-projection.js'
import type { SqlDialect } from './sql-dialect.js'

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/

/** Why a value does not fit a field's type, or `undefined` when it fits. */
function typeProblem(value: Exclude<StorageValue, null>, field: FieldDefinition): string | undefined {
  switch (field.type) {
    case 'string':
    case 'text':
      return typeof value === 'string' ? undefined : 'expected a string'
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'expected a safe integer'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a finite number'
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected a boolean'
    case 'datetime':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? undefined : 'expected a valid Date'
    case 'date':
      return typeof value === 'string' && DATE_PATTERN.test(value)
        ? undefined
        : 'expected a YYYY-MM-DD string'
    case 'json':
      return value instanceof Date ? 'expected a JSON value' : undefined
  }
}

/**
 * Encodes a storage row (or a partial one, for updates) into a column → parameter record. Unknown fields and values
 * of the wrong type throw `VALIDATION_FAILED` before anything reaches the database.
 *
 * @example
 * ```ts
 * const values = encodeRow(mapping, { id: 'con_1', tenantId: 't1', createdAt: new Date() }, dialect)
 * ```
 */
export function encodeRow(
  mapping: ModelMapping,
  row: StorageRow,
  dialect: SqlDialect,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(row)) {
    const value = row[key]
    if (value === undefined) continue
    const column = mapping.byField.get(key)
    if (!column) {
      throw new RapportError('VALIDATION_FAILED', `Model "${mapping.model.name}" has no field "${key}".`, {
        details: { issues: [{ path: [key], message: 'Unknown field', code: 'unrecognized_keys' }] },
      })
    }
    if (value === null) {
      out[column.column] = null
      continue
    }
    const problem = typeProblem(value, column.definition)
    if (problem) {
      throw new RapportError('VALIDATION_FAILED', `Field "${mapping.model.name}.${key}": ${problem}.`, {
        details: { issues: [{ path: [key], message: problem, code: 'invalid_type' }] },
      })
    }
    out[column.column] = dialect.encodeValue(value, column.definition)
  }
  return out
}

/** Decodes one database row (column → driver value) into a storage row with every field of the model. */
export type RowDecoder = (raw: Record<string, unknown>) => StorageRow

const decoders = new WeakMap<
  ModelMapping | RowProjection,
  { readonly dialect: SqlDialect; readonly decode: RowDecoder }
>()

/**
 * The row decoder of a model on a dialect (of the projection's columns only, when given), compiled once and cached: each column's value decoder is chosen up front
 * ({@link SqlDialect.valueDecoder}), and where the runtime allows it the decoder is generated as one object literal
 * with every field, so a row is a single allocation with a fixed shape instead of a dictionary built key by key.
 * Runtimes that forbid code generation (a strict Content-Security-Policy) get an equivalent loop.
 *
 * @example
 * ```ts
 * const decode = rowDecoder(mapping, dialect)
 * const rows = result.rows.map(decode)
 * ```
 */
export function rowDecoder(
  mapping: ModelMapping,
  dialect: SqlDialect,
  projection?: RowProjection,
): RowDecoder {
  const key = projection && !projection.all ? projection : mapping
  const cached = decoders.get(key)
  if (cached && cached.dialect === dialect) return cached.decode
  const decode = compileRowDecoder(key === mapping ? mapping.columns : projection!.columns, dialect)
  decoders.set(key, { dialect, decode })
  return decode
}

function compileRowDecoder(columns: readonly ColumnMapping[], dialect: SqlDialect): RowDecoder {
  const decodeOf = columns.map(({ definition }) =>
    dialect.valueDecoder
      ? dialect.valueDecoder(definition)
      : (value: unknown) => dialect.decodeValue(value, definition),
  )
  try {
    // Field and column names only ever come from the schema; JSON.stringify quotes them as JS string literals.
    const body = columns
      .map((c, i) => {
        const read = `(v = r[${JSON.stringify(c.column)}]) === null || v === undefined ? null : `
        return `${JSON.stringify(c.field)}: ${read}${decodeOf[i] ? `d[${i}](v)` : 'v'}`
      })
      .join(',\n')
    return new Function('d', `'use strict'; return function decodeRow(r) { let v; return {\n${body}\n} }`)(
      decodeOf,
    ) as RowDecoder
  } catch {
    return (raw) => {
      const row: StorageRow = {}
      for (let i = 0; i < columns.length; i++) {
        const value = raw[columns[i]!.column]
        const decode = decodeOf[i]
        row[columns[i]!.field] =
          value === null || value === undefined ? null : decode ? decode(value) : (value as StorageValue)
      }
      return row
    }
  }
}

/**
 * Decodes a database row (column → driver value) into a storage row with every field of the model, through the
 * model's compiled {@link rowDecoder}.
 *
 * @example
 * ```ts
 * const row = decodeRow(mapping, { id: 'con_1', tenant_id: 't1', created_at: 1735689600000 }, dialect)
 * ```
 */
export function decodeRow(
  mapping: ModelMapping,
  raw: Record<string, unknown>,
  dialect: SqlDialect,
): StorageRow {
  return rowDecoder(mapping, dialect)(raw)
}
