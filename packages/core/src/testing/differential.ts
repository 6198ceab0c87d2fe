/**
 * `@rapport/core/testing/differential`: the differential harness every adapter's tests share. Random rows from the
 * one value pool, random filters, orderings and limits; every adapter must select the same ids in the same order as
 * the in-memory reference. Needs `fast-check` (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createMemoryStorage, differentialSchema } from '@rapport/core/testing'
 * import { checkAdaptersAgree } from '@rapport/core/testing/differential'
 *
 * const memory = createMemoryStorage()
 * const mine = createMyStorage()
 * for (const s of [memory, mine]) await s.migrations.apply(differentialSchema)
 * await checkAdaptersAgree([['memory', memory], ['mine', mine]])
 * ```
 *
 * @module
 */
export {
  contactFieldsArbitrary,
  filterArbitrary,
  orderByArbitrary,
} from './differential-arbitraries.js'
export {
  type AgreementOptions,
  assertSameEverywhere,
  checkAdaptersAgree,
  differentialCompanies,
  differentialHarness,
  type NamedAdapters,
} from './differential-harness.js'
