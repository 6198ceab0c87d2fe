import type { StorageFilter, StorageOrderBy } from '../../storage/storage-filter.js'
import { checkEqual, checkSameIds } from '../conformance-assert.js'
import { columnRef } from '../conformance-context.js'
import type { ConformanceSuite } from '../conformance-types.js'
import { and, cmp, createAll, idsOf, isNull, not } from './suite-helpers.js'

/** Core's default read filter: what `list()`, `count()` and `search()` add unless archived records are asked for. */
const live: StorageFilter = isNull('archivedAt')
const archived: StorageFilter = isNull('archivedAt', false)
const byName: StorageOrderBy = { ref: columnRef('person', 'name'), direction: 'asc' }

/**
 * Soft deletes are rows with `archivedAt` set. Core hides them by passing `archivedAt IS NULL` with every read, so an
 * adapter must apply that filter on every path, alone and combined, and archiving or restoring a row must move it
 * between the two views at once. (The rest of the kit never archives a row, so an adapter that ignores the filter
 * would pass it.)
 */
export const softDeleteSuite: ConformanceSuite = {
  name: 'soft-delete',
  description: 'archived rows stay out of every read that asks for live rows, and come back when restored',
  tests: {
    'the live-rows filter hides archived rows on findMany, count, paging and bulk writes': async (ctx) => {
      const when = new Date(Date.UTC(2024, 5, 1))
      const rows = [
        ctx.factories.person({ name: 'a live', age: 30 }),
        ctx.factories.person({ name: 'b archived', age: 30, archivedAt: when }),
        ctx.factories.person({ name: 'c live', age: 40 }),
        ctx.factories.person({ name: 'd archived', age: 40, archivedAt: when }),
        ctx.factories.person({ name: 'e live', age: null }),
      ]
      await createAll(ctx, 'person', rows)
      const scope = ctx.scope('person')
      const liveIds = idsOf(rows.filter((r) => r['archivedAt'] === null))
      const archivedIds = idsOf(rows.filter((r) => r['archivedAt'] !== null))
      checkSameIds(idsOf(await ctx.storage.findMany({ ...scope, where: live })), liveIds, 'findMany(live)')
      checkEqual(await ctx.storage.count({ ...scope, where: live }), 3, 'count(live)')
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: and(cmp('age', 'eq', 30), live) })),
        liveIds.slice(0, 1),
        'findMany(where and live)',
      )
      checkEqual(
        idsOf(await ctx.storage.findMany({ ...scope, where: live, orderBy: [byName], limit: 2 })),
        liveIds.slice(0, 2),
        'a first page of live rows',
      )
      checkEqual(
        idsOf(await ctx.storage.findMany({ ...scope, where: live, orderBy: [byName], offset: 2 })),
        liveIds.slice(2),
        'the next page of live rows',
      )
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: archived })),
        archivedIds,
        'findMany(archived)',
      )
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: not(live) })),
        archivedIds,
        'not(live)',
      )
      checkEqual(await ctx.storage.count(scope), rows.length, 'count() without a filter sees every row')
      checkEqual(
        await ctx.storage.updateMany({
          ...scope,
          where: and(live, cmp('age', 'eq', 40)),
          data: { bio: 'touched' },
        }),
        1,
        'updateMany(live) changes live rows only',
      )
      checkEqual(
        await ctx.storage.count({ ...scope, where: cmp('bio', 'eq', 'touched') }),
        1,
        'only the live row was updated',
      )
      checkEqual(await ctx.storage.deleteMany({ ...scope, where: archived }), 2, 'deleteMany(archived)')
      checkSameIds(idsOf(await ctx.storage.findMany(scope)), liveIds, 'the live rows are left')
    },

    'archiving and restoring a row moves it between the views at once; findById sees both': async (ctx) => {
      const row = ctx.factories.person({ name: 'to archive' })
      await createAll(ctx, 'person', [row, ctx.factories.person({ name: 'bystander' })])
      const scope = ctx.scope('person')
      const id = String(row['id'])
      const archivedAt = new Date(Date.UTC(2024, 6, 1, 12))
      await ctx.storage.updateById({ ...scope, id, data: { archivedAt, version: 2 } })
      checkEqual(
        idsOf(await ctx.storage.findMany({ ...scope, where: and(live, cmp('name', 'eq', 'to archive')) })),
        [],
        'an archived row is out of the live view',
      )
      checkEqual(await ctx.storage.count({ ...scope, where: live }), 1, 'count(live) after archiving')
      checkEqual(
        (await ctx.storage.findById({ ...scope, id }))?.['archivedAt'],
        archivedAt,
        'findById still returns the archived row, with its archivedAt',
      )
      await ctx.storage.updateById({ ...scope, id, data: { archivedAt: null, version: 3 } })
      checkEqual(await ctx.storage.count({ ...scope, where: live }), 2, 'a restored row is live again')
      checkEqual(await ctx.storage.count({ ...scope, where: archived }), 0, 'and out of the archived view')
    },
  },
}
