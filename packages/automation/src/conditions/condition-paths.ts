import type { FilterTarget } from '@rapport/core/filter'
import type { FieldRef } from '@rapport/core/storage'
import type { CatalogField, FieldCatalog } from './field-catalog.js'

// How a condition path reaches a value: the reader over a record snapshot (derived columns computed by core), and the
// storage reference and filter target that let core compile the leaf exactly as it compiles a query.

/** A JSON object (not an array, a Date or null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

/** Reads a dot path; a path that crosses an array maps over its elements (flattened). */
export function makeReader(path: string): (record: Readonly<Record<string, unknown>> | null) => unknown {
  const keys = path.split('.')
  return (r) => {
    if (r === null) return null
    let values: unknown[] = [r]
    let crossed = false
    for (const key of keys) {
      const next: unknown[] = []
      for (const v of values) {
        if (Array.isArray(v)) {
          crossed = true
          for (const e of v) if (isPlainObject(e)) next.push(e[key] ?? null)
        } else if (isPlainObject(v)) next.push(Object.hasOwn(v, key) ? (v[key] ?? null) : null)
        else next.push(null)
      }
      values = next
    }
    const flat = crossed ? values.flat() : (values[0] ?? null)
    return flat
  }
}

/**
 * The reader of a condition path: a column core derives from the record (a contact's `primaryEmail`, and
 * `emails.address`, which filters read from the derived `emailAddresses`) is computed by core's own function, as it
 * is stored and queried; any other path is read from the record.
 */
export function readerOf(
  catalog: FieldCatalog,
  path: string,
): (record: Readonly<Record<string, unknown>> | null) => unknown {
  const derived = catalog.derived
  const column = derived?.aliases[path] ?? path
  if (!derived?.fields.includes(column.split('.')[0] as string)) return makeReader(path)
  const rest = makeReader(column)
  return (r) => (r === null ? null : rest(derived.compute(r)))
}

/**
 * The storage reference of a condition path: the path itself is the column of the one-field row view. A path into
 * JSON (`custom.score`) has no declared type in the storage model, so it takes the type of the value it is compared
 * with, as a typed custom field would have: numbers compare numerically, dates and `$ago` as ISO instants.
 */
export function refOf(
  path: string,
  field: CatalogField,
  crossesArray: boolean,
  raw: Record<string, unknown>,
): FieldRef {
  const array = field.array || crossesArray
  if (array) return { field: path, type: field.type === 'json' ? 'string' : field.type, array: true }
  if (field.type !== 'json') return { field: path, type: field.type }
  const inferred = inferType(raw)
  if (inferred === 'datetime') return { field: path, path: [], type: 'datetime' }
  return { field: path, type: inferred }
}

function inferType(raw: Record<string, unknown>): FieldRef['type'] {
  const op = raw['op']
  if (op === 'contains' || op === 'startsWith' || op === 'endsWith') return 'string'
  const value = raw['value']
  const sample = Array.isArray(value) ? value.find((v) => v !== null) : value
  if (typeof sample === 'number') return 'number'
  if (typeof sample === 'boolean') return 'boolean'
  if (typeof sample === 'string') return 'string'
  if (sample instanceof Date || isPlainObject(sample)) return 'datetime'
  return 'json'
}

/** A {@link FilterTarget} over one condition path, so core compiles and checks the leaf exactly as for a query. */
export function leafTarget(catalog: FieldCatalog, path: string, ref: FieldRef | undefined): FilterTarget {
  return {
    entity: catalog.entity,
    resolveField: (p) => (p === path ? ref : undefined),
    resolveRelation: () => undefined,
    fieldPaths: () => catalog.paths(),
    normalizeValue: (p, value) => (catalog.lowerCased?.has(p) ? value.toLowerCase() : value),
  }
}
