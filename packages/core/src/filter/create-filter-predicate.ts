import type { CompileStorageFilterOptions, StoragePredicate } from '../storage/evaluate-storage-filter.js'
import { compileStorageFilter } from '../storage/evaluate-storage-filter.js'
import { compileFilter } from './compile-filter.js'
import type { FilterContext, FilterLimits, FilterTarget } from './filter-target.js'

/** Options of {@link createFilterPredicate}. */
export interface FilterPredicateOptions extends CompileStorageFilterOptions {
  /** Overrides of {@link DEFAULT_FILTER_LIMITS}. */
  readonly limits?: Partial<FilterLimits>
}

/**
 * Compiles a public filter into an in-process predicate over storage rows: {@link compileFilter} followed by
 * `compileStorageFilter` from `@rapport/core/storage`. For automation conditions and access checks evaluated on rows
 * already in memory; the semantics are exactly those of the storage adapters (two-valued logic, null ≡ missing, code
 * point ordering, ASCII-only case folding). Placeholders are bound once, now, from `context`.
 *
 * @throws `RapportError('INVALID_FILTER')` as {@link compileFilter} does.
 *
 * @example
 * ```ts
 * import { createFilterPredicate, type FilterTarget } from '@rapport/core/filter'
 *
 * declare const dealTarget: FilterTarget
 * const isBigOpenDeal = createFilterPredicate(
 *   { and: [{ field: 'status', op: 'eq', value: 'open' }, { field: 'amountMinor', op: 'gte', value: 1_000_000 }] },
 *   dealTarget,
 *   { now: new Date(), tenantId: 'ten_1' },
 *   { related: () => [] },
 * )
 * isBigOpenDeal({ id: 'deal_1', status: 'open', amountMinor: 2_500_000 }) // true
 * ```
 */
export function createFilterPredicate(
  filter: unknown,
  target: FilterTarget,
  context: FilterContext,
  options: FilterPredicateOptions,
): StoragePredicate {
  return compileStorageFilter(compileFilter(filter, target, context, options.limits), options)
}
