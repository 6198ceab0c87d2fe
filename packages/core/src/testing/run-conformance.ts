import type { StorageAdapter, StorageCapabilities } from '../storage/storage-adapter.js'
import { createConformanceContext } from './conformance-context.js'
import { conformanceSuites } from './conformance-suites.js'
import type {
  ConformanceFailure,
  ConformanceRawReader,
  ConformanceReport,
  ConformanceSkip,
  ConformanceSkips,
  ConformanceSuite,
  ConformanceTest,
} from './conformance-types.js'

/** One test of the plan, with its stable id. */
export interface PlannedConformanceTest {
  /** `suite/test`. */
  readonly id: string
  /** The suite it belongs to. */
  readonly suite: ConformanceSuite
  /** The test body. */
  readonly run: ConformanceTest
}

/** Whether `id` (`suite/test`) matches a pattern: the id itself, `suite/*` or `*`. */
export function matchesTestPattern(id: string, pattern: string): boolean {
  if (pattern === '*' || pattern === id) return true
  return pattern.endsWith('/*') && id.startsWith(pattern.slice(0, -1))
}

/** Every test of `suites`, in order, restricted to the `only` patterns when given. */
export function planConformance(
  suites: readonly ConformanceSuite[],
  only?: readonly string[],
): PlannedConformanceTest[] {
  const plan: PlannedConformanceTest[] = []
  for (const suite of suites) {
    for (const [name, run] of Object.entries(suite.tests)) {
      const id = `${suite.name}/${name}`
      if (only && !only.some((pattern) => matchesTestPattern(id, pattern))) continue
      plan.push({ id, suite, run })
    }
  }
  return plan
}

/** Why a test is skipped (`skip` entries first, then missing capabilities), or `undefined` when it runs. */
export function skipReason(
  test: PlannedConformanceTest,
  skip: ConformanceSkips | undefined,
  capabilities: StorageCapabilities | undefined,
): string | undefined {
  for (const [pattern, reason] of Object.entries(skip ?? {})) {
    if (matchesTestPattern(test.id, pattern)) return reason
  }
  if (capabilities && test.suite.requires) {
    const verdict = test.suite.requires(capabilities)
    if (verdict !== true) return verdict
  }
  return undefined
}

/** Options of {@link runConformance}. */
export interface RunConformanceOptions {
  /** The adapter under test, already migrated to `conformanceSchema`. */
  readonly storage: StorageAdapter
  /** An independent reader for read-your-writes checks. */
  readonly raw?: ConformanceRawReader
  /** Tests to skip, with reasons (`'suite/*'` or `'suite/test'`). */
  readonly skip?: ConformanceSkips
  /** Run only the tests matching these patterns (`'suite/*'`, `'suite/test'`). */
  readonly only?: readonly string[]
  /** The suites to run; defaults to `conformanceSuites`. */
  readonly suites?: readonly ConformanceSuite[]
  /** Called before each test, e.g. to truncate tables. Every test already gets a fresh tenant. */
  reset?(storage: StorageAdapter): Promise<void>
  /** Called after each test with its outcome, e.g. for progress output. */
  onResult?(result: { readonly id: string; readonly status: 'passed' | 'failed' | 'skipped' }): void
}

/**
 * Runs the conformance kit without any test runner and returns a structured report, for teams on node:test, Jest,
 * Mocha or a CI script. Tests run one after another; each gets a fresh tenant.
 *
 * @example
 * ```ts
 * import { conformanceSchema, runConformance } from '@rapport/core/testing'
 *
 * const storage = createMyStorage()
 * await storage.migrations.apply(conformanceSchema)
 * const report = await runConformance({ storage, skip: { 'search/*': 'no full-text search' } })
 * if (report.failed.length > 0) {
 *   for (const { id, error } of report.failed) console.error(id, error)
 *   process.exitCode = 1
 * }
 * ```
 */
export async function runConformance(options: RunConformanceOptions): Promise<ConformanceReport> {
  const passed: string[] = []
  const failed: ConformanceFailure[] = []
  const skipped: ConformanceSkip[] = []
  const plan = planConformance(options.suites ?? conformanceSuites, options.only)
  for (const test of plan) {
    const reason = skipReason(test, options.skip, options.storage.capabilities)
    if (reason !== undefined) {
      skipped.push({ id: test.id, reason })
      options.onResult?.({ id: test.id, status: 'skipped' })
      continue
    }
    try {
      await options.reset?.(options.storage)
      await test.run(createConformanceContext(options.storage, options.raw))
      passed.push(test.id)
      options.onResult?.({ id: test.id, status: 'passed' })
    } catch (error) {
      failed.push({ id: test.id, error })
      options.onResult?.({ id: test.id, status: 'failed' })
    }
  }
  return { passed, failed, skipped }
}
