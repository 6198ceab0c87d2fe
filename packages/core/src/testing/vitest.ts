/**
 * `@rapport/core/testing/vitest`: the vitest binding of the storage conformance kit. One call registers every suite
 * as a nested `describe`, every test as an `it` named by its stable `suite/test` id, and reports capability gaps and
 * `skip` entries as skipped tests with their reasons.
 *
 * @example
 * ```ts
 * // test/conformance.test.ts
 * import { conformanceSchema } from '@rapport/core/testing'
 * import { runStorageConformance } from '@rapport/core/testing/vitest'
 *
 * runStorageConformance({
 *   name: 'my-adapter',
 *   async setup() {
 *     const storage = createMyStorage()
 *     await storage.migrations.apply(conformanceSchema)
 *     return { storage }
 *   },
 *   skip: { 'search/*': 'no full-text index in this adapter' },
 * })
 * ```
 *
 * @module
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { StorageAdapter } from '../storage/storage-adapter.js'
import { createConformanceContext } from './conformance-context.js'
import { conformanceSuites } from './conformance-suites.js'
import type { ConformanceRawReader, ConformanceSkips, ConformanceSuite } from './conformance-types.js'
import { planConformance, skipReason } from './run-conformance.js'

/** What `setup()` hands the kit. */
export interface ConformanceSetup {
  /** The adapter under test, migrated to `conformanceSchema`. */
  readonly storage: StorageAdapter
  /** An optional reader that bypasses the adapter, for read-your-writes checks. */
  readonly raw?: ConformanceRawReader
}

/** Options of {@link runStorageConformance}. */
export interface RunStorageConformanceOptions {
  /** The outer `describe()` title, e.g. `sqlite (better-sqlite3 :memory:)`. */
  readonly name: string
  /** Creates (and migrates) the adapter once for the whole file. */
  setup(): Promise<ConformanceSetup>
  /** Releases what `setup()` created; defaults to `storage.close()`. */
  teardown?(setup: ConformanceSetup): Promise<void>
  /** Called before each test, e.g. to truncate tables; every test already runs in a fresh tenant. */
  reset?(storage: StorageAdapter): Promise<void>
  /** Tests to skip with reasons, keyed by `suite/test` or `suite/*`; they are reported as skipped. */
  readonly skip?: ConformanceSkips
  /** Register only the tests matching these patterns (`suite/*`, `suite/test`). */
  readonly only?: readonly string[]
  /** The suites to run; defaults to `conformanceSuites`. */
  readonly suites?: readonly ConformanceSuite[]
  /**
   * A per-test timeout in milliseconds for every test, e.g. for a slow emulator or an in-process database. By
   * default each suite's own budget applies (`bulk`: 120 s), and vitest's `testTimeout` for the others.
   */
  readonly timeoutMs?: number
}

/**
 * Registers the storage conformance kit with vitest. Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { createMemoryStorage } from '@rapport/core/testing'
 * import { runStorageConformance } from '@rapport/core/testing/vitest'
 *
 * runStorageConformance({ name: 'memory', setup: async () => ({ storage: createMemoryStorage() }) })
 * ```
 */
export function runStorageConformance(options: RunStorageConformanceOptions): void {
  const plan = planConformance(options.suites ?? conformanceSuites, options.only)
  describe(options.name, () => {
    let env: ConformanceSetup | undefined
    beforeAll(async () => {
      env = await options.setup()
    })
    afterAll(async () => {
      if (!env) return
      if (options.teardown) await options.teardown(env)
      else await env.storage.close()
    })
    const suites = [...new Set(plan.map((test) => test.suite))]
    for (const suite of suites) {
      describe(suite.name, () => {
        for (const test of plan.filter((t) => t.suite === suite)) {
          const staticReason = skipReason(test, options.skip, undefined)
          if (staticReason !== undefined) {
            it(test.id, (vi) => vi.skip(staticReason))
            continue
          }
          it(
            test.id,
            async (vi) => {
              if (!env) throw new Error('runStorageConformance: setup() did not complete')
              const reason = skipReason(test, undefined, env.storage.capabilities)
              if (reason !== undefined) vi.skip(reason)
              await options.reset?.(env.storage)
              await test.run(createConformanceContext(env.storage, env.raw))
            },
            options.timeoutMs ?? suite.timeoutMs,
          )
        }
      })
    }
  })
}
