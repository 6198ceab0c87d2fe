import { checkEqual, checkRejects, checkSameIds } from '../conformance-assert.js'
import type { ConformanceSuite } from '../conformance-types.js'
import { cmp, createAll, exists, idsOf } from './suite-helpers.js'

/** Nothing crosses tenants: reads, counts, exists subqueries, bulk writes and unique indexes. */
export const tenancySuite: ConformanceSuite = {
  name: 'tenancy',
  description: 'every read and write is confined to its tenant, unique indexes included',
  tests: {
    'reads and counts see only their tenant': async (ctx) => {
      const other = ctx.newTenantId()
      const mine = [
        ctx.factories.person({ name: 'same', age: 1 }),
        ctx.factories.person({ name: 'same', age: 2 }),
      ]
      const theirs = [ctx.factories.person({ name: 'same', age: 1 }, other)]
      await createAll(ctx, 'person', mine)
      await createAll(ctx, 'person', theirs, other)
      const scope = ctx.scope('person')
      checkSameIds(idsOf(await ctx.storage.findMany(scope)), idsOf(mine), 'findMany() without where')
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: cmp('name', 'eq', 'same') })),
        idsOf(mine),
        'findMany(where)',
      )
      checkEqual(await ctx.storage.count(scope), 2, 'count()')
      checkEqual(await ctx.storage.count({ ...scope, where: cmp('age', 'eq', 1) }), 1, 'count(where)')
      const foreignId = String(theirs[0]?.['id'])
      checkEqual(
        await ctx.storage.findById({ ...scope, id: foreignId }),
        null,
        "findById() of another tenant's id",
      )
      checkSameIds(
        idsOf(await ctx.storage.findByIds({ ...scope, ids: [foreignId, ...idsOf(mine)] })),
        idsOf(mine),
        "findByIds() with another tenant's id",
      )
      checkEqual(
        await ctx.storage.count(ctx.scope('person', ctx.newTenantId())),
        0,
        'a fresh tenant is empty',
      )
    },

    'exists subqueries do not see related rows of another tenant': async (ctx) => {
      const other = ctx.newTenantId()
      const mentor = ctx.factories.person({ name: 'mentor' })
      const lonely = ctx.factories.person({ name: 'lonely' })
      await createAll(ctx, 'person', [mentor, lonely])
      // `mentorId` is not a foreign key: these rows of another tenant point at our ids.
      await createAll(
        ctx,
        'person',
        [
          ctx.factories.person({ name: 'foreign mentee', mentorId: String(lonely['id']) }, other),
          ctx.factories.person({ name: 'foreign mentee 2', mentorId: String(mentor['id']) }, other),
        ],
        other,
      )
      await createAll(ctx, 'person', [
        ctx.factories.person({ name: 'mentee', mentorId: String(mentor['id']) }),
      ])
      const scope = ctx.scope('person')
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: exists('person', 'mentees') })),
        [String(mentor['id'])],
        'exists(mentees) counts only mentees of this tenant',
      )
      checkEqual(
        await ctx.storage.count({
          ...scope,
          where: exists('person', 'mentees', cmp('name', 'eq', 'foreign mentee')),
        }),
        0,
        'exists() with a filter matching only foreign rows',
      )
      checkEqual(
        await ctx.storage.count({ ...ctx.scope('person', other), where: exists('person', 'mentor') }),
        0,
        'belongsTo exists() from the other tenant finds no mentor',
      )
    },

    'exists through a join table stays in the tenant when another tenant reuses the same ids': async (
      ctx,
    ) => {
      // Ids are unique per tenant only. Another tenant holds a person and a group with *our* ids, joined by its own
      // membership: a join that drops the tenant on the join table or the target sees them.
      const other = ctx.newTenantId()
      const loner = ctx.factories.person({ name: 'loner' })
      const member = ctx.factories.person({ name: 'member' })
      const chess = ctx.factories.group({ name: 'chess' })
      await createAll(ctx, 'person', [loner, member])
      await createAll(ctx, 'group', [chess])
      await createAll(ctx, 'membership', [
        ctx.factories.membership({ personId: String(member['id']), groupId: String(chess['id']) }),
      ])
      const twin = ctx.factories.person({ id: String(loner['id']), name: 'loner' }, other)
      const foreignGroup = ctx.factories.group({ id: String(chess['id']), name: 'foreign' }, other)
      await createAll(ctx, 'person', [twin], other)
      await createAll(ctx, 'group', [foreignGroup], other)
      await createAll(
        ctx,
        'membership',
        [
          ctx.factories.membership(
            { personId: String(loner['id']), groupId: String(chess['id']), role: 'owner' },
            other,
          ),
        ],
        other,
      )
      const scope = ctx.scope('person')
      checkSameIds(
        idsOf(await ctx.storage.findMany({ ...scope, where: exists('person', 'groups') })),
        [String(member['id'])],
        'exists(groups) sees only this tenant’s memberships',
      )
      checkEqual(
        await ctx.storage.count({ ...scope, where: exists('person', 'ownedGroups') }),
        0,
        'exists(ownedGroups): the owner membership belongs to another tenant',
      )
      checkEqual(
        await ctx.storage.count({
          ...scope,
          where: exists('person', 'groups', cmp('name', 'eq', 'foreign', 'group')),
        }),
        0,
        'exists(groups, name = foreign): the foreign group shares our id, not our tenant',
      )
      checkEqual(
        await ctx.storage.count({
          ...ctx.scope('group'),
          where: exists('group', 'members', cmp('name', 'eq', 'loner')),
        }),
        0,
        'exists(members) from the group side',
      )
      checkEqual(
        await ctx.storage.count({ ...ctx.scope('person', other), where: exists('person', 'groups') }),
        1,
        'the other tenant sees its own membership',
      )
    },

    'bulk and single-row writes stay in their tenant': async (ctx) => {
      const other = ctx.newTenantId()
      const mine = [ctx.factories.person({ name: 'a' }), ctx.factories.person({ name: 'b' })]
      const theirs = [ctx.factories.person({ name: 'a' }, other), ctx.factories.person({ name: 'b' }, other)]
      await createAll(ctx, 'person', mine)
      await createAll(ctx, 'person', theirs, other)
      const scope = ctx.scope('person')
      const everything = { kind: 'const', value: true } as const
      checkEqual(
        await ctx.storage.updateMany({ ...scope, where: everything, data: { bio: 'x' } }),
        2,
        'updateMany',
      )
      const foreignId = String(theirs[0]?.['id'])
      checkEqual(
        await ctx.storage.updateById({ ...scope, id: foreignId, data: { bio: 'y' } }),
        null,
        'updateById',
      )
      checkEqual(
        await ctx.storage.deleteById({ ...scope, id: foreignId }),
        false,
        "deleteById of another tenant's row",
      )
      checkEqual(await ctx.storage.deleteMany(scope), 2, 'deleteMany() without where')
      const left = await ctx.storage.findMany(ctx.scope('person', other))
      checkEqual(
        left.sort((x, y) => String(x['name']).localeCompare(String(y['name']))),
        theirs,
        'the other tenant is untouched',
      )
    },

    'unique indexes are per tenant': async (ctx) => {
      const other = ctx.newTenantId()
      await createAll(ctx, 'person', [ctx.factories.person({ email: 'dup@example.test' })])
      await createAll(ctx, 'person', [ctx.factories.person({ email: 'dup@example.test' }, other)], other)
      checkEqual(
        await ctx.storage.count(ctx.scope('person', other)),
        1,
        'the same email in another tenant is fine',
      )
      await checkRejects(
        () =>
          ctx.storage.create({
            ...ctx.scope('person'),
            data: ctx.factories.person({ email: 'dup@example.test' }),
          }),
        'UNIQUE_VIOLATION',
        'a duplicate in the same tenant',
      )
    },

    'references resolve only within the tenant': async (ctx) => {
      const other = ctx.newTenantId()
      const foreignOrg = ctx.factories.org({ name: 'elsewhere' }, other)
      await createAll(ctx, 'org', [foreignOrg], other)
      const scope = ctx.scope('person')
      await checkRejects(
        () =>
          ctx.storage.create({ ...scope, data: ctx.factories.person({ orgId: String(foreignOrg['id']) }) }),
        'CONSTRAINT_VIOLATION',
        "a reference to another tenant's row",
      )
      checkEqual(await ctx.storage.count(scope), 0, 'nothing was written')
    },
  },
}
