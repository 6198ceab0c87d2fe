import { check, checkEqual, checkRejects } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import { createAll, within } from './suite-helpers.js'

/** Every row of every conformance model in the test's tenant, sorted by id, for before/after comparisons. */
async function snapshot(ctx: ConformanceContext): Promise<unknown> {
  const out: Record<string, unknown> = {}
  for (const model of ['org', 'person', 'group', 'membership'] as const) {
    const rows = await ctx.storage.findMany(ctx.scope(model))
    out[model] = rows.sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1))
  }
  return out
}

/** A small graph: two orgs, three people, two groups and memberships. */
async function seed(ctx: ConformanceContext) {
  const f = ctx.factories
  const acme = f.org({ name: 'Acme', slug: 'acme' })
  const globex = f.org({ name: 'Globex', slug: 'globex' })
  const ada = f.person({ name: 'Ada', email: 'ada@example.test', orgId: String(acme['id']) })
  const bob = f.person({ name: 'Bob', email: 'bob@example.test', orgId: String(acme['id']) })
  const cy = f.person({ name: 'Cy', email: null, orgId: String(globex['id']) })
  const chess = f.group({ name: 'chess' })
  const empty = f.group({ name: 'empty' })
  const m1 = f.membership({ personId: String(ada['id']), groupId: String(chess['id']), role: 'owner' })
  const m2 = f.membership({ personId: String(bob['id']), groupId: String(chess['id']) })
  await createAll(ctx, 'org', [acme, globex])
  await createAll(ctx, 'person', [ada, bob, cy])
  await createAll(ctx, 'group', [chess, empty])
  await createAll(ctx, 'membership', [m1, m2])
  return { acme, globex, ada, bob, cy, chess, empty, m1, m2 }
}

