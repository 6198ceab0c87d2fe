/**
 * `@rapport/core/storage`: the storage port, for teams writing adapters. Implement {@link StorageAdapter} and prove it
 * with `runStorageConformance()` from `@rapport/core/testing`.
 *
 * @example
 * ```ts
 * import type { StorageAdapter, StorageRow } from '@rapport/core/storage'
 * ```
 *
 * @module
 */

export {
  addSearchTokens,
  isCjkCharacter,
  MAX_SEARCH_TERMS,
  MAX_SEARCH_TOKEN_LENGTH,
  matchesSearch,
  normalizeSearchText,
  type ParsedSearchQuery,
  parseSearchQuery,
  phoneDigits,
  rankSearchRows,
  SEARCH_JOINERS,
  SEARCH_KEYS_FIELD,
  SEARCH_SEMANTICS_VERSION,
  SEARCH_TERMS_FIELD,
  type SearchDocument,
  type SearchTier,
  searchDocument,
  searchDocumentFields,
  searchFilters,
  searchTermNeedles,
  searchTier,
  searchTierNeedles,
  withSearchDocument,
} from '../search/index.js'
export { compareRows, compareStorageValues, readFieldRef } from './compare-storage-values.js'
export {
  type CompileStorageFilterOptions,
  compileStorageFilter,
  evaluateStorageFilter,
  type StoragePredicate,
} from './evaluate-storage-filter.js'
export type {
  FieldDefinition,
  IndexDefinition,
  ModelDefinition,
  RelationDefinition,
  StorageFieldType,
  StorageSchema,
} from './model-definition.js'
export {
  type AggregateCustomerOrdersArgs,
  aggregateCustomerOrdersByScan,
  type CustomerOrderAggregate,
  type OrderAggregationFields,
  type OrderPeriodUnit,
  type OrderScanOptions,
  orderPeriodIndex,
} from './order-aggregation.js'
export { unstorableInstantReason, unstorableTextReason } from './storable-value.js'
export type {
  FindManyArgs,
  MigrationPlan,
  MigrationReport,
  ModelScope,
  SearchArgs,
  StorageAdapter,
  StorageCapabilities,
  StorageMigrations,
  StorageOperations,
  StorageTransaction,
} from './storage-adapter.js'
export type {
  CompareOperator,
  FieldRef,
  JsonValue,
  ResolvedRelation,
  StorageFilter,
  StorageOrderBy,
  StorageRow,
  StorageValue,
  TextOperator,
} from './storage-filter.js'
