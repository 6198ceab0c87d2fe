import type { CrmServices } from '@rapport/core'
import type { DuplicateRule } from '@rapport/data-quality'
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
  /** Finds the records with these lookup keys (default: an `in` filter on `filterField`). */
  find?(services: CrmServices, values: readonly string[]): AsyncIterable<Record<string, unknown>>
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

/**
 * The e-mail key through data-quality's persisted match keys, when its plugin is installed with a rule for `entity`
 * keyed on the normalised e-mail: rows are looked up through the `(entity, key, value)` index (the same on every
 * adapter) instead of a scan of the e-mail lists, and match on data-quality's e-mail key (case, plus-addressing,
 * Gmail dots), the same key that spots duplicates inside the file.
 */
export function emailKeyViaMatchKeys(entity: string, plugins: unknown): KeySpec | null {
  const api = (plugins as Record<string, { rules?: readonly DuplicateRule[] } | undefined> | undefined)?.[
    'data-quality'
  ]
  const definition = api?.rules
    ?.filter((rule) => rule.entity === entity)
    .flatMap((rule) => rule.keys)
    .find(
      (k) =>
        k.parts.length === 1 && k.parts[0]?.field === 'emails.address' && k.parts[0]?.transform === 'email',
    )
  if (!definition) return null
  const base = keySpec('email')
  return {
    ...base,
    lookup: emailKey,
    recordKeys: (r) =>
      ((r['emails'] as { address: string }[] | undefined) ?? [])
        .map((e) => emailKey(e.address))
        .filter((k): k is string => k !== null),
    async *find(services, values) {
      const ids = new Set<string>()
      for await (const row of services.entity<{ recordId: string }>('dqMatchKey').iterate({
        where: {
          and: [
            { field: 'entity', op: 'eq', value: entity },
            { field: 'key', op: 'eq', value: definition.name },
            { field: 'value', op: 'in', value: [...values] },
          ],
        },
        // In the order of the key index (entity, key, value): ordered by id alone, SQLite without statistics reads
        // the tenant's every key in id order to find these (35 ms a batch at 60k keys, growing with the table).
        orderBy: [{ field: 'value' }],
        limit: 1000,
      })) {
        ids.add(row.recordId)
      }
      const list = [...ids]
      for (let i = 0; i < list.length; i += 1000) {
        yield* services
          .entity(entity)
          .iterate({ where: { field: 'id', op: 'in', value: list.slice(i, i + 1000) }, limit: 1000 })
      }
    },
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
