import type { JsonValue, StorageRow } from '../../storage/storage-filter.js'
import type { ConformanceContext } from '../conformance-types.js'
import { createAll } from './suite-helpers.js'

/** The rows of the filter suites, as created (the test's own copy is the oracle's input). */
export interface FilterDataset {
  readonly org: StorageRow[]
  readonly person: StorageRow[]
  readonly group: StorageRow[]
  readonly membership: StorageRow[]
}

const NAMES = [
  'alice',
  'Alice',
  'ALICE',
  'Ålice',
  'åLICE',
  'bob',
  'Bob Smith',
  '',
  '100% sure',
  'under_score',
  'back\\slash',
  'zoë',
  '🦄 unicorn',
  'Émile',
  'émile',
  "o'neil",
  'dan',
  'eve',
  'Zed',
  '\uFF5E tilde',
]
const AGES = [null, -5, 0, 1, 17, 18, 65, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 18]
const SCORES = [null, -0.5, 0, 0.1, 2.5, 1e6, -1e-9]
const DAYS = [null, '1999-12-31', '2000-01-01', '2000-01-10', '2024-02-29']
const TAGS: readonly (string[] | null)[] = [null, [], ['a'], ['a', 'b'], ['B'], ['c', 'a'], ['🦄']]
const BIOS = [null, 'likes 100% cotton', 'snake_case fan', 'C:\\path', 'plain', '', 'ALL CAPS', 'mixed Case']
const CUSTOM: readonly JsonValue[] = [
  null,
  {},
  { tier: 'gold', n: 10, flag: true },
  { tier: 'silver', n: 9, flag: false },
  { tier: null, n: -1 },
  { tier: 'Gold', n: 100, since: '2024-01-02T03:04:05.678Z' },
  { since: '2023-12-31T23:59:59.999Z', address: { city: 'Paris', zip: '75001' } },
  { address: { city: 'paris' }, n: 0.5 },
  ['tier', 'gold'],
  'gold',
]

/**
 * Creates the filter dataset in the test's tenant: three orgs, twenty people with edge values in every column
 * (nulls, case variants, LIKE wildcards, astral characters, extreme numbers, JSON with missing keys), groups and
 * memberships.
 */
export async function seedFilterDataset(ctx: ConformanceContext): Promise<FilterDataset> {
  const f = ctx.factories
  const org = [
    f.org({ name: 'Acme', slug: 'acme', employees: 10 }),
    f.org({ name: 'acme', slug: 'acme-2', employees: null }),
    f.org({ name: 'Globex', slug: null, employees: 5000 }),
  ]
  const person = NAMES.map((name, i) =>
    f.person({
      name,
      email: i % 3 === 0 ? null : `p${i}@example.test`,
      bio: BIOS[i % BIOS.length] ?? null,
      age: AGES[i % AGES.length] ?? null,
      score: SCORES[i % SCORES.length] ?? null,
      active: i % 4 === 3 ? null : i % 2 === 0,
      bornOn: DAYS[i % DAYS.length] ?? null,
      lastSeenAt: i % 5 === 4 ? null : new Date(Date.UTC(2024, 0, 1 + (i % 3), 12, 0, 0, i % 4)),
      tags: TAGS[i % TAGS.length] ?? null,
      custom: CUSTOM[i % CUSTOM.length] ?? null,
      orgId: i % 4 === 0 ? null : String(org[i % 3]?.['id']),
    }),
  )
  // Mentors: a chain, a self-reference and a dangling id (mentorId is not a foreign key).
  person.forEach((row, i) => {
    if (i % 3 === 1) row['mentorId'] = String(person[i - 1]?.['id'])
    if (i === 5) row['mentorId'] = String(row['id'])
    if (i === 8) row['mentorId'] = f.id('person')
  })
  const group = [f.group({ name: 'chess' }), f.group({ name: 'Chess' }), f.group({ name: 'go' })]
  const membership = person.flatMap((row, i) =>
    i % 3 === 2
      ? []
      : [
          f.membership({
            personId: String(row['id']),
            groupId: String(group[i % 3]?.['id']),
            role: i % 2 === 0 ? 'owner' : 'member',
          }),
        ],
  )
  await createAll(ctx, 'org', org)
  await createAll(ctx, 'person', person)
  await createAll(ctx, 'group', group)
  await createAll(ctx, 'membership', membership)
  return { org, person, group, membership }
}
