import type { ModelScope, StorageSchema } from '../storage/model-definition.js'
import type { StorageAdapter, StorageCapabilities } from '../storage/storage-adapter.js'
import type { StorageRow } from '../storage/storage-filter.js'
import type { ConformanceModelName } from './conformance-schema.js'

/**
 * An optional reader that bypasses the adapter (e.g. a raw `SELECT` by primary key), so the kit can check that a
 * write really reached the database, or really did not. It may return values in the driver's representation; the
 * kit only tests whether a row exists.
 */
export interface ConformanceRawReader {
  /** The stored row of `model` (a conformance model name) with this id in this tenant, or `null`. */
  get(args: { readonly model: string; readonly tenantId: string; readonly id: string }): Promise<unknown>
}

/** Builds complete rows of the conformance models: every column present, system columns filled in. */
export interface ConformanceFactories {
  /** A fresh id with the model's prefix, unique across runs, e.g. `per_0b7c…`. */
  id(model: ConformanceModelName): string
  /** A complete `org` row in `tenantId` (default: the test's tenant). */
  org(overrides?: StorageRow, tenantId?: string): StorageRow
  /** A complete `person` row. */
  person(overrides?: StorageRow, tenantId?: string): StorageRow
  /** A complete `group` row. */
  group(overrides?: StorageRow, tenantId?: string): StorageRow
  /** A complete `membership` row; `personId` and `groupId` should be overridden. */
  membership(overrides?: StorageRow, tenantId?: string): StorageRow
  /** A complete `purchase` row (a paid 1,000-unit order of customer `con_1` at the factory clock's instant). */
  purchase(overrides?: StorageRow, tenantId?: string): StorageRow
}

/** What each conformance test receives. */
export interface ConformanceContext {
  /** The adapter under test, already migrated to {@link ConformanceContext.schema}. */
  readonly storage: StorageAdapter
  /** The kit's schema (`conformanceSchema`). */
  readonly schema: StorageSchema
  /** A tenant id nobody else uses: every test starts from an empty tenant. */
  readonly tenantId: string
  /** Another fresh, unused tenant id (tenancy tests). */
  newTenantId(): string
  /** The call scope of a conformance model in `tenantId` (default: the test's tenant). */
  scope(model: ConformanceModelName, tenantId?: string): ModelScope
  /** Row builders. */
  readonly factories: ConformanceFactories
  /** The independent reader from `setup()`, when the adapter provides one. */
  readonly raw?: ConformanceRawReader
}

/** One conformance test: resolves when the adapter behaves, throws (any error) when it does not. */
export type ConformanceTest = (ctx: ConformanceContext) => Promise<void>

/**
 * A named group of conformance tests. Test ids are the stable strings `suite/test`, used by `skip` lists and
 * reports.
 */
export interface ConformanceSuite {
  /** The suite name, the first half of every test id, e.g. `crud`. */
  readonly name: string
  /** One sentence on what the suite proves. */
  readonly description: string
  /** Returns `true` when the adapter can run the suite, or the reason it is skipped. */
  requires?(capabilities: StorageCapabilities): true | string
  /** A per-test time budget for runners that enforce one (bulk suites need more than the usual 5 s). */
  readonly timeoutMs?: number
  /** The tests, keyed by name (the second half of the id). */
  readonly tests: Readonly<Record<string, ConformanceTest>>
}

/**
 * Tests to skip, keyed by `suite/test` id or `suite/*`, each with the reason reported for it.
 *
 * @example
 * ```ts
 * const skip: ConformanceSkips = { 'search/*': 'no full-text index in this adapter' }
 * ```
 */
export type ConformanceSkips = Readonly<Record<string, string>>

/** The outcome of {@link ConformanceReport}'s failing test. */
export interface ConformanceFailure {
  /** The `suite/test` id. */
  readonly id: string
  /** What the test threw. */
  readonly error: unknown
}

/** A test that did not run, and why. */
export interface ConformanceSkip {
  /** The `suite/test` id. */
  readonly id: string
  /** The capability or `skip` reason. */
  readonly reason: string
}

/** What `runConformance()` found. */
export interface ConformanceReport {
  /** Ids of the tests that passed. */
  readonly passed: readonly string[]
  /** Tests that failed, with their errors. */
  readonly failed: readonly ConformanceFailure[]
  /** Tests that did not run, with reasons. */
  readonly skipped: readonly ConformanceSkip[]
}
