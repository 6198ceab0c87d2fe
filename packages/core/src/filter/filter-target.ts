import type { FieldRef, ResolvedRelation } from '../storage/storage-filter.js'

/**
 * What the filter compiler needs to know about the entity a filter runs against. Entities build one from their
 * schema and custom-field registry; the access-control layer and automation reuse them.
 */
export interface FilterTarget {
  /** The entity name, for error messages (e.g. `contact`). */
  readonly entity: string
  /** Resolves a public field path (`ownerId`, `amount.amountMinor`, `custom.tier`) or returns `undefined`. */
  resolveField(path: string): FieldRef | undefined
  /** Resolves a relation name used by `exists`, with the related entity's own target. */
  resolveRelation(
    name: string,
  ): { readonly relation: ResolvedRelation; readonly target: FilterTarget } | undefined
  /** Every field path accepted by `resolveField`, for helpful error messages. */
  fieldPaths(): readonly string[]
  /**
   * Brings a string filter value into the form the field stores, e.g. lower-cases it for an email key stored
   * lower-cased. Absent: values are compared as given.
   */
  normalizeValue?(path: string, value: string): string
  /** Every relation name accepted by `resolveRelation`, for helpful error messages. */
  relationNames?(): readonly string[]
}

/** The values placeholders bind to, fixed for one query. */
export interface FilterContext {
  /** The instant `$var: 'now'`, `$ago` and `$fromNow` are computed from. */
  readonly now: Date
  /** The tenant of the query; `$var: 'tenantId'`. */
  readonly tenantId: string
  /** The acting user, when known; `$var: 'actor.id'` and other `actor.*` paths. */
  readonly actor?: Readonly<Record<string, unknown>> & { readonly id: string }
  /** Host-supplied values; `$var: 'vars.region'`. */
  readonly vars?: Readonly<Record<string, unknown>>
}

/** Bounds checked before schema validation, so hostile trees fail fast and never overflow the stack. */
export interface FilterLimits {
  /** Maximum nesting depth of `and`/`or`/`not`/`exists` (default 32). */
  readonly maxDepth: number
  /** Maximum number of nodes in the tree (default 1,000). */
  readonly maxNodes: number
  /** Maximum length of an `in`/`nin` list (default 1,000). */
  readonly maxListLength: number
  /** Maximum length of a string value (default 10,000). */
  readonly maxStringLength: number
}

/** The default {@link FilterLimits}. */
export const DEFAULT_FILTER_LIMITS: FilterLimits = Object.freeze({
  maxDepth: 32,
  maxNodes: 1000,
  maxListLength: 1000,
  maxStringLength: 10_000,
})
