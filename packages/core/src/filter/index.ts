/**
 * `@rapport/core/filter`: the public filter language (`where`), its validation and compilation, and an in-memory
 * predicate with the same semantics as every storage adapter.
 *
 * @example
 * ```ts
 * import { createFilterPredicate } from '@rapport/core/filter'
 * import type { Filter } from '@rapport/core/filter'
 *
 * const where: Filter = { field: 'lastName', op: 'startsWith', value: 'Love' }
 * const page = await crm.contacts.list({ where })
 * ```
 *
 * @module
 */

export { compileFilter, validateFilter } from './compile-filter.js'
export { createFilterPredicate, type FilterPredicateOptions } from './create-filter-predicate.js'
export {
  DEFAULT_FILTER_LIMITS,
  type FilterContext,
  type FilterLimits,
  type FilterTarget,
} from './filter-target.js'
export type {
  BetweenCondition,
  CompareCondition,
  CountCondition,
  ExistsCondition,
  Filter,
  FilterDuration,
  FilterPlaceholder,
  FilterValue,
  ListCondition,
  NullCondition,
  TextCondition,
} from './filter-types.js'
export { suggestFieldPaths } from './suggest-field-paths.js'
