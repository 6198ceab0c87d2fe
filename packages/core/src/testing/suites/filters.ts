import { compareStorageValues } from '../../storage/compare-storage-values.js'
import { compileStorageFilter, foldAsciiCase } from '../../storage/evaluate-storage-filter.js'
import type {
  CompareOperator,
  StorageFilter,
  StorageRow,
  StorageValue,
} from '../../storage/storage-filter.js'
import { ConformanceAssertionError, checkSameIds } from '../conformance-assert.js'
import type { ConformanceContext, ConformanceSuite } from '../conformance-types.js'
import type { FilterDataset } from './filter-dataset.js'
import { seedFilterDataset } from './filter-dataset.js'
import { filterGenerator } from './filter-generator.js'
import {
  and,
  cmp,
  exists,
  idsOf,
  isNull,
  not,
  or,
  relatedIn,
  seededRandom,
  showFilter,
  text,
  within,
} from './suite-helpers.js'

/** Runs `where` through the adapter and compares the ids with `expected` rows of the dataset. */
export async function expectMatches(
  ctx: ConformanceContext,
  where: StorageFilter,
  expected: readonly StorageRow[],
  label: string,
  model: 'person' | 'org' | 'group' = 'person',
): Promise<void> {
  const found = await ctx.storage.findMany({ ...ctx.scope(model), where })
  checkSameIds(idsOf(found), idsOf(expected), `${label}\n  filter: ${showFilter(where)}`)
  const counted = await ctx.storage.count({ ...ctx.scope(model), where })
  if (counted !== expected.length) {
    throw new ConformanceAssertionError(
      `${label}: count() is ${counted}, findMany() expected ${expected.length}\n  filter: ${showFilter(where)}`,
    )
  }
}

/** Compares the adapter with the reference evaluator on `count` random filters. */
export async function differential(
  ctx: ConformanceContext,
  dataset: FilterDataset,
  seed: number,
  count: number,
  jsonPaths: boolean,
): Promise<void> {
  const random = seededRandom(seed)
  const generator = filterGenerator(dataset, random, { jsonPaths })
  const related = relatedIn(dataset as unknown as Record<string, StorageRow[]>)
  for (let i = 0; i < count; i++) {
    const where = generator.filter()
    const matches = compileStorageFilter(where, related)
    const expected = dataset.person.filter((row) => matches(row))
    const found = await ctx.storage.findMany({ ...ctx.scope('person'), where })
    checkSameIds(
      idsOf(found),
      idsOf(expected),
      `random filter #${i} of seed ${seed}\n  filter: ${showFilter(where)}`,
    )
  }
}

const isString = (value: StorageValue | undefined): value is string => typeof value === 'string'

