import fc from 'fast-check'
import type { StorageAdapter } from '../storage/storage-adapter.js'
import type { StorageFilter, StorageOrderBy, StorageRow } from '../storage/storage-filter.js'
import { ConformanceAssertionError, deepEqual, show } from './conformance-assert.js'
import {
  contactFieldsArbitrary,
  filterArbitrary,
  orderByArbitrary,
  sameShapeArbitrary,
} from './differential-arbitraries.js'
import { differentialModels, differentialSchema, systemColumns } from './differential-schema.js'

/** Adapters to compare, by name. The first is the reference (usually `createMemoryStorage()`). */
export type NamedAdapters = readonly (readonly [name: string, storage: StorageAdapter])[]

/** The companies every differential dataset holds (targets of `exists` filters). */
export const differentialCompanies: readonly StorageRow[] = Object.freeze([
  { name: 'acme', domain: 'acme.example' },
  { name: 'Apex', domain: null },
  { name: 'Ärger', domain: 'globex.example' },
])

/**
 * Writes and reads the same rows on every adapter. Each dataset goes to its own tenant, so datasets never meet.
 *
 * @example
 * ```ts
 * const harness = differentialHarness([['memory', memory], ['sqlite', sqlite]])
 * await harness.seed([{ ...systemColumns('con_1', 't9'), firstName: 'a' }], 't9')
 * const ids = await harness.ids('t9', { kind: 'isNull', ref: { field: 'firstName', type: 'string' }, isNull: false })
 * ```
 */
export function differentialHarness(adapters: NamedAdapters) {
  const { company, contact } = differentialModels
  return {
    /** Creates {@link differentialCompanies} (`com_0`…) and `contacts` in `tenantId` on every adapter. */
    async seed(contacts: readonly StorageRow[], tenantId: string): Promise<void> {
      const companies = differentialCompanies.map((c, i) => ({
        ...systemColumns(`com_${i}`, tenantId),
        ...c,
      }))
      for (const [, storage] of adapters) {
        await storage.createMany({ model: company, schema: differentialSchema, tenantId, data: companies })
        await storage.createMany({
          model: contact,
          schema: differentialSchema,
          tenantId,
          data: [...contacts],
        })
      }
    },
    /** The ids of the matching contacts on each adapter, by adapter name, in the order each returned them. */
    async ids(
      tenantId: string,
      where?: StorageFilter,
      orderBy?: StorageOrderBy[],
      limit?: number,
    ): Promise<Record<string, unknown[]>> {
      const args = {
        model: contact,
        schema: differentialSchema,
        tenantId,
        ...(where ? { where } : {}),
        orderBy: orderBy ?? [{ ref: { field: 'id', type: 'string' } as const, direction: 'asc' as const }],
        ...(limit !== undefined ? { limit } : {}),
      }
      const out: Record<string, unknown[]> = {}
      for (const [name, storage] of adapters) out[name] = (await storage.findMany(args)).map((r) => r['id'])
      return out
    },
    /** How many contacts match on each adapter, by adapter name. */
    async counts(tenantId: string, where?: StorageFilter): Promise<Record<string, number>> {
      const out: Record<string, number> = {}
      for (const [name, storage] of adapters) {
        out[name] = await storage.count({
          model: contact,
          schema: differentialSchema,
          tenantId,
          ...(where ? { where } : {}),
        })
      }
      return out
    },
  }
}

/** Throws {@link ConformanceAssertionError} unless every adapter's result equals the reference's (the first). */
export function assertSameEverywhere(results: Record<string, unknown>, what: string): void {
  const [reference, ...others] = Object.entries(results)
  if (!reference) return
  for (const [name, result] of others) {
    if (!deepEqual(result, reference[1])) {
      throw new ConformanceAssertionError(
        `${name} disagrees with ${reference[0]} on ${what}: ${show(result)} vs ${show(reference[1])}`,
        { expected: reference[1], actual: result },
      )
    }
  }
}

/** Options of {@link checkAdaptersAgree}. */
export interface AgreementOptions {
  /** Random datasets to try (default 100). */
  readonly numRuns?: number
  /** The fast-check seed, to replay a failure. */
  readonly seed?: number
  /** Prefix of the tenants the datasets are written to (default `diff`). */
  readonly tenantPrefix?: string
}

/**
 * The differential property: on random contacts (from the one `valuePool` (from `@rapport/core/testing`)), random filters, orderings and
 * limits select the same ids in the same order, and count the same, on every adapter. Migrate
 * `differentialSchema` (from `@rapport/core/testing`) on each adapter first. Throws (with fast-check's shrunk counterexample) on the first
 * disagreement, so it works under any test runner.
 *
 * @example
 * ```ts
 * import { createMemoryStorage, differentialSchema } from '@rapport/core/testing'
 * import { checkAdaptersAgree } from '@rapport/core/testing/differential'
 *
 * const memory = createMemoryStorage()
 * const mine = createMyStorage()
 * for (const s of [memory, mine]) await s.migrations.apply(differentialSchema)
 * await checkAdaptersAgree([['memory', memory], ['mine', mine]], { numRuns: 200 })
 * ```
 */
export async function checkAdaptersAgree(
  adapters: NamedAdapters,
  options: AgreementOptions = {},
): Promise<void> {
  const harness = differentialHarness(adapters)
  let run = 0
  await fc.assert(
    fc.asyncProperty(
      fc.array(contactFieldsArbitrary, { maxLength: 14 }),
      fc.array(
        fc
          .tuple(
            filterArbitrary,
            orderByArbitrary,
            fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
          )
          .chain(([where, orderBy, limit]) =>
            sameShapeArbitrary(where).map((again) => [where, orderBy, limit, again] as const),
          ),
        { minLength: 1, maxLength: 6 },
      ),
      async (people, queries) => {
        const tenantId = `${options.tenantPrefix ?? 'diff'}${++run}`
        const rows: StorageRow[] = people.map(({ company, ...fields }, i) => ({
          ...systemColumns(`con_${i}`, tenantId),
          ...fields,
          companyId: company === null ? null : `com_${company}`,
        }))
        await harness.seed(rows, tenantId)
        for (const [where, orderBy, limit, again] of queries) {
          const query = show({ where, orderBy, limit })
          assertSameEverywhere(await harness.ids(tenantId, where, orderBy, limit), `ids of ${query}`)
          assertSameEverywhere(await harness.counts(tenantId, where), `count of ${show(where)}`)
          // The same shape with other values: a statement an adapter compiled once must bind the new values.
          const sameShape = show({ where: again, orderBy, limit })
          assertSameEverywhere(await harness.ids(tenantId, again, orderBy, limit), `ids of ${sameShape}`)
        }
      },
    ),
    {
      numRuns: options.numRuns ?? 100,
      includeErrorInReport: true,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
  )
}
