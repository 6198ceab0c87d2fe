import type { ConformanceSuite } from './conformance-types.js'
import { accessSuite } from './suites/access.js'
import { bulkSuite } from './suites/bulk.js'
import { concurrencySuite } from './suites/concurrency.js'
import { constraintsSuite } from './suites/constraints.js'
import { crudSuite } from './suites/crud.js'
import { eventsSuite } from './suites/events.js'
import { filterEdgesSuite } from './suites/filter-edges.js'
import { filtersSuite } from './suites/filters.js'
import { groupedAggregationSuite } from './suites/grouped-aggregation.js'
import { jsonPathsSuite } from './suites/json-paths.js'
import { migrationsSuite } from './suites/migrations.js'
import { orderAggregationSuite } from './suites/order-aggregation.js'
import { orderingSuite } from './suites/ordering.js'
import { searchSuite } from './suites/search.js'
import { softDeleteSuite } from './suites/soft-delete.js'
import { tenancySuite } from './suites/tenancy.js'
import { transactionsSuite } from './suites/transactions.js'

/**
 * Every suite of the storage conformance kit, in run order. Test ids (`suite/test`) are stable across releases, so
 * `skip` lists keep working.
 *
 * @example
 * ```ts
 * import { conformanceSuites } from '@rapport/core/testing'
 *
 * for (const suite of conformanceSuites) console.log(suite.name, Object.keys(suite.tests))
 * ```
 */
export const conformanceSuites: readonly ConformanceSuite[] = [
  crudSuite,
  tenancySuite,
  bulkSuite,
  filtersSuite,
  filterEdgesSuite,
  jsonPathsSuite,
  orderingSuite,
  constraintsSuite,
  concurrencySuite,
  transactionsSuite,
  searchSuite,
  softDeleteSuite,
  orderAggregationSuite,
  groupedAggregationSuite,
  migrationsSuite,
  eventsSuite,
  accessSuite,
]
