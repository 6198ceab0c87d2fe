import { checkEqual } from '../conformance-assert.js'
import type { ConformanceSuite } from '../conformance-types.js'

/** `migrations.apply` is idempotent and `plan` is empty once applied. */
export const migrationsSuite: ConformanceSuite = {
  name: 'migrations',
  description: 'apply() is idempotent, keeps data, and plan() is empty afterwards',
  tests: {
    'apply is idempotent and plan is empty afterwards': async (ctx) => {
      const scope = ctx.scope('person')
      const row = ctx.factories.person({ name: 'survivor' })
      await ctx.storage.create({ ...scope, data: row })
      await ctx.storage.migrations.apply(ctx.schema)
      const again = await ctx.storage.migrations.apply(ctx.schema)
      checkEqual(again.applied, [], 'a second apply() runs nothing')
      checkEqual(
        (await ctx.storage.migrations.plan(ctx.schema)).statements,
        [],
        'plan() after apply() is empty',
      )
      checkEqual(await ctx.storage.findById({ ...scope, id: String(row['id']) }), row, 'apply() keeps data')
    },

    'concurrent applies are serialised': async (ctx) => {
      const reports = await Promise.all([1, 2, 3].map(() => ctx.storage.migrations.apply(ctx.schema)))
      checkEqual(
        reports.map((report) => report.applied),
        [[], [], []],
        'an already migrated schema applies nothing, however many callers race',
      )
      checkEqual((await ctx.storage.migrations.plan(ctx.schema)).statements, [], 'plan() is still empty')
    },
  },
}
