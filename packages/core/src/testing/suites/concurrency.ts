import { check, checkEqual } from '../conformance-assert.js'
import type { ConformanceSuite } from '../conformance-types.js'
import { cmp } from './suite-helpers.js'

const WRITERS = 12

/** `updateById` with a guard is compare-and-set, also under concurrent callers. */
export const concurrencySuite: ConformanceSuite = {
  name: 'concurrency',
  description: 'guarded updates and deletes are compare-and-set; concurrent writes are not lost',
  tests: {
    'of concurrent guarded updates on one version exactly one wins': async (ctx) => {
      const scope = ctx.scope('person')
      const row = ctx.factories.person({ name: 'contended', version: 1 })
      await ctx.storage.create({ ...scope, data: row })
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          ctx.storage.updateById({
            ...scope,
            id: String(row['id']),
            guard: cmp('version', 'eq', 1),
            data: { version: 2, name: `writer ${i}` },
          }),
        ),
      )
      const winners = results.filter((result) => result !== null)
      checkEqual(winners.length, 1, `exactly one of ${WRITERS} guarded updates succeeds`)
      const stored = await ctx.storage.findById({ ...scope, id: String(row['id']) })
      checkEqual(stored, winners[0], "the stored row is the winner's")
      checkEqual(stored?.['version'], 2, 'version 2')
    },

    'a guard that does not match writes nothing': async (ctx) => {
      const scope = ctx.scope('person')
      const row = ctx.factories.person({ name: 'stale', version: 3 })
      await ctx.storage.create({ ...scope, data: row })
      const id = String(row['id'])
      checkEqual(
        await ctx.storage.updateById({
          ...scope,
          id,
          guard: cmp('version', 'eq', 2),
          data: { version: 3, name: 'x' },
        }),
        null,
        'updateById() with a stale guard returns null',
      )
      checkEqual(
        await ctx.storage.deleteById({ ...scope, id, guard: cmp('version', 'eq', 2) }),
        false,
        'deleteById() with a stale guard returns false',
      )
      checkEqual(await ctx.storage.findById({ ...scope, id }), row, 'the row is unchanged')
      const updated = await ctx.storage.updateById({
        ...scope,
        id,
        guard: cmp('version', 'eq', 3),
        data: { version: 4 },
      })
      checkEqual(updated, { ...row, version: 4 }, 'a matching guard updates')
      checkEqual(
        await ctx.storage.deleteById({ ...scope, id, guard: cmp('version', 'eq', 4) }),
        true,
        'deleteById() with a matching guard',
      )
    },

    'concurrent guarded deletes delete once': async (ctx) => {
      const scope = ctx.scope('person')
      const row = ctx.factories.person({ name: 'doomed', version: 1 })
      await ctx.storage.create({ ...scope, data: row })
      const results = await Promise.all(
        Array.from({ length: WRITERS }, () =>
          ctx.storage.deleteById({ ...scope, id: String(row['id']), guard: cmp('version', 'eq', 1) }),
        ),
      )
      checkEqual(results.filter(Boolean).length, 1, 'exactly one delete reports success')
    },

    'concurrent creates and updates are not lost': async (ctx) => {
      const scope = ctx.scope('person')
      const rows = Array.from({ length: 40 }, (_, i) => ctx.factories.person({ name: `p${i}`, age: i }))
      await Promise.all(rows.map((data) => ctx.storage.create({ ...scope, data })))
      checkEqual(await ctx.storage.count(scope), rows.length, 'every concurrent create landed')
      await Promise.all(
        rows.map((row, i) =>
          ctx.storage.updateById({ ...scope, id: String(row['id']), data: { score: i * 1.5 } }),
        ),
      )
      const stored = await ctx.storage.findMany(scope)
      check(
        stored.every((row) => row['score'] === Number(row['age']) * 1.5),
        'every concurrent update landed on its own row',
      )
    },
  },
}
