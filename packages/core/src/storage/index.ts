/**
 * `@rapport/core/storage`: the storage port, for teams writing adapters. Implement {@link StorageAdapter} and prove it
 * with `runStorageConformance()` from `@rapport/core/testing`. The search semantics every adapter shares (normaliser,
 * tokens, reference matcher and ranking) are in `@rapport/core/search`.
 *
 * @example
 * ```ts
 * import type { StorageAdapter, StorageRow } from '@rapport/core/storage'
 * ```
 *
 * @module
 */

export { compareRows, compareStorageValues, readFieldRef } from './compare-storage-values.js'
export {
  type CompileStorageFilterOptions,
  compileStorageFilter,
  evaluateStorageFilter,
  type StoragePredicate,
} from './evaluate-storage-filter.js'
export type {
  AggregateGroupKey,
  AggregateGroupRow,
  AggregateMeasure,
  AggregateRowsArgs,
} from './grouped-aggregation.js'
export { type AggregateScanOptions, aggregateRowsByScan, sortGroups } from './grouped-aggregation-scan.js'
export { expandKeysetAfter, keysetAfter } from './keyset-after.js'
export type {
  FieldDefinition,
  IndexDefinition,
  ModelDefinition,
  ModelScope,
  RelationDefinition,
  StorageFieldType,
  StorageSchema,
} from './model-definition.js'
export { newestKeysByScan } from './newest-keys-scan.js'
export {
  type AggregateCustomerOrdersArgs,
  type CustomerOrderAggregate,
  type OrderAggregationFields,
  type OrderPeriodUnit,
  orderPeriodIndex,
} from './order-aggregation.js'
export { aggregateCustomerOrdersByScan, type OrderScanOptions } from './order-aggregation-scan.js'
export { unstorableInstantReason, unstorableTextReason } from './storable-value.js'
export type {
  FindByIdArgs,
  FindManyArgs,
  MigrationPlan,
  MigrationReport,
  NewestKey,
  NewestKeysArgs,
  NewestKeysPart,
  ReadFields,
  SearchArgs,
  StorageAdapter,
  StorageCapabilities,
  StorageMigrations,
  StorageOperations,
  StorageTransaction,
  UpdateByIdsArgs,
  UpdateByIdsRow,
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
