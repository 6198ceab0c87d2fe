import type { StorageRow } from '../../storage/storage-filter.js'
import { check, checkEqual, checkSameIds } from '../conformance-assert.js'
import { columnRef } from '../conformance-context.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'

/** Rows whose values sit on the edges of every column type. */
export function edgeCasePeople(ctx: ConformanceContext): StorageRow[] {
  const { person } = ctx.factories
  return [
    person({
      name: 'Zoë 🦄 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 漢字 עברית',
      email: 'zoë@exämple.test',
      bio: 'quotes \' " `, backslash \\ percent % underscore _, newline\nand tab\t',
      age: Number.MAX_SAFE_INTEGER,
      score: 0.1 + 0.2,
      active: true,
      bornOn: '2000-02-29',
      lastSeenAt: new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)),
      tags: ['a', 'Ä', '🦄', ''],
      custom: { tier: 'gold', nested: { list: [1, 'two', null, true, { deep: [] }] }, empty: {}, nul: null },
    }),
    person({
      name: '',
      email: '',
      bio: '',
      age: -Number.MAX_SAFE_INTEGER,
      score: -1.5e-10,
      active: false,
      bornOn: '1970-01-01',
      lastSeenAt: new Date(1),
      tags: [],
      custom: { n: -0.5, big: 1e300, t: true, f: false, s: '' },
    }),
    person({
      name: 'zero',
      age: 0,
      score: 0,
      active: false,
      bornOn: '9999-12-31',
      lastSeenAt: new Date(Date.UTC(2099, 11, 31, 23, 59, 59, 1)),
      custom: [],
    }),
    person({ name: 'json scalar', custom: 'just a string' }),
    person({ name: 'json number', custom: 42 }),
  ]
}

async function createPeople(ctx: ConformanceContext, rows: readonly StorageRow[]): Promise<void> {
  for (const data of rows) await ctx.storage.create({ ...ctx.scope('person'), data })
}

