/**
 * `@rapport/core/testing`: the in-memory storage adapter and the storage conformance kit.
 *
 * - {@link createMemoryStorage}: the reference adapter, for your own unit tests and for embedding without a database.
 * - {@link conformanceSuites} and {@link runConformance}: the kit every storage adapter must pass, runner-agnostic
 *   (use `runStorageConformance` from `@rapport/core/testing/vitest` with vitest).
 * - {@link conformanceSchema}: the kit's own models, to migrate in your adapter's `setup`.
 * - Fixtures: {@link permitsPlugin} (a host's staged entity) and {@link seedTimelineStory} (a customer timeline with
 *   entries sharing an instant, for paging tests) with {@link timelinePages} (every page of a timeline).
 *
 * @example
 * ```ts
 * import { conformanceSchema, runConformance } from '@rapport/core/testing'
 *
 * const storage = createMyStorage()
 * await storage.migrations.apply(conformanceSchema)
 * const { passed, failed, skipped } = await runConformance({ storage })
 * console.log(`${passed.length} passed, ${failed.length} failed, ${skipped.length} skipped`)
 * ```
 *
 * @module
 */
export { ConformanceAssertionError } from './conformance-assert.js'
export { type ConformanceModelName, conformanceSchema } from './conformance-schema.js'
export { conformanceSuites } from './conformance-suites.js'
export type {
  ConformanceContext,
  ConformanceFactories,
  ConformanceFailure,
  ConformanceRawReader,
  ConformanceReport,
  ConformanceSkip,
  ConformanceSkips,
  ConformanceSuite,
  ConformanceTest,
} from './conformance-types.js'
export { differentialModels, differentialSchema, systemColumns } from './differential-schema.js'
export { createMemoryStorage, type MemoryStorageOptions } from './memory-storage.js'
export { type RunConformanceOptions, runConformance } from './run-conformance.js'
export { permitEntity, permitsPlugin } from './staged-permit-fixture.js'
export { seedTimelineStory, type TimelineStory, timelinePages } from './timeline-story-fixture.js'
export { valuePool } from './value-pool.js'
