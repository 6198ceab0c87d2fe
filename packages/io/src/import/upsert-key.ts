import { domainOf, emailKey } from '@rapport/data-quality'
import type { MappedValue } from '../mapping/map-row.js'

/** What identifies an existing record: its id, an external id field, its e-mail (contacts, leads) or domain (companies). */
export const upsertKeys = ['id', 'externalId', 'email', 'domain'] as const

/** One of {@link upsertKeys}. */
export type UpsertKey = (typeof upsertKeys)[number]

/** How one upsert key reads a row and finds records. */
export interface KeySpec {
  /** The mapped field holding the key (`email`, `domain`, `id`, `custom.externalId`). */
  readonly target: string
  /** The field filtered with `in` to find existing records. */
  readonly filterField: string
  /** The key as looked up (what the filter compares). */
  lookup(value: string): string | null
  /** The key values of an existing record, as {@link KeySpec.lookup} produces them. */
  recordKeys(record: Readonly<Record<string, unknown>>): string[]
  /** The key for spotting duplicates inside the file: data-quality's normaliser where one applies. */
  fileKey(value: string): string | null
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)

/** The {@link KeySpec} of an upsert key; `externalId` reads `externalIdField` (default `custom.externalId`). */
export function keySpec(key: UpsertKey, externalIdField = 'custom.externalId'): KeySpec {
  switch (key) {
    case 'id':
      return {
        target: 'id',
        filterField: 'id',
        lookup: text,
        recordKeys: (r) => [r['id'] as string],
        fileKey: text,
      }
    case 'externalId':
      return {
        target: externalIdField,
        filterField: externalIdField,
        lookup: text,
        recordKeys: (r) => {
          let v: unknown = r
          for (const p of externalIdField.split('.')) v = (v as Record<string, unknown> | null)?.[p]
          const t = v === null || v === undefined ? null : text(String(v))
          return t === null ? [] : [t]
        },
        fileKey: text,
      }
    case 'email':
      return {
        target: 'email',
        filterField: 'emails.address',
        lookup: (v) => text(v)?.toLowerCase() ?? null,
        recordKeys: (r) =>
          ((r['emails'] as { address: string }[] | undefined) ?? []).map((e) => e.address.toLowerCase()),
        // data-quality's match key: case, plus-addressing and Gmail dots fold together.
        fileKey: emailKey,
      }
    case 'domain':
      return {
        target: 'domain',
        filterField: 'domain',
        lookup: domainOf,
        recordKeys: (r) => (typeof r['domain'] === 'string' ? [r['domain']] : []),
        fileKey: domainOf,
      }
  }
}

/** The raw key text of a mapped row, or `null` when its key cell is empty. */
export function keyText(values: readonly MappedValue[], spec: KeySpec): string | null {
  const found = values.find((v) => v.column.target.path === spec.target)
  return found && typeof found.value === 'string'
    ? found.value
    : found?.value != null
      ? String(found.value)
      : null
}