/** Create, read, update and delete round-trips, and exact storage of every column type. */
export const crudSuite: ConformanceSuite = {
  name: 'crud',
  description: 'create/get/update/delete round-trips, and every column type round-trips exactly',
  tests: {
    'create returns the row as stored': async (ctx) => {
      const data = ctx.factories.person({ name: 'Ada', email: 'ada@example.test', age: 36 })
      const created = await ctx.storage.create({ ...ctx.scope('person'), data })
      checkEqual(created, data, 'create() returns every column as given')
      checkEqual(
        await ctx.storage.findById({ ...ctx.scope('person'), id: String(data['id']) }),
        data,
        'findById',
      )
      if (ctx.raw) {
        const raw = await ctx.raw.get({ model: 'person', tenantId: ctx.tenantId, id: String(data['id']) })
        check(raw !== null && raw !== undefined, 'the raw reader sees the created row')
      }
    },

    'every column type round-trips exactly': async (ctx) => {
      const rows = edgeCasePeople(ctx)
      for (const data of rows) {
        const created = await ctx.storage.create({ ...ctx.scope('person'), data })
        checkEqual(created, data, `create() of ${String(data['name'])}`)
      }
      for (const data of rows) {
        const found = await ctx.storage.findById({ ...ctx.scope('person'), id: String(data['id']) })
        checkEqual(found, data, `findById() of ${String(data['name'])}`)
        const lastSeen = found?.['lastSeenAt']
        if (data['lastSeenAt'] !== null) check(lastSeen instanceof Date, 'datetime columns come back as Date')
      }
      const listed = await ctx.storage.findMany(ctx.scope('person'))
      checkSameIds(
        listed.map((r) => r['id']),
        rows.map((r) => String(r['id'])),
        'findMany() lists every row',
      )
      for (const row of listed) {
        checkEqual(
          row,
          rows.find((r) => r['id'] === row['id']),
          `findMany() row ${String(row['name'])}`,
        )
      }
    },

    'reads given fields return every one of them unchanged, null included': async (ctx) => {
      const rows = edgeCasePeople(ctx)
      await createPeople(ctx, rows)
      const scope = ctx.scope('person')
      // Nullable columns (email, custom) and a datetime among them: a projection must still return null as null.
      const fields = ['id', 'name', 'email', 'lastSeenAt', 'custom']
      const pick = (row: StorageRow | null | undefined) =>
        row ? Object.fromEntries(fields.map((f) => [f, row[f] === undefined ? 'MISSING' : row[f]])) : row
      // An adapter declaring exactReadFields returns those fields only, in the model's order (core hands such a row
      // out as the record).
      const exact = ctx.storage.capabilities.exactReadFields === true
      const inModelOrder = Object.keys(scope.model.fields).filter((f) => fields.includes(f))
      const checkExact = (row: StorageRow | null | undefined, what: string) => {
        if (exact && row) checkEqual(Object.keys(row), inModelOrder, `${what}: exactly the fields asked`)
      }
      for (const data of rows) {
        const found = await ctx.storage.findById({ ...scope, id: String(data['id']), fields })
        checkEqual(pick(found), pick(data), `findById({ fields }) of ${String(data['name'])}`)
        checkExact(found, 'findById({ fields })')
      }
      const listed = await ctx.storage.findMany({
        ...scope,
        fields,
        orderBy: [{ ref: { field: 'id', type: 'string' }, direction: 'asc' }],
      })
      checkEqual(
        listed.map(pick),
        [...rows].sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1)).map(pick),
        'findMany({ fields })',
      )
      for (const row of listed) checkExact(row, 'findMany({ fields })')
    },

    'null and missing columns both read back as null': async (ctx) => {
      const full = ctx.factories.person({ name: 'sparse' })
      const data: StorageRow = {}
      for (const [k, v] of Object.entries(full)) if (v !== null) data[k] = v
      check(!('email' in data) && !('custom' in data), 'the test omits nullable columns')
      const created = await ctx.storage.create({ ...ctx.scope('person'), data })
      checkEqual(created, full, 'create() fills omitted columns with null')
      checkEqual(
        await ctx.storage.findById({ ...ctx.scope('person'), id: String(full['id']) }),
        full,
        'findById',
      )
    },

    'findById and findByIds ignore missing ids': async (ctx) => {
      const rows = [ctx.factories.person({ name: 'a' }), ctx.factories.person({ name: 'b' })]
      await createPeople(ctx, rows)
      const scope = ctx.scope('person')
      checkEqual(await ctx.storage.findById({ ...scope, id: ctx.factories.id('person') }), null, 'unknown id')
      const found = await ctx.storage.findByIds({
        ...scope,
        ids: [String(rows[1]?.['id']), ctx.factories.id('person'), String(rows[0]?.['id'])],
      })
      checkSameIds(
        found.map((r) => r['id']),
        rows.map((r) => String(r['id'])),
        'findByIds() returns the existing rows only',
      )
      checkEqual(await ctx.storage.findByIds({ ...scope, ids: [] }), [], 'findByIds([])')
    },

    'updateById changes only the given columns of one row': async (ctx) => {
      const [a, b] = [
        ctx.factories.person({ name: 'a', age: 1 }),
        ctx.factories.person({ name: 'b', age: 2 }),
      ]
      await createPeople(ctx, [a!, b!])
      const scope = ctx.scope('person')
      const patch: StorageRow = {
        age: 41,
        email: null,
        custom: { tier: 'silver', list: [1, 2] },
        lastSeenAt: new Date(Date.UTC(2025, 5, 1, 12, 0, 0, 7)),
        version: 2,
      }
      const updated = await ctx.storage.updateById({ ...scope, id: String(a!['id']), data: patch })
      const expected = { ...a!, ...patch }
      checkEqual(updated, expected, 'updateById() returns the whole updated row')
      checkEqual(
        await ctx.storage.findById({ ...scope, id: String(a!['id']) }),
        expected,
        'the update is stored',
      )
      checkEqual(
        await ctx.storage.findById({ ...scope, id: String(b!['id']) }),
        b,
        'other rows are untouched',
      )
      const missing = await ctx.storage.updateById({
        ...scope,
        id: ctx.factories.id('person'),
        data: { age: 1 },
      })
      checkEqual(missing, null, 'updateById() of an unknown id returns null')
      checkEqual(await ctx.storage.count(scope), 2, 'updating an unknown id creates nothing')
    },

    'updateByIds sets each row whose id, match and guard hold, and no other': async (ctx) => {
      const update = ctx.storage.updateByIds?.bind(ctx.storage)
      if (!update) return
      const people = ['a', 'b', 'c', 'd'].map((name, i) => ctx.factories.person({ name, age: i, version: 1 }))
      await createPeople(ctx, people)
      const scope = ctx.scope('person')
      const [a, b, c, d] = people as [StorageRow, StorageRow, StorageRow, StorageRow]
      const patch = (i: number): StorageRow => ({
        age: 40 + i,
        bio: i % 2 ? null : `bio 'quoted' ${i}`,
        custom: { i, list: [i, 'x'] },
        lastSeenAt: new Date(Date.UTC(2025, 5, 1, 12, 0, 0, i)),
        version: 2,
      })
      const adult = { kind: 'compare', ref: columnRef('person', 'age'), op: 'gte', value: 1 } as const
      const updated = await update({
        ...scope,
        rows: [
          { id: String(a['id']), data: patch(0), match: { version: 1 } },
          { id: String(b['id']), data: patch(1), match: { version: 1 } },
          { id: String(c['id']), data: patch(2), match: { version: 7 } },
          { id: ctx.factories.id('person'), data: patch(3), match: { version: 1 } },
        ],
        guard: adult,
      })
      checkSameIds(
        updated.map((r) => String(r['id'])),
        [String(b['id'])],
        'only the row matching its version and the guard is updated',
      )
      checkEqual(updated[0], { ...b, ...patch(1) }, 'updateByIds() returns the whole updated row')
      checkEqual(
        await ctx.storage.findById({ ...scope, id: String(b['id']) }),
        { ...b, ...patch(1) },
        'stored',
      )
      for (const row of [a, c, d]) {
        checkEqual(
          await ctx.storage.findById({ ...scope, id: String(row['id']) }),
          row,
          'the others are untouched',
        )
      }
      checkEqual(await ctx.storage.count(scope), 4, 'an unknown id creates nothing')
      checkEqual(await update({ ...scope, rows: [] }), [], 'updateByIds([])')
    },

    'deleteById removes exactly one row': async (ctx) => {
      const [a, b] = [ctx.factories.person({ name: 'a' }), ctx.factories.person({ name: 'b' })]
      await createPeople(ctx, [a!, b!])
      const scope = ctx.scope('person')
      checkEqual(await ctx.storage.deleteById({ ...scope, id: String(a!['id']) }), true, 'first delete')
      checkEqual(await ctx.storage.deleteById({ ...scope, id: String(a!['id']) }), false, 'second delete')
      checkEqual(await ctx.storage.findById({ ...scope, id: String(a!['id']) }), null, 'the row is gone')
      checkEqual(await ctx.storage.findById({ ...scope, id: String(b!['id']) }), b, 'the other row stays')
      if (ctx.raw) {
        const raw = await ctx.raw.get({ model: 'person', tenantId: ctx.tenantId, id: String(a!['id']) })
        check(raw === null || raw === undefined, 'the raw reader no longer sees the deleted row')
      }
    },

    'updateMany, deleteMany and count agree on the matched rows': async (ctx) => {
      const rows = [1, 2, 3, 4, 5].map((age) => ctx.factories.person({ name: `p${age}`, age }))
      await createPeople(ctx, rows)
      const scope = ctx.scope('person')
      const old = { kind: 'compare', ref: columnRef('person', 'age'), op: 'gte', value: 3 } as const
      checkEqual(await ctx.storage.count({ ...scope, where: old }), 3, 'count(where)')
      checkEqual(await ctx.storage.count(scope), 5, 'count()')
      checkEqual(
        await ctx.storage.updateMany({ ...scope, where: old, data: { bio: 'old' } }),
        3,
        'updateMany()',
      )
      const after = await ctx.storage.findMany(scope)
      for (const row of after) {
        checkEqual(row['bio'], Number(row['age']) >= 3 ? 'old' : null, `bio of age ${String(row['age'])}`)
      }
      checkEqual(await ctx.storage.deleteMany({ ...scope, where: old }), 3, 'deleteMany(where)')
      checkSameIds(
        (await ctx.storage.findMany(scope)).map((r) => r['id']),
        rows.slice(0, 2).map((r) => String(r['id'])),
        'rows left after deleteMany(where)',
      )
      checkEqual(await ctx.storage.deleteMany(scope), 2, 'deleteMany() without where empties the tenant')
      checkEqual(await ctx.storage.count(scope), 0, 'count() after deleteMany()')
    },

    'callers cannot mutate stored rows': async (ctx) => {
      const data = ctx.factories.person({ name: 'immutable', tags: ['a'], custom: { tier: 'gold' } })
      const snapshot = structuredClone(data)
      const scope = ctx.scope('person')
      const created = await ctx.storage.create({ ...scope, data })
      ;(data['tags'] as string[]).push('mutated input')
      ;(created['custom'] as Record<string, string>)['tier'] = 'mutated output'
      const found = await ctx.storage.findById({ ...scope, id: String(snapshot['id']) })
      checkEqual(found, snapshot, 'mutating the input or the returned row does not change the stored row')
      check(found !== null, 'the row is found')
      ;(found['createdAt'] as Date).setTime(0)
      ;(found['tags'] as string[]).push('x')
      checkEqual(await ctx.storage.findById({ ...scope, id: String(snapshot['id']) }), snapshot, 'read again')
    },
  },
}
