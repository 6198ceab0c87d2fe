import type { ConformanceSuite } from './conformance-types.js'
import { crudSuite } from './suites/crud.js'

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
export const conformanceSuites: readonly ConformanceSuite[] = [crudSuite]
