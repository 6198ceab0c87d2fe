import { check, checkEqual } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { cmp, createAll, idsOf } from './suite-helpers.js'

async function seed(ctx: ConformanceContext) {
  const f = ctx.factories
  const rows = {
    ada: f.person({
      name: 'Ada Lovelace',
      bio: 'Wrote the first program for the analytical engine',
      age: 36,
    }),
    grace: f.person({ name: 'Grace Hopper', bio: 'Invented the compiler; found a moth', age: 85 }),
    alan: f.person({ name: 'Alan Turing', bio: 'Computable numbers and the imitation game', age: 41 }),
    lovelaceFan: f.person({ name: 'Byron', bio: 'Admires Lovelace, writes poems', age: 36 }),
  }
  await createAll(ctx, 'person', Object.values(rows))
  return rows
}

/** `search()`: word matches over `searchFields`, case-insensitive, limited, filtered, tenant-scoped. */
export const searchSuite: ConformanceSuite = {
  name: 'search',
  description: 'search() finds rows by words of their searchFields, respecting where, limit and tenant',
  requires: (capabilities) =>
    capabilities.fullTextSearch ? true : 'the adapter declares capabilities.fullTextSearch = false',
  tests: {
    'finds rows by whole words, ignoring ASCII case': async (ctx) => {
      const { ada, lovelaceFan, grace } = await seed(ctx)
      const search = ctx.storage.search
      check(search, 'capabilities.fullTextSearch is true but search() is missing')
      const found = idsOf(await search({ ...ctx.scope('person'), query: 'LOVELACE', limit: 10 }))
      checkEqual(
        found.sort(),
        [String(ada['id']), String(lovelaceFan['id'])].sort(),
        "'LOVELACE' matches two rows",
      )
      const hopper = idsOf(await search({ ...ctx.scope('person'), query: 'hopper compiler', limit: 10 }))
      checkEqual(hopper, [String(grace['id'])], 'every word must match')
      checkEqual(await search({ ...ctx.scope('person'), query: 'zebra', limit: 10 }), [], 'no match')
    },

    'the name match ranks first and limit applies': async (ctx) => {
      const { ada } = await seed(ctx)
      const search = ctx.storage.search!
      const found = await search({ ...ctx.scope('person'), query: 'Ada Lovelace', limit: 1 })
      checkEqual(idsOf(found), [String(ada['id'])], 'one row, the exact name match')
      checkEqual(found[0], ada, 'search() returns whole rows')
    },

    'where and tenant restrict the matches': async (ctx) => {
      const { lovelaceFan } = await seed(ctx)
      const search = ctx.storage.search!
      const other = ctx.newTenantId()
      const foreign = ctx.factories.person({ name: 'Lovelace elsewhere' }, other)
      await createAll(ctx, 'person', [foreign], other)
      const found = await search({
        ...ctx.scope('person'),
        query: 'lovelace',
        where: cmp('name', 'eq', 'Byron'),
        limit: 10,
      })
      checkEqual(idsOf(found), [String(lovelaceFan['id'])], 'where narrows the matches')
      const theirs = await search({ ...ctx.scope('person', other), query: 'lovelace', limit: 10 })
      checkEqual(idsOf(theirs), [String(foreign['id'])], "another tenant's search sees only its own row")
    },
  },
}