/** Every operator and node kind on every column type, null semantics, case folding, relations, differential. */
export const filtersSuite: ConformanceSuite = {
  name: 'filters',
  description: 'every filter operator and node kind follows the documented two-valued, code-point semantics',
  tests: {
    'eq and ne treat null as an ordinary value': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      await expectMatches(
        ctx,
        cmp('email', 'eq', null),
        person.filter((r) => r['email'] === null),
        'eq null',
      )
      await expectMatches(
        ctx,
        cmp('email', 'ne', null),
        person.filter((r) => r['email'] !== null),
        'ne null',
      )
      await expectMatches(
        ctx,
        cmp('bio', 'ne', 'plain'),
        person.filter((r) => r['bio'] !== 'plain'),
        'ne keeps nulls',
      )
      await expectMatches(
        ctx,
        not(cmp('bio', 'ne', 'plain')),
        person.filter((r) => r['bio'] === 'plain'),
        'not(ne)',
      )
      await expectMatches(
        ctx,
        not(cmp('age', 'eq', null)),
        person.filter((r) => r['age'] !== null),
        'not(eq null)',
      )
      await expectMatches(
        ctx,
        isNull('score'),
        person.filter((r) => r['score'] === null),
        'isNull',
      )
      await expectMatches(
        ctx,
        isNull('score', false),
        person.filter((r) => r['score'] !== null),
        'isNull false',
      )
    },

    'ordered comparisons are false on null and not() negates them exactly': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const under18 = person.filter((r) => typeof r['age'] === 'number' && r['age'] < 18)
      await expectMatches(ctx, cmp('age', 'lt', 18), under18, 'lt')
      await expectMatches(
        ctx,
        not(cmp('age', 'lt', 18)),
        person.filter((r) => !under18.includes(r)),
        'not(lt)',
      )
      await expectMatches(ctx, cmp('age', 'gte', null), [], 'gte null')
      await expectMatches(ctx, not(cmp('age', 'lt', null)), person, 'not(lt null)')
      await expectMatches(
        ctx,
        or(cmp('age', 'lt', 18), cmp('age', 'gte', 18)),
        person.filter((r) => r['age'] !== null),
        'lt or gte covers exactly the non-null rows',
      )
    },

    'every compare operator on every column type': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const ops: CompareOperator[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte']
      const holds = (op: CompareOperator, a: StorageValue, b: StorageValue): boolean => {
        if (op === 'eq') return a === null ? b === null : b !== null && compareStorageValues(a, b) === 0
        if (op === 'ne') return !holds('eq', a, b)
        if (a === null || b === null) return false
        const c = compareStorageValues(a, b)
        return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0
      }
      for (const field of ['name', 'email', 'bio', 'age', 'score', 'active', 'bornOn', 'lastSeenAt']) {
        const values = [...new Set(person.map((r) => r[field] ?? null))].filter((v) => v !== null).slice(0, 4)
        for (const value of values) {
          for (const op of ops) {
            const expected = person.filter((r) => holds(op, r[field] ?? null, value))
            await expectMatches(
              ctx,
              cmp(field, op, value),
              expected,
              `${field} ${op} ${JSON.stringify(value)}`,
            )
          }
        }
      }
    },

    'in and nin, with and without null members': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const ageIn = (values: readonly StorageValue[]) =>
        person.filter((r) => values.includes(r['age'] ?? null))
      await expectMatches(ctx, within('age', [1, 17]), ageIn([1, 17]), 'in')
      await expectMatches(ctx, within('age', [1, null]), ageIn([1, null]), 'in with null')
      await expectMatches(
        ctx,
        within('age', [1, 17], true),
        person.filter((r) => !ageIn([1, 17]).includes(r)),
        'nin',
      )
      await expectMatches(
        ctx,
        within('age', [null], true),
        person.filter((r) => r['age'] !== null),
        'nin [null]',
      )
      await expectMatches(ctx, within('age', []), [], 'in []')
      await expectMatches(ctx, within('age', [], true), person, 'nin []')
      const day = person.find((r) => r['lastSeenAt'] instanceof Date)?.['lastSeenAt'] as Date
      await expectMatches(
        ctx,
        within('lastSeenAt', [new Date(day.getTime())]),
        person.filter((r) => r['lastSeenAt'] instanceof Date && r['lastSeenAt'].getTime() === day.getTime()),
        'in on datetime compares instants',
      )
      await expectMatches(
        ctx,
        within('active', [false]),
        person.filter((r) => r['active'] === false),
        'in booleans',
      )
    },

    'text operators are literal, code-point and ASCII-case-folding': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const names = (test: (name: string) => boolean) =>
        person.filter((r) => isString(r['name']) && test(r['name']))
      const bios = (test: (bio: string) => boolean) =>
        person.filter((r) => isString(r['bio']) && test(r['bio']))
      await expectMatches(
        ctx,
        text('bio', 'contains', '%'),
        bios((b) => b.includes('%')),
        "contains '%'",
      )
      await expectMatches(
        ctx,
        text('bio', 'contains', '_'),
        bios((b) => b.includes('_')),
        "contains '_'",
      )
      await expectMatches(
        ctx,
        text('name', 'startsWith', 'back\\'),
        names((n) => n.startsWith('back\\')),
        'backslash',
      )
      await expectMatches(
        ctx,
        text('bio', 'contains', ''),
        bios(() => true),
        "contains '' (false on null only)",
      )
      await expectMatches(
        ctx,
        not(text('bio', 'contains', 'a')),
        person.filter((r) => !(isString(r['bio']) && r['bio'].includes('a'))),
        'not(contains) keeps nulls',
      )
      await expectMatches(
        ctx,
        text('name', 'contains', 'lic'),
        names((n) => n.includes('lic')),
        'case-sensitive',
      )
      await expectMatches(
        ctx,
        text('name', 'contains', 'ALICE', true),
        names((n) => foldAsciiCase(n).includes('alice')),
        'ASCII folding only',
      )
      await expectMatches(
        ctx,
        text('name', 'startsWith', 'émile', true),
        names((n) => foldAsciiCase(n).startsWith('émile')),
        'É does not fold',
      )
      await expectMatches(
        ctx,
        text('name', 'endsWith', 'E', true),
        names((n) => foldAsciiCase(n).endsWith('e')),
        'endsWith folded',
      )
      await expectMatches(
        ctx,
        text('name', 'startsWith', '🦄'),
        names((n) => n.startsWith('🦄')),
        'astral prefix',
      )
      await expectMatches(
        ctx,
        cmp('name', 'eq', 'alice'),
        names((n) => n === 'alice'),
        'eq is case-sensitive',
      )
      await expectMatches(
        ctx,
        cmp('name', 'gt', 'Z'),
        names((n) => compareStorageValues(n, 'Z') > 0),
        'string order is by code point (lower case after Z, É after z, astral last)',
      )
    },

    'array columns test membership and emptiness': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      const tags = (r: StorageRow) => (Array.isArray(r['tags']) ? (r['tags'] as string[]) : [])
      await expectMatches(
        ctx,
        cmp('tags', 'eq', 'a'),
        person.filter((r) => tags(r).includes('a')),
        'eq member',
      )
      await expectMatches(
        ctx,
        cmp('tags', 'ne', 'a'),
        person.filter((r) => !tags(r).includes('a')),
        'ne member',
      )
      await expectMatches(
        ctx,
        within('tags', ['b', 'B']),
        person.filter((r) => tags(r).some((t) => t === 'b' || t === 'B')),
        'in',
      )
      await expectMatches(
        ctx,
        isNull('tags'),
        person.filter((r) => tags(r).length === 0),
        'isNull: null or empty',
      )
      await expectMatches(
        ctx,
        isNull('tags', false),
        person.filter((r) => tags(r).length > 0),
        'not empty',
      )
    },

    'exists follows hasMany, belongsTo and through relations in the tenant': async (ctx) => {
      const data = await seedFilterDataset(ctx)
      const { person, org, group, membership } = data
      const orgOf = (r: StorageRow) => org.find((o) => o['id'] === r['orgId'])
      const groupsOf = (r: StorageRow, role?: string) =>
        membership
          .filter((m) => m['personId'] === r['id'] && (role === undefined || m['role'] === role))
          .map((m) => group.find((g) => g['id'] === m['groupId']))
      await expectMatches(
        ctx,
        exists('person', 'org', cmp('name', 'eq', 'Acme', 'org')),
        person.filter((r) => orgOf(r)?.['name'] === 'Acme'),
        'belongsTo',
      )
      await expectMatches(
        ctx,
        exists('org', 'people', cmp('age', 'gte', 18)),
        org.filter((o) =>
          person.some((p) => p['orgId'] === o['id'] && typeof p['age'] === 'number' && p['age'] >= 18),
        ),
        'hasMany',
        'org',
      )
      await expectMatches(
        ctx,
        not(exists('org', 'people')),
        org.filter((o) => !person.some((p) => p['orgId'] === o['id'])),
        'not exists',
        'org',
      )
      await expectMatches(
        ctx,
        exists('person', 'groups', cmp('name', 'eq', 'chess', 'group')),
        person.filter((r) => groupsOf(r).some((g) => g?.['name'] === 'chess')),
        'through',
      )
      await expectMatches(
        ctx,
        exists('person', 'ownedGroups'),
        person.filter((r) => groupsOf(r, 'owner').length > 0),
        'through with throughWhere',
      )
      await expectMatches(
        ctx,
        exists('person', 'mentor', exists('person', 'mentor')),
        person.filter((r) => {
          const mentor = person.find((m) => m['id'] === r['mentorId'])
          return mentor !== undefined && person.some((m) => m['id'] === mentor['mentorId'])
        }),
        'nested exists (self relation, dangling ids match nothing)',
      )
    },

    'and, or, not and const': async (ctx) => {
      const { person } = await seedFilterDataset(ctx)
      await expectMatches(ctx, and(), person, 'and [] is true')
      await expectMatches(ctx, or(), [], 'or [] is false')
      await expectMatches(ctx, not(or()), person, 'not(or []) is true')
      await expectMatches(ctx, { kind: 'const', value: true }, person, 'const true')
      await expectMatches(ctx, { kind: 'const', value: false }, [], 'const false')
      await expectMatches(
        ctx,
        and(cmp('active', 'eq', true), not(cmp('age', 'gt', 0))),
        person.filter((r) => r['active'] === true && !(typeof r['age'] === 'number' && r['age'] > 0)),
        'and + not',
      )
    },

    'random filters agree with the reference evaluator': async (ctx) => {
      const dataset = await seedFilterDataset(ctx)
      await differential(ctx, dataset, 20240601, 300, false)
    },
  },
}
