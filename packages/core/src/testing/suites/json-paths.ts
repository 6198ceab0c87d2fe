import { compareRows, readFieldRef } from '../../storage/compare-storage-values.js'
import type { StorageOrderBy, StorageRow, StorageValue } from '../../storage/storage-filter.js'
import { checkEqual } from '../conformance-assert.js'
import { columnRef, pathRef } from '../conformance-context.js'
import type { ConformanceSuite } from '../conformance-types.js'
import { seedFilterDataset } from './filter-dataset.js'
import { differential, expectMatches } from './filters.js'
import { cmp, idsOf, isNull, not, text, within } from './suite-helpers.js'

const tier = pathRef('custom', ['tier'], 'string')
const n = pathRef('custom', ['n'], 'number')
const flag = pathRef('custom', ['flag'], 'boolean')
const since = pathRef('custom', ['since'], 'datetime')
const city = pathRef('custom', ['address', 'city'], 'string')

/** Filters and ordering on paths into json columns (custom fields). */
export const jsonPathsSuite: ConformanceSuite = {
  name: 'json-paths',
  description: 'filters and ordering on JSON paths: typed comparison, missing keys as null',
  requires: (capabilities) =>
    capabilities.jsonPaths ? true : 'the adapter declares capabilities.jsonPaths = false',
  tests: {
    'missing keys, null and non-objects read as null': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const at = (r: StorageRow, ref: typeof tier): StorageValue => readFieldRef(r, ref)
      await expectMatches(
        ctx,
        cmp(tier, 'eq', null),
        person.filter((r) => at(r, tier) === null),
        'eq null',
      )
      await expectMatches(
        ctx,
        isNull(tier, false),
        person.filter((r) => at(r, tier) !== null),
        'isNull false',
      )
      await expectMatches(
        ctx,
        cmp(tier, 'eq', 'gold'),
        person.filter((r) => at(r, tier) === 'gold'),
        'eq gold',
      )
      await expectMatches(
        ctx,
        cmp(tier, 'ne', 'gold'),
        person.filter((r) => at(r, tier) !== 'gold'),
        'ne keeps missing',
      )
      await expectMatches(
        ctx,
        cmp(city, 'eq', 'Paris'),
        person.filter((r) => at(r, city) === 'Paris'),
        'nested path',
      )
      await expectMatches(
        ctx,
        text(city, 'startsWith', 'PAR', true),
        person.filter((r) =>
          String(at(r, city) ?? '')
            .toLowerCase()
            .startsWith('par'),
        ),
        'text on a nested path',
      )
    },

    'paths compare by their declared type': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const num = (r: StorageRow) => readFieldRef(r, n)
      await expectMatches(
        ctx,
        cmp(n, 'gt', 9),
        person.filter((r) => typeof num(r) === 'number' && Number(num(r)) > 9),
        'numeric, not lexicographic (10 > 9)',
      )
      await expectMatches(
        ctx,
        not(cmp(n, 'lte', 0.5)),
        person.filter((r) => !(typeof num(r) === 'number' && Number(num(r)) <= 0.5)),
        'not(lte)',
      )
      await expectMatches(
        ctx,
        cmp(flag, 'eq', true),
        person.filter((r) => readFieldRef(r, flag) === true),
        'boolean',
      )
      await expectMatches(
        ctx,
        within(flag, [false, null]),
        person.filter((r) => readFieldRef(r, flag) !== true),
        'boolean in with null',
      )
      await expectMatches(
        ctx,
        cmp(since, 'gte', '2024-01-01T00:00:00.000Z'),
        person.filter((r) => String(readFieldRef(r, since) ?? '') >= '2024-01-01T00:00:00.000Z'),
        'datetime path as ISO string',
      )
    },

    'ordering by a json path': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      for (const direction of ['asc', 'desc'] as const) {
        const orderBy: StorageOrderBy[] = [
          { ref: n, direction },
          { ref: columnRef('person', 'id'), direction: 'asc' },
        ]
        checkEqual(
          idsOf(await ctx.storage.findMany({ ...ctx.scope('person'), orderBy })),
          idsOf([...person].sort(compareRows(orderBy))),
          `orderBy custom.n ${direction}`,
        )
      }
    },

    'random json-path filters agree with the reference evaluator': async (ctx) => {
      const dataset = await seedFilterDataset(ctx)
      await differential(ctx, dataset, 7_000_001, 200, true)
    },
  },
}
