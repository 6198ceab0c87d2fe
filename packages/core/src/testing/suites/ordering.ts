import { compareRows, readFieldRef } from '../../storage/compare-storage-values.js'
import { keysetAfter } from '../../storage/keyset-after.js'
import type { StorageFilter, StorageOrderBy, StorageRow } from '../../storage/storage-filter.js'
import { check, checkEqual } from '../conformance-assert.js'
import { columnRef, pathRef } from '../conformance-context.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { and, cmp, createAll, idsOf, isNull, or, seededRandom } from './suite-helpers.js'

const asc = (field: string): StorageOrderBy => ({ ref: columnRef('person', field), direction: 'asc' })
const desc = (field: string): StorageOrderBy => ({ ref: columnRef('person', field), direction: 'desc' })

/** People whose sort keys collide, include nulls, and probe code-point string order. */
async function seed(ctx: ConformanceContext): Promise<StorageRow[]> {
  const names = ['b', 'B', 'a', 'É', 'e', 'Z', '🦄', '\uFF5E', '', 'ab', 'a b', 'a', 'b']
  const random = seededRandom(7)
  const rows = names.map((name, i) =>
    ctx.factories.person({
      name,
      age: i % 4 === 0 ? null : random.int(3),
      score: i % 5 === 0 ? null : random.pick([-1.5, 0, 2.25, 1e9]),
      active: i % 3 === 0 ? null : i % 2 === 0,
      bornOn: i % 6 === 0 ? null : random.pick(['1999-12-31', '2000-01-01', '2024-02-29']),
      lastSeenAt: i % 7 === 0 ? null : new Date(Date.UTC(2024, 0, 1, 0, 0, 0, random.int(4))),
    }),
  )
  await createAll(ctx, 'person', rows)
  return rows
}

/** Expected order: the reference comparator with `id` as final tiebreaker. */
function expectedOrder(rows: readonly StorageRow[], orderBy: readonly StorageOrderBy[]): string[] {
  return idsOf([...rows].sort(compareRows([...orderBy, asc('id')])))
}

/** The keyset condition "after (value, id)" for `score asc, id asc`, with nulls first. */
function after(last: StorageRow): StorageFilter {
  const score = last['score'] ?? null
  const id = String(last['id'])
  if (score === null) return or(isNull('score', false), and(isNull('score'), cmp('id', 'gt', id)))
  return or(cmp('score', 'gt', score), and(cmp('score', 'eq', score), cmp('id', 'gt', id)))
}

