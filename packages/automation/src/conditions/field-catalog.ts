import type { DerivedColumnsView } from '@rapport/core/plugin'
import type { ModelDefinition, StorageFieldType } from '@rapport/core/storage'

/** The type of a field path in a domain record, as conditions see it. */
export interface CatalogField {
  /** The scalar type, or `json` when values are compared by their runtime kind. */
  readonly type: StorageFieldType
  /** The value is an array of scalars (membership semantics). */
  readonly array: boolean
}

/**
 * The field paths of an entity's domain records, derived from its storage model: plain columns, money fields
 * (`amount`, `amount.amountMinor`, `amount.currency`) and any path inside a JSON column (`custom.tier`,
 * `address.city`). Conditions are validated against it.
 */
export interface FieldCatalog {
  /** The entity name. */
  readonly entity: string
  /** The field at `path`, or `undefined` when the entity has no such field. */
  resolve(path: string): CatalogField | undefined
  /** Every top-level path, for suggestions. */
  paths(): readonly string[]
  /** Paths whose values core stores lower-cased (emails); conditions compare them lower-cased, as filters do. */
  readonly lowerCased?: ReadonlySet<string>
  /**
   * Columns core derives from the record (a contact's `primaryEmail`), with core's own function computing them:
   * conditions read these fields from it, since the domain record does not carry them.
   */
  readonly derived?: DerivedColumnsView
}

/**
 * Builds the {@link FieldCatalog} of a storage model; `derived` (from `PluginContext.derivedColumns`) lets conditions
 * read the columns core derives from a record, such as a contact's `primaryEmail`.
 */
export function fieldCatalogOf(model: ModelDefinition, derived?: DerivedColumnsView): FieldCatalog {
  const exact = new Map<string, CatalogField>()
  const jsonRoots = new Set<string>()
  const fields = model.fields
  for (const [name, def] of Object.entries(fields)) {
    if (name === 'tenantId') continue
    if (name.endsWith('Minor') && fields[`${name.slice(0, -5)}Currency`]) {
      const base = name.slice(0, -5)
      exact.set(base, { type: 'json', array: false })
      exact.set(`${base}.amountMinor`, { type: 'integer', array: false })
      exact.set(`${base}.currency`, { type: 'string', array: false })
      continue
    }
    if (name.endsWith('Currency') && fields[`${name.slice(0, -8)}Minor`]) continue
    exact.set(name, { type: def.type, array: def.array === true })
    if (def.type === 'json' && !def.array) jsonRoots.add(name)
    if (def.type === 'json' && def.array) jsonRoots.add(name)
  }
  return {
    entity: model.name,
    resolve(path) {
      const alias = derived?.aliases[path]
      const hit = exact.get(alias ?? path)
      if (hit) return alias && hit.array && hit.type === 'json' ? { type: 'string', array: true } : hit
      const dot = path.indexOf('.')
      if (dot > 0 && jsonRoots.has(path.slice(0, dot)) && path.length > dot + 1) {
        return { type: 'json', array: false }
      }
      return undefined
    },
    paths: () => [...exact.keys()],
    lowerCased: new Set(model.lowerCasedFields ?? []),
    ...(derived ? { derived } : {}),
  }
}

/** Where an event-triggered rule's conditions find the event payload. */
export const EVENT_BODY = 'body'

/**
 * The catalog of an event-triggered rule's conditions: the entity's fields plus the event payload under `body`
 * (`body.price`, `body.items.sku`). Payload values are JSON, compared by the type of the value they are compared with,
 * as untyped custom fields are; `body` shadows an entity field of that name (an activity's body) in these conditions.
 */
export function withEventBody(catalog: FieldCatalog): FieldCatalog {
  const prefix = `${EVENT_BODY}.`
  return {
    ...catalog,
    resolve: (path) =>
      path === EVENT_BODY || (path.startsWith(prefix) && path.length > prefix.length)
        ? { type: 'json', array: false }
        : catalog.resolve(path),
    paths: () => [...catalog.paths().filter((p) => p !== EVENT_BODY), EVENT_BODY],
  }
}

/** A catalog that accepts every path and compares by runtime kind (plain fact objects, benchmarks). */
export const openCatalog: FieldCatalog = {
  entity: '*',
  resolve: () => ({ type: 'json', array: false }),
  paths: () => [],
}

/** Up to three known paths closest to `path` (edit distance), for error messages. */
export function suggestPaths(catalog: FieldCatalog, path: string): string[] {
  const scored = catalog
    .paths()
    .map((candidate) => ({ candidate, d: distance(candidate.toLowerCase(), path.toLowerCase()) }))
    .filter((s) => s.d <= Math.max(2, Math.floor(path.length / 3)))
    .sort((a, b) => a.d - b.d || (a.candidate < b.candidate ? -1 : 1))
  return scored.slice(0, 3).map((s) => s.candidate)
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
      prev = tmp
    }
  }
  return row[b.length] as number
}
