import type { StorageRow } from '../storage/storage-filter.js'
import type { FieldMapping } from './storage-columns.js'

/** Turns a storage row into an entity's domain record. */
export type RecordDecoder = (row: StorageRow) => Record<string, unknown>

/**
 * Compiles the storage-row → domain-record conversion of one entity, once: the system fields, then each field of
 * the shape (money read from its two columns), every missing value as `null`. Where the runtime allows code
 * generation the decoder is one object literal, so a record is a single allocation with a fixed shape (reads are
 * the hot path: a list page converts 50 of them); under a Content-Security-Policy that forbids it, an equivalent
 * loop runs instead. Names only ever come from entity declarations and are quoted with `JSON.stringify`.
 *
 * @internal
 */
export function compileRecordDecoder(
  systemFields: readonly string[],
  mappings: readonly FieldMapping[],
): RecordDecoder {
  try {
    const key = (name: string) => JSON.stringify(name)
    const entries = [
      ...systemFields.map((f) => `${key(f)}: (v = row[${key(f)}]) === undefined ? null : v`),
      ...mappings.map((m) =>
        m.kind === 'money'
          ? `${key(m.field)}: (v = row[${key(m.minorColumn)}]) === null || v === undefined ? null : { amountMinor: Number(v), currency: row[${key(m.currencyColumn)}] }`
          : `${key(m.field)}: (v = row[${key(m.field)}]) === undefined ? null : v`,
      ),
    ]
    return new Function(
      `'use strict'; return function fromRow(row) { let v; return {\n${entries.join(',\n')}\n} }`,
    )() as RecordDecoder
  } catch {
    return (row) => {
      const record: Record<string, unknown> = {}
      for (const f of systemFields) record[f] = row[f] ?? null
      for (const m of mappings) {
        if (m.kind === 'money') {
          const minor = row[m.minorColumn]
          record[m.field] =
            minor === null || minor === undefined
              ? null
              : { amountMinor: Number(minor), currency: row[m.currencyColumn] as string }
        } else {
          record[m.field] = row[m.field] ?? null
        }
      }
      return record
    }
  }
}