/** Sorting with nulls, every column type, offset/limit, and keyset pagination under concurrent inserts. */
export const orderingSuite: ConformanceSuite = {
  name: 'ordering-and-pagination',
  description: 'multi-key ordering with nulls by code point, offset/limit, gap-free keyset pagination',
  tests: {
    'every column type sorts like the reference comparator, nulls first ascending': async (ctx) => {
      const rows = await seed(ctx)
      const scope = ctx.scope('person')
      for (const field of ['name', 'age', 'score', 'active', 'bornOn', 'lastSeenAt']) {
        for (const key of [asc(field), desc(field)]) {
          const orderBy = [key, asc('id')]
          checkEqual(
            idsOf(await ctx.storage.findMany({ ...scope, orderBy })),
            expectedOrder(rows, orderBy),
            `orderBy ${field} ${key.direction}`,
          )
        }
      }
    },

    'multi-key ordering': async (ctx) => {
      const rows = await seed(ctx)
      const scope = ctx.scope('person')
      for (const orderBy of [
        [asc('age'), desc('name')],
        [desc('active'), asc('score'), desc('lastSeenAt')],
        [asc('bornOn'), asc('age'), asc('name')],
      ]) {
        const full = [...orderBy, asc('id')]
        checkEqual(
          idsOf(await ctx.storage.findMany({ ...scope, orderBy: full })),
          expectedOrder(rows, full),
          `orderBy ${orderBy.map((k) => `${k.ref.field} ${k.direction}`).join(', ')}`,
        )
      }
    },

    'ties are broken by the trailing id key, even when ids were not created in sort order': async (ctx) => {
      // Ids handed out in one order, rows inserted in the reverse one: an adapter that drops the trailing `id` key
      // returns ties in insertion (or heap) order, which only looks right while the two orders coincide.
      const scores = [1, 1, null, 2, 2, 2, null, 1]
      const rows = scores.map((score, i) => ctx.factories.person({ name: i % 2 ? 'odd' : 'even', score }))
      await createAll(ctx, 'person', [...rows].reverse())
      const scope = ctx.scope('person')
      for (const orderBy of [
        [asc('score'), asc('id')],
        [asc('score'), desc('id')],
        [desc('score'), asc('id')],
        [asc('name'), desc('score'), desc('id')],
      ]) {
        const label = orderBy.map((k) => `${k.ref.field} ${k.direction}`).join(', ')
        const expected = expectedOrder(rows, orderBy)
        checkEqual(idsOf(await ctx.storage.findMany({ ...scope, orderBy })), expected, `orderBy ${label}`)
        const paged: string[] = []
        for (let offset = 0; offset < rows.length; offset += 3) {
          paged.push(...idsOf(await ctx.storage.findMany({ ...scope, orderBy, offset, limit: 3 })))
        }
        checkEqual(paged, expected, `pages of 3, orderBy ${label}`)
      }
    },

    'offset and limit page through a sorted result': async (ctx) => {
      const rows = await seed(ctx)
      const scope = ctx.scope('person')
      const orderBy = [desc('score'), asc('id')]
      const expected = expectedOrder(rows, orderBy)
      const pages: string[] = []
      for (let offset = 0; offset < rows.length + 4; offset += 4) {
        const page = await ctx.storage.findMany({ ...scope, orderBy, offset, limit: 4 })
        check(page.length <= 4, 'a page never exceeds limit')
        pages.push(...idsOf(page))
      }
      checkEqual(pages, expected, 'the pages concatenate to the full order')
      checkEqual(await ctx.storage.findMany({ ...scope, orderBy, limit: 0 }), [], 'limit 0')
      checkEqual(
        idsOf(await ctx.storage.findMany({ ...scope, orderBy, offset: 5 })),
        expected.slice(5),
        'offset without limit',
      )
      checkEqual(
        idsOf(await ctx.storage.findMany({ ...scope, where: cmp('age', 'gte', 1), orderBy, limit: 3 })),
        expectedOrder(
          rows.filter((r) => typeof r['age'] === 'number' && r['age'] >= 1),
          orderBy,
        ).slice(0, 3),
        'where, orderBy and limit together',
      )
    },

    '`after` selects exactly the rows past a position, either direction, with nulls': async (ctx) => {
      // Adapters may compile `after` to a row-value comparison; it must mean exactly its expansion: NULLs first
      // ascending and last descending, mixed directions, JSON paths, and positions holding NULLs.
      const extra = [
        ctx.factories.person({ name: 'a', age: 1, score: 0, custom: { n: 2 } }),
        ctx.factories.person({ name: 'a', age: 1, score: 0, custom: { n: 1 } }),
        ctx.factories.person({ name: 'a', age: null, score: 0 }),
      ]
      await createAll(ctx, 'person', extra)
      const rows = [...(await seed(ctx)), ...extra]
      const scope = ctx.scope('person')
      const orderings: StorageOrderBy[][] = [
        [asc('id')],
        [desc('id')],
        [asc('name'), asc('id')],
        [desc('name'), desc('id')],
        [asc('age'), asc('score'), asc('id')],
        [desc('age'), desc('score'), desc('id')],
        [desc('lastSeenAt'), desc('id')],
        [asc('lastSeenAt'), asc('id')],
        [asc('age'), desc('name'), asc('id')],
        [{ ref: pathRef('custom', ['n'], 'number'), direction: 'desc' }, desc('id')],
      ]
      for (const orderBy of orderings) {
        const label = orderBy.map((k) => `${k.ref.field}${k.ref.path ? `.${k.ref.path}` : ''} ${k.direction}`)
        const expected = expectedOrder(rows, orderBy)
        for (const [position, id] of expected.entries()) {
          const row = rows.find((r) => r['id'] === id) as StorageRow
          const where = keysetAfter(
            orderBy,
            orderBy.map((o) => readFieldRef(row, o.ref)),
          )
          checkEqual(
            idsOf(await ctx.storage.findMany({ ...scope, where, orderBy })),
            expected.slice(position + 1),
            `after row ${position} of ${label.join(', ')}`,
          )
          checkEqual(
            idsOf(await ctx.storage.findMany({ ...scope, where: { kind: 'not', filter: where }, orderBy })),
            expected.slice(0, position + 1),
            `not after row ${position} of ${label.join(', ')}`,
          )
        }
      }
    },

    'keyset pagination has no gaps or duplicates under concurrent inserts': async (ctx) => {
      const scope = ctx.scope('person')
      const random = seededRandom(42)
      const scores = [null, -2, 0, 0.5, 1, 1, 3]
      const original = Array.from({ length: 60 }, (_, i) =>
        ctx.factories.person({ name: `k${i}`, score: random.pick(scores) }),
      )
      await createAll(ctx, 'person', original)
      const orderBy = [asc('score'), asc('id')]
      const seen: StorageRow[] = []
      let last: StorageRow | undefined
      for (let page = 0; page < 100; page++) {
        const rows = await ctx.storage.findMany({
          ...scope,
          orderBy,
          limit: 7,
          ...(last ? { where: after(last) } : {}),
        })
        if (rows.length === 0) break
        seen.push(...rows)
        last = rows[rows.length - 1]
        // Another writer inserts between pages, before and after the cursor.
        await createAll(ctx, 'person', [
          ctx.factories.person({ name: `late ${page}a`, score: random.pick(scores) }),
          ctx.factories.person({ name: `late ${page}b`, score: random.pick(scores) }),
        ])
      }
      const ids = idsOf(seen)
      checkEqual(ids.length, new Set(ids).size, 'no row appears twice')
      const missing = idsOf(original).filter((id) => !ids.includes(id))
      checkEqual(missing, [], 'every row that existed before paging started was returned')
      checkEqual(ids, idsOf([...seen].sort(compareRows(orderBy))), 'the pages are in sort order')
    },
  },
}
