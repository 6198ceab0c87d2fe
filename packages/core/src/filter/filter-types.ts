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
 * True when the number of related records (in the same tenant) that satisfy `where` compares with `value`, e.g.
 * "has at least two completed orders": `{ count: 'orders', where: { field: 'status', op: 'eq', value: 'completed' },
 * op: 'gte', value: 2 }`. The relation and `where` are exactly those of {@link ExistsCondition}, so the related
 * entity's access scope applies the same way: records the caller cannot see are not counted. `{ count, op: 'gte',
 * value: 1 }` is `exists`, and `{ count, op: 'eq', value: 0 }` is its negation.
 */
export interface CountCondition {
  /** A relation name declared by the entity, e.g. `orders`, `deals`, `activities`. */
  readonly count: string
  /** Which related records are counted; all of them when absent. */
  readonly where?: Filter
  /** How the count compares with `value`. */
  readonly op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'between'
  /** A whole number from 0 to 2,147,483,647, or `[from, to]` (inclusive) for `between`. */
  readonly value: number | readonly [number, number]
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
  | CountCondition