/** `UNIQUE_VIOLATION` and `CONSTRAINT_VIOLATION` mapping, with the data unchanged after every rejected write. */
export const constraintsSuite: ConformanceSuite = {
  name: 'constraints',
  description: 'unique indexes and references are enforced, map to RapportError codes and write nothing',
  tests: {
    'a duplicate unique value raises UNIQUE_VIOLATION and writes nothing': async (ctx) => {
      const { ada, bob } = await seed(ctx)
      const before = await snapshot(ctx)
      const scope = ctx.scope('person')
      const err = await checkRejects(
        () => ctx.storage.create({ ...scope, data: ctx.factories.person({ email: 'ada@example.test' }) }),
        'UNIQUE_VIOLATION',
        'create() with a taken email',
      )
      checkEqual(err.details['model'], 'person', 'details.model names the model')
      check(
        Array.isArray(err.details['fields']) && (err.details['fields'] as unknown[]).includes('email'),
        `details.fields names the column, got ${JSON.stringify(err.details['fields'])}`,
      )
      await checkRejects(
        () =>
          ctx.storage.updateById({ ...scope, id: String(bob['id']), data: { email: 'ada@example.test' } }),
        'UNIQUE_VIOLATION',
        'updateById() to a taken email',
      )
      await checkRejects(
        () =>
          ctx.storage.updateMany({
            ...scope,
            where: within('id', [String(ada['id']), String(bob['id'])]),
            data: { email: 'shared@example.test' },
          }),
        'UNIQUE_VIOLATION',
        'updateMany() giving two rows the same email',
      )
      checkEqual(await snapshot(ctx), before, 'every rejected write left the data unchanged')
    },

    'a duplicate id raises UNIQUE_VIOLATION': async (ctx) => {
      const { ada } = await seed(ctx)
      const before = await snapshot(ctx)
      await checkRejects(
        () => ctx.storage.create({ ...ctx.scope('person'), data: { ...ada, email: 'other@example.test' } }),
        'UNIQUE_VIOLATION',
        'create() with an existing id',
      )
      checkEqual(await snapshot(ctx), before, 'data unchanged')
    },

    'composite unique indexes and nulls': async (ctx) => {
      const { ada, chess, cy } = await seed(ctx)
      const before = await snapshot(ctx)
      await checkRejects(
        () =>
          ctx.storage.create({
            ...ctx.scope('membership'),
            data: ctx.factories.membership({ personId: String(ada['id']), groupId: String(chess['id']) }),
          }),
        'UNIQUE_VIOLATION',
        'a second membership of the same person in the same group',
      )
      checkEqual(await snapshot(ctx), before, 'data unchanged')
      // Unique indexes treat nulls as distinct, as SQL does: a second null email is fine.
      const second = ctx.factories.person({ name: 'Dee', email: null })
      await ctx.storage.create({ ...ctx.scope('person'), data: second })
      checkEqual(
        await ctx.storage.count({
          ...ctx.scope('person'),
          where: within('id', [String(cy['id']), String(second['id'])]),
        }),
        2,
        'two people without email',
      )
    },

    'a dangling reference raises CONSTRAINT_VIOLATION and writes nothing': async (ctx) => {
      const { ada } = await seed(ctx)
      const before = await snapshot(ctx)
      const missingOrg = ctx.factories.id('org')
      await checkRejects(
        () =>
          ctx.storage.create({ ...ctx.scope('person'), data: ctx.factories.person({ orgId: missingOrg }) }),
        'CONSTRAINT_VIOLATION',
        'create() referencing a missing org',
      )
      await checkRejects(
        () =>
          ctx.storage.updateById({
            ...ctx.scope('person'),
            id: String(ada['id']),
            data: { orgId: missingOrg },
          }),
        'CONSTRAINT_VIOLATION',
        'updateById() to a missing org',
      )
      await checkRejects(
        () =>
          ctx.storage.create({
            ...ctx.scope('membership'),
            data: ctx.factories.membership({
              personId: String(ada['id']),
              groupId: ctx.factories.id('group'),
            }),
          }),
        'CONSTRAINT_VIOLATION',
        'a membership of a missing group',
      )
      checkEqual(await snapshot(ctx), before, 'data unchanged')
    },

    'deletes apply cascade, set null and restrict': async (ctx) => {
      const { acme, ada, bob, cy, chess, empty, m2 } = await seed(ctx)
      // cascade: deleting a person deletes their memberships
      checkEqual(
        await ctx.storage.deleteById({ ...ctx.scope('person'), id: String(ada['id']) }),
        true,
        'delete Ada',
      )
      const memberships = await ctx.storage.findMany(ctx.scope('membership'))
      checkEqual(memberships, [m2], "Ada's membership was cascaded, Bob's stays")
      // set null: deleting an org keeps its people, without org
      checkEqual(
        await ctx.storage.deleteById({ ...ctx.scope('org'), id: String(acme['id']) }),
        true,
        'delete Acme',
      )
      checkEqual(
        await ctx.storage.findById({ ...ctx.scope('person'), id: String(bob['id']) }),
        { ...bob, orgId: null },
        "Bob's orgId was set to null, nothing else changed",
      )
      checkEqual(
        await ctx.storage.findById({ ...ctx.scope('person'), id: String(cy['id']) }),
        cy,
        'people of other orgs are untouched',
      )
      // restrict: a group with members cannot be deleted, by id or in bulk
      const before = await snapshot(ctx)
      await checkRejects(
        () => ctx.storage.deleteById({ ...ctx.scope('group'), id: String(chess['id']) }),
        'CONSTRAINT_VIOLATION',
        'deleteById() of a group with members',
      )
      await checkRejects(
        () => ctx.storage.deleteMany(ctx.scope('group')),
        'CONSTRAINT_VIOLATION',
        'deleteMany() including a group with members',
      )
      checkEqual(await snapshot(ctx), before, 'restricted deletes wrote nothing (the empty group too)')
      checkEqual(
        await ctx.storage.deleteById({ ...ctx.scope('group'), id: String(empty['id']) }),
        true,
        'empty group',
      )
    },
  },
}
