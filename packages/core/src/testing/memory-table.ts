import { readFieldRef } from '../storage/compare-storage-values.js'
import type { IndexDefinition } from '../storage/model-definition.js'
import type { StorageRow, StorageValue } from '../storage/storage-filter.js'

/** One column of an index: a plain column or a path into a json column. */
type IndexField = IndexDefinition['fields'][number]

/** A unique index kept up to date by the table: encoded key to row id. */
interface UniqueIndex {
  readonly fields: readonly IndexField[]
  readonly keys: Map<string, string>
}

/**
 * Encodes a value so that equal values (by the storage port's equality) get equal strings: `Date`s by instant,
 * numbers, strings and booleans tagged by kind so `1` and `'1'` differ.
 */
export function encodeValue(value: StorageValue): string {
  if (value instanceof Date) return `d${value.getTime()}`
  switch (typeof value) {
    case 'string':
      return `s${value}`
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value}`
    case 'boolean':
      return value ? 'bt' : 'bf'
    default:
      return `j${JSON.stringify(value)}`
  }
}

/** The unique-index key of a row, or `undefined` when a column is null (SQL: nulls are distinct). */
export function indexKey(row: StorageRow, fields: readonly IndexField[]): string | undefined {
  const parts: string[] = []
  for (const field of fields) {
    const value =
      typeof field === 'string'
        ? readFieldRef(row, { field, type: 'string' })
        : readFieldRef(row, { field: field.field, path: field.path, type: 'string' })
    if (value === null) return undefined
    parts.push(encodeValue(value))
  }
  return parts.join('\u0000')
}

/** A stable identity for an index definition, so a changed definition gets a fresh index. */
function signature(index: IndexDefinition): string {
  return JSON.stringify([index.name, index.fields])
}

/**
 * The rows of one model in one tenant, keyed by id, with the model's unique indexes maintained incrementally (built
 * lazily the first time an index is consulted). Rows held here are private copies that are never handed out.
 */
export class MemoryTable {
  readonly rows: Map<string, StorageRow>
  private readonly uniques: Map<string, UniqueIndex>

  constructor(rows = new Map<string, StorageRow>(), uniques = new Map<string, UniqueIndex>()) {
    this.rows = rows
    this.uniques = uniques
  }

  /** A copy that can be written without affecting this table (rows themselves are immutable and shared). */
  clone(): MemoryTable {
    const uniques = new Map<string, UniqueIndex>()
    for (const [sig, index] of this.uniques)
      uniques.set(sig, { fields: index.fields, keys: new Map(index.keys) })
    return new MemoryTable(new Map(this.rows), uniques)
  }

  /** The key-to-id map of a unique index, built on first use. */
  unique(index: IndexDefinition): ReadonlyMap<string, string> {
    const sig = signature(index)
    let entry = this.uniques.get(sig)
    if (!entry) {
      entry = { fields: index.fields, keys: new Map() }
      for (const [id, row] of this.rows) {
        const key = indexKey(row, index.fields)
        if (key !== undefined) entry.keys.set(key, id)
      }
      this.uniques.set(sig, entry)
    }
    return entry.keys
  }

  /** Inserts or replaces a row, keeping every built unique index in step. */
  put(row: StorageRow): void {
    const id = row['id'] as string
    const previous = this.rows.get(id)
    for (const { fields, keys } of this.uniques.values()) {
      if (previous) {
        const old = indexKey(previous, fields)
        if (old !== undefined && keys.get(old) === id) keys.delete(old)
      }
      const key = indexKey(row, fields)
      if (key !== undefined) keys.set(key, id)
    }
    this.rows.set(id, row)
  }

  /** Removes a row and its index entries. */
  remove(id: string): void {
    const previous = this.rows.get(id)
    if (!previous) return
    for (const { fields, keys } of this.uniques.values()) {
      const old = indexKey(previous, fields)
      if (old !== undefined && keys.get(old) === id) keys.delete(old)
    }
    this.rows.delete(id)
  }
}
