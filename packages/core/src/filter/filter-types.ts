/**
 * The public filter language: a JSON-serialisable tree used by `list()`, saved segments, automation conditions and
 * access-control scopes. Core validates it, binds its placeholders and resolves its fields, producing the
 * `StorageFilter` adapters evaluate.
 */

/** A calendar duration for relative dates. Months and years follow the calendar (date-fns semantics), in UTC. */
export interface FilterDuration {
  readonly years?: number
  readonly months?: number
  readonly weeks?: number
  readonly days?: number
  readonly hours?: number
  readonly minutes?: number
}

/**
 * A value bound at query time:
 * - `{ $var: 'now' }`: the current instant from the CRM's clock;
 * - `{ $var: 'actor.id' }`: a path into the query context (`actor`, `tenantId`, or host-supplied `vars`);
 * - `{ $ago: { days: 30 } }`: now minus a duration ("within the last 30 days" is `gte` this);
 * - `{ $fromNow: { days: 3 } }`: now plus a duration.
 */
export type FilterPlaceholder =
  | { readonly $var: string }
  | { readonly $ago: FilterDuration }
  | { readonly $fromNow: FilterDuration }

/** A literal or placeholder. Instants may be given as `Date` or ISO-8601 strings. */
export type FilterValue = string | number | boolean | null | Date | FilterPlaceholder

/** Comparison of one field with one value. `eq null` matches null and missing values. */
export interface CompareCondition {
  readonly field: string
  readonly op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'
  readonly value: FilterValue
}

/** Membership in a list; `nin` is its exact negation (null or missing values are `nin` a list without `null`). */
export interface ListCondition {
  readonly field: string
  readonly op: 'in' | 'nin'
  readonly value: readonly FilterValue[]
}

/** Substring tests; case-sensitive unless `caseInsensitive` (ASCII letters only). False on null. */
export interface TextCondition {
  readonly field: string
  readonly op: 'contains' | 'startsWith' | 'endsWith'
  readonly value: string | FilterPlaceholder
  readonly caseInsensitive?: boolean
}

/** `value: true` matches null or missing values (and empty arrays); `false` matches present ones. */
export interface NullCondition {
  readonly field: string
  readonly op: 'isNull'
  readonly value: boolean
}

/** Inclusive range: `gte value[0] and lte value[1]`. */
export interface BetweenCondition {
  readonly field: string
  readonly op: 'between'
  readonly value: readonly [FilterValue, FilterValue]
}

/** True when at least one related record (in the same tenant) satisfies `where`, e.g. "has an open deal". */
export interface ExistsCondition {
  /** A relation name declared by the entity, e.g. `deals`, `contacts`, `activities`. */
  readonly exists: string
  readonly where?: Filter
}

/**
 * A filter tree.
 *
 * @example
 * ```ts
 * const openBigDeals: Filter = {
 *   and: [
 *     { field: 'ownerId', op: 'eq', value: { $var: 'actor.id' } },
 *     { field: 'amount.amountMinor', op: 'gte', value: 1_000_000 },
 *     { field: 'updatedAt', op: 'gte', value: { $ago: { days: 30 } } },
 *     { not: { field: 'custom.tier', op: 'in', value: ['free', 'trial'] } },
 *   ],
 * }
 * ```
 */
export type Filter =
  | { readonly and: readonly Filter[] }
  | { readonly or: readonly Filter[] }
  | { readonly not: Filter }
  | CompareCondition
  | ListCondition
  | TextCondition
  | NullCondition
  | BetweenCondition
  | ExistsCondition
