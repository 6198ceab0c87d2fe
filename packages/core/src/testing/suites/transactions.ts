import { check, checkEqual, checkRejects, checkSameIds } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { cmp, createAll, idsOf } from './suite-helpers.js'

/** A distinctive error the tests throw to trigger a rollback. */
class RollbackProbe extends Error {}

/** Whether a row is visible to the raw reader (when the adapter has one). */
async function rawExists(ctx: ConformanceContext, model: string, id: string): Promise<boolean | undefined> {
  if (!ctx.raw) return undefined
  const row = await ctx.raw.get({ model, tenantId: ctx.tenantId, id })
  return row !== null && row !== undefined
}

/** `transaction(fn)`: atomic commit, complete rollback, read-your-writes, error propagation. */
export const transactionsSuite: ConformanceSuite = {
  name: 'transactions',
  description: 'transaction() commits atomically, rolls back completely on throw and rethrows the error',
  requires: (capabilities) =>
    capabilities.transactions ? true : 'the adapter declares capabilities.transactions = false',
  tests: {
    'commit publishes every write and returns the result': async (ctx) => {
      const scope = ctx.scope('person')
      const [a, b] = [ctx.factories.person({ name: 'a' }), ctx.factories.person({ name: 'b' })]
      const result = await ctx.storage.transaction(async (tx) => {
        await tx.create({ ...scope, data: a! })
        await tx.createMany({ ...scope, data: [b!] })
        await tx.updateById({ ...scope, id: String(a!['id']), data: { age: 7 } })
        return 'done'
      })
      checkEqual(result, 'done', "transaction() resolves to fn's result")
      checkEqual(await ctx.storage.findById({ ...scope, id: String(a!['id']) }), { ...a!, age: 7 }, 'row a')
      checkEqual(await ctx.storage.findById({ ...scope, id: String(b!['id']) }), b, 'row b')
      if (ctx.raw) check(await rawExists(ctx, 'person', String(a!['id'])), 'the raw reader sees the commit')
    },

    'a throw rolls back every write and rethrows the same error': async (ctx) => {
      const scope = ctx.scope('person')
      const kept = ctx.factories.person({ name: 'kept', age: 1 })
      const doomed = ctx.factories.person({ name: 'doomed' })
      const victim = ctx.factories.person({ name: 'victim' })
      await createAll(ctx, 'person', [kept, victim])
      const before = await ctx.storage.findMany(scope)
      const probe = new RollbackProbe('roll back')
      let caught: unknown
      try {
        await ctx.storage.transaction(async (tx) => {
          await tx.create({ ...scope, data: doomed })
          await tx.updateById({ ...scope, id: String(kept['id']), data: { age: 99, name: 'changed' } })
          await tx.updateMany({ ...scope, where: cmp('name', 'eq', 'kept'), data: { bio: 'changed' } })
          await tx.deleteById({ ...scope, id: String(victim['id']) })
          throw probe
        })
      } catch (err) {
        caught = err
      }
      check(caught === probe, `transaction() rethrows fn's own error, got ${String(caught)}`)
      checkEqual(
        (await ctx.storage.findMany(scope)).sort((x, y) => (String(x['id']) < String(y['id']) ? -1 : 1)),
        before.sort((x, y) => (String(x['id']) < String(y['id']) ? -1 : 1)),
        'nothing changed',
      )
      checkEqual(
        await ctx.storage.findById({ ...scope, id: String(doomed['id']) }),
        null,
        'the insert is gone',
      )
      if (ctx.raw) check(!(await rawExists(ctx, 'person', String(doomed['id']))), 'the raw reader agrees')
    },

    'a storage error inside rolls back earlier writes and propagates': async (ctx) => {
      const scope = ctx.scope('person')
      const first = ctx.factories.person({ name: 'first', email: 'taken@example.test' })
      await checkRejects(
        () =>
          ctx.storage.transaction(async (tx) => {
            await tx.create({ ...scope, data: first })
            await tx.create({ ...scope, data: ctx.factories.person({ email: 'taken@example.test' }) })
          }),
        'UNIQUE_VIOLATION',
        'the unique violation propagates out of transaction()',
      )
      checkEqual(await ctx.storage.count(scope), 0, 'the first insert was rolled back')
    },

    'reads inside a transaction see its own writes': async (ctx) => {
      const scope = ctx.scope('person')
      const existing = ctx.factories.person({ name: 'existing', age: 5 })
      await createAll(ctx, 'person', [existing])
      const fresh = ctx.factories.person({ name: 'fresh', age: 6 })
      await ctx.storage.transaction(async (tx) => {
        await tx.create({ ...scope, data: fresh })
        await tx.updateById({ ...scope, id: String(existing['id']), data: { age: 50 } })
        checkEqual(await tx.findById({ ...scope, id: String(fresh['id']) }), fresh, 'findById inside')
        checkEqual(await tx.count({ ...scope, where: cmp('age', 'gte', 6) }), 2, 'count inside')
        checkSameIds(
          idsOf(await tx.findMany({ ...scope, where: cmp('age', 'eq', 50) })),
          [String(existing['id'])],
          'findMany inside sees the update',
        )
        await tx.deleteById({ ...scope, id: String(fresh['id']) })
        checkEqual(
          await tx.findById({ ...scope, id: String(fresh['id']) }),
          null,
          'the delete is visible inside',
        )
      })
      checkEqual(await ctx.storage.count(scope), 1, 'after commit')
    },

    'sequential transactions build on each other': async (ctx) => {
      const scope = ctx.scope('person')
      const row = ctx.factories.person({ name: 'counter', age: 0 })
      await createAll(ctx, 'person', [row])
      for (let i = 0; i < 5; i++) {
        await ctx.storage.transaction(async (tx) => {
          const current = await tx.findById({ ...scope, id: String(row['id']) })
          await tx.updateById({
            ...scope,
            id: String(row['id']),
            data: { age: Number(current?.['age']) + 1 },
          })
        })
      }
      checkEqual(
        (await ctx.storage.findById({ ...scope, id: String(row['id']) }))?.['age'],
        5,
        'five increments',
      )
    },
  },
}
