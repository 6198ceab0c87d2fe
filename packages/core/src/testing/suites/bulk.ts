import type { StorageRow } from '../../storage/storage-filter.js'
import { checkEqual, checkRejects, checkSameIds } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { idsOf, within } from './suite-helpers.js'

/** Above SQLite's 32,766 and Postgres' 65,535 bind parameters once multiplied by any column count. */
const BULK_ROWS = 40_000
/** Above Postgres' 65,535 bind parameters for a single `IN` list. */
const LIST_LENGTH = 70_000

function people(ctx: ConformanceContext, count: number, overrides: (i: number) => StorageRow = () => ({})) {
  return Array.from({ length: count }, (_, i) =>
    ctx.factories.person({ name: `bulk ${i}`, age: i, ...overrides(i) }),
  )
}

/** `createMany` and `in` lists beyond driver parameter limits, and all-or-nothing `createMany`. */
export const bulkSuite: ConformanceSuite = {
  name: 'bulk',
  description: 'createMany and in-lists work beyond driver parameter limits; createMany is all-or-nothing',
  timeoutMs: 120_000,
  tests: {
    'createMany and in-lists beyond driver parameter limits': async (ctx) => {
      const scope = ctx.scope('person')
      const rows = people(ctx, BULK_ROWS, (i) => ({ email: `bulk${i}@example.test`, custom: { i } }))
      checkEqual(
        await ctx.storage.createMany({ ...scope, data: rows }),
        BULK_ROWS,
        'createMany() returns the count',
      )
      checkEqual(await ctx.storage.count(scope), BULK_ROWS, 'count()')
      const ids = idsOf(rows)
      const unknown = Array.from({ length: LIST_LENGTH - BULK_ROWS }, () => ctx.factories.id('person'))
      const list = [...unknown.slice(0, 10_000), ...ids, ...unknown.slice(10_000)]
      checkEqual(
        await ctx.storage.count({ ...scope, where: within('id', list) }),
        BULK_ROWS,
        `in (${LIST_LENGTH} ids)`,
      )
      checkEqual(
        await ctx.storage.count({ ...scope, where: within('id', list, true) }),
        0,
        `nin (${LIST_LENGTH})`,
      )
      const ages = Array.from({ length: LIST_LENGTH }, (_, i) => i * 2)
      checkEqual(
        await ctx.storage.count({ ...scope, where: within('age', ages) }),
        BULK_ROWS / 2,
        `in (${LIST_LENGTH} integers)`,
      )
      const found = await ctx.storage.findMany({ ...scope, where: within('id', list) })
      checkEqual(found.length, BULK_ROWS, 'findMany(in) returns every row once')
      const sample = found.find((row) => row['id'] === ids[12_345])
      checkEqual(sample, rows[12_345], 'rows come back whole')
      checkSameIds(
        idsOf(await ctx.storage.findByIds({ ...scope, ids: list })),
        ids,
        `findByIds(${LIST_LENGTH} ids)`,
      )
      const half = ids.slice(0, BULK_ROWS / 2)
      checkEqual(
        await ctx.storage.updateMany({
          ...scope,
          where: within('id', [...unknown, ...half]),
          data: { bio: 'first half' },
        }),
        BULK_ROWS / 2,
        'updateMany(in)',
      )
      checkEqual(
        await ctx.storage.deleteMany({ ...scope, where: within('id', [...half, ...unknown]) }),
        BULK_ROWS / 2,
        'deleteMany(in)',
      )
      checkEqual(await ctx.storage.count(scope), BULK_ROWS / 2, 'count after deleteMany')
      checkEqual(
        await ctx.storage.count({ ...scope, where: within('bio', ['first half']) }),
        0,
        'the updated rows were the deleted ones',
      )
    },

    'createMany writes nothing when row N violates a unique index': async (ctx) => {
      const scope = ctx.scope('person')
      const rows = people(ctx, 5_000, (i) => ({ email: `row${i}@example.test` }))
      rows[4_321] = { ...rows[4_321]!, email: 'row17@example.test' }
      const err = await checkRejects(
        () => ctx.storage.createMany({ ...scope, data: rows }),
        'UNIQUE_VIOLATION',
        'a duplicate email in row 4,321',
      )
      checkEqual(err.details['model'], 'person', 'details.model')
      checkEqual(await ctx.storage.count(scope), 0, 'no row was written')
      const existing = ctx.factories.person({ email: 'existing@example.test' })
      await ctx.storage.create({ ...scope, data: existing })
      const clash = people(ctx, 3_000)
      clash[2_999] = { ...clash[2_999]!, email: 'existing@example.test' }
      await checkRejects(
        () => ctx.storage.createMany({ ...scope, data: clash }),
        'UNIQUE_VIOLATION',
        'the last row clashing with a stored row',
      )
      checkEqual(
        idsOf(await ctx.storage.findMany(scope)),
        [String(existing['id'])],
        'only the earlier row exists',
      )
    },

    'createMany writes nothing when row N has a dangling reference': async (ctx) => {
      const scope = ctx.scope('person')
      const rows = people(ctx, 2_500)
      rows[2_400] = { ...rows[2_400]!, orgId: ctx.factories.id('org') }
      await checkRejects(
        () => ctx.storage.createMany({ ...scope, data: rows }),
        'CONSTRAINT_VIOLATION',
        'a missing org in row 2,400',
      )
      checkEqual(await ctx.storage.count(scope), 0, 'no row was written')
      checkEqual(await ctx.storage.createMany({ ...scope, data: [] }), 0, 'createMany([]) is a no-op')
    },
  },
}
