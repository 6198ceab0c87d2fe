import type { FieldDefinition } from '@rapport/core/storage'
import type { ModelMapping } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'

/**
 * Writes one storage row's INSERT parameters into `out` at `offset`, one per column of the model in column order
 * (`null` where the row has no value), sets the row's tenant, and marks in `present` each column the row gave a
 * value (`null` included). Returns `false`, leaving the row to the checked path ({@link encodeRow}, which throws the
 * precise error), when the row has a field the model lacks, a value of the wrong type, or another tenant.
 */
export type InsertEncoder = (
  row: Readonly<Record<string, unknown>>,
  tenantId: string,
  out: unknown[],
  offset: number,
  present: Uint8Array,
) => boolean

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/

/** The test `encodeRow`'s type check applies to a non-null value of this field, as a JavaScript expression of `v`. */
function typeTest(field: FieldDefinition): string {
  switch (field.type) {
    case 'string':
    case 'text':
      return `typeof v === 'string'`
    case 'integer':
      return `typeof v === 'number' && Number.isSafeInteger(v)`
    case 'number':
      return `typeof v === 'number' && Number.isFinite(v)`
    case 'boolean':
      return `typeof v === 'boolean'`
    case 'datetime':
      return `v instanceof Date && !Number.isNaN(v.getTime())`
    case 'date':
      return `typeof v === 'string' && P.test(v)`
    case 'json':
      return `!(v instanceof Date)`
  }
}

const encoders = new WeakMap<
  ModelMapping,
  { readonly dialect: SqlDialect; readonly encode: InsertEncoder | undefined }
>()

/**
 * The INSERT encoder of a model on a dialect, compiled once and cached: the same checks and value encoding as
 * {@link encodeRow} (which stays the one place that words the errors), chosen per column up front and, where the
 * runtime allows code generation, written out as one function with a named property read per field, so a row costs
 * no key list, map lookup or intermediate object. Runtimes that forbid code generation get `undefined`, and the
 * caller uses `encodeRow`.
 *
 * @example
 * ```ts
 * const encode = insertEncoder(mapping, dialect)
 * const out: unknown[] = []
 * const present = new Uint8Array(mapping.columns.length)
 * if (!encode?.(row, 't1', out, 0, present)) encodeRow(mapping, row, dialect) // throws the precise error
 * ```
 */
export function insertEncoder(mapping: ModelMapping, dialect: SqlDialect): InsertEncoder | undefined {
  const cached = encoders.get(mapping)
  if (cached && cached.dialect === dialect) return cached.encode
  const columns = mapping.columns
  const encodeOf = columns.map(({ definition }) =>
    dialect.valueEncoder
      ? dialect.valueEncoder(definition)
      : (value: unknown) => dialect.encodeValue(value as never, definition),
  )
  const tenantIndex = columns.findIndex((c) => c.field === 'tenantId')
  const body = columns
    .map((c, i) => {
      const value = encodeOf[i] ? `e[${i}](v)` : 'v'
      const tenant = i === tenantIndex ? `\n  if (v !== undefined && v !== t) return false\n  v = t` : ''
      return `  v = r[${JSON.stringify(c.field)}]${tenant}
  if (v === undefined) o[at + ${i}] = null
  else {
    n++
    p[${i}] = 1
    if (v === null) o[at + ${i}] = null
    else if (${typeTest(c.definition)}) o[at + ${i}] = ${value}
    else return false
  }`
    })
    .join('\n')
  // The tenant counts as given even when the row left it out, so the row's own defined values are one fewer.
  const counted = `  let m = ${tenantIndex >= 0 ? `r[${JSON.stringify(columns[tenantIndex]!.field)}] === undefined ? 1 : 0` : '0'}
  for (const k in r) if (r[k] !== undefined) m++
  return m === n`
  let encode: InsertEncoder | undefined
  try {
    // Field names only ever come from the schema; JSON.stringify quotes them as JS string literals.
    encode = new Function(
      'e',
      'P',
      `'use strict'; return function encodeInsert(r, t, o, at, p) {\n  let v, n = 0\n${body}\n${counted}\n}`,
    )(encodeOf, DATE_PATTERN) as InsertEncoder
  } catch {
    encode = undefined
  }
  encoders.set(mapping, { dialect, encode })
  return encode
}
