import { subject } from '@casl/ability'
import type { Crm, CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { abilityToFilter, actorRules, buildAbility } from '../src/casl/actor-rules.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'
import type { AccessPolicyInput, Condition } from '../src/policy/policy-schema.js'

/**
 * The property the whole design rests on: for random policies (roles with levels and conditions, grants,
 * restrictions) and NULL-heavy records, CASL's in-memory `can()` and the compiled scope run by SQLite and Postgres
 * select exactly the same records. Leaves are two-valued, so `NOT` over a NULL never diverges.
 */

const accountEntity = defineEntity({
  name: 'account',
  idPrefix: 'acc',
  shape: {
    name: z.string(),
    ownerId: z.string().nullable().optional(),
    stage: z.string().nullable().optional(),
    region: z.string().nullable().optional(),
    amount: z.int().nullable().optional(),
    confidential: z.boolean().nullable().optional(),
  },
})
const schemaPlugin: CrmPlugin = definePlugin({ id: 'accounts', schema: { entities: [accountEntity] } })

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5']
const TEAMS = [
  { id: 'north', managerId: 'u1', members: ['u2', 'u3'] },
  { id: 'north-east', parentId: 'north', managerId: 'u3', members: ['u4'] },
  { id: 'south', managerId: 'u5', members: [] as string[] },
]
const stringValue = (field: string) =>
  field === 'stage'
    ? fc.constantFrom('open', 'won', 'lost')
    : field === 'region'
      ? fc.constantFrom('eu', 'us', 'cn')
      : fc.constantFrom(...USERS)
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 })

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom('stage', 'region', 'ownerId').chain((field) =>
    fc.oneof(
      nullable(stringValue(field)).map((v) => ({ [field]: v })),
      fc
        .tuple(fc.constantFrom('$eq', '$ne'), nullable(stringValue(field)))
        .map(([op, v]) => ({ [field]: { [op]: v } })),
      fc
        .tuple(
          fc.constantFrom('$in', '$nin'),
          fc.array(nullable(stringValue(field)), { minLength: 1, maxLength: 3 }),
        )
        .map(([op, v]) => ({ [field]: { [op]: v } })),
      fc
        .tuple(fc.constantFrom('$lt', '$lte', '$gt', '$gte'), stringValue(field))
        .map(([op, v]) => ({ [field]: { [op]: v } })),
    ),
  ),
  fc
    .tuple(fc.constantFrom('$eq', '$ne', '$lt', '$lte', '$gt', '$gte'), fc.integer({ min: -2, max: 3 }))
    .map(([op, v]) => ({ amount: { [op]: v } })),
  fc
    .tuple(fc.constantFrom('$eq', '$ne'), nullable(fc.boolean()))
    .map(([op, v]) => ({ confidential: { [op]: v } })),
)
const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((xs) => ({ $and: xs })) },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((xs) => ({ $or: xs })) },
)
const level = fc.constantFrom('none', 'own', 'subordinates', 'team', 'teamTree', 'all' as const)
const roleArb = fc
  .tuple(level, fc.option(condition, { nil: undefined }))
  .map(([lvl, where]) => ({ entities: { account: { read: where ? { level: lvl, where } : lvl } } }))

const policyArb = fc.record({
  roles: fc.array(roleArb, { minLength: 1, maxLength: 3 }),
  actor: fc.constantFrom(...USERS),
  restrictions: fc.array(fc.record({ when: condition, exempt: fc.boolean() }), { maxLength: 2 }),
  grants: fc.array(
    fc.record({
      record: fc.integer({ min: 0, max: 59 }),
      principal: fc.oneof(
        fc.constantFrom(...USERS).map((id) => ({ type: 'user' as const, id })),
        fc.constantFrom('north', 'north-east', 'south').map((id) => ({ type: 'team' as const, id })),
      ),
    }),
    { maxLength: 3 },
  ),
})

const rowArb = fc.record({
  ownerId: nullable(fc.constantFrom(...USERS)),
  stage: nullable(fc.constantFrom('open', 'won', 'lost')),
  region: nullable(fc.constantFrom('eu', 'us', 'cn')),
  amount: nullable(fc.integer({ min: -2, max: 3 })),
  confidential: nullable(fc.boolean()),
})

interface Backend {
  readonly name: string
  readonly crm: Crm
  readonly ids: string[]
  readonly records: Record<string, unknown>[]
  close(): Promise<void>
}

async function seed(name: string, storage: StorageAdapter, close: () => Promise<void>): Promise<Backend> {
  const crm = createCrm({ storage, plugins: [schemaPlugin] })
  await crm.migrate()
  const rows = fc.sample(rowArb, { seed: 42, numRuns: 60 })
  const created = await crm.entity('account').createMany(rows.map((r, i) => ({ name: `a${i}`, ...r })))
  const records = created as Record<string, unknown>[]
  return { name, crm, ids: records.map((r) => r['id'] as string), records, close }
}

type PolicyCase = typeof policyArb extends fc.Arbitrary<infer T> ? T : never

function toInput(p: PolicyCase, ids: readonly string[]): AccessPolicyInput {
  return {
    roles: Object.fromEntries(p.roles.map((r, i) => [`r${i}`, r])),
    users: { [p.actor]: { roles: p.roles.map((_, i) => `r${i}`) } },
    teams: TEAMS,
    restrictions: p.restrictions.map((r) => ({
      entity: 'account',
      actions: ['read'],
      when: r.when,
      ...(r.exempt ? { exemptRoles: ['r0'] } : {}),
    })),
    grants: p.grants.map((g) => ({
      entity: 'account',
      recordId: ids[g.record] as string,
      principal: g.principal,
      level: 'read',
      reason: 'manual',
    })),
  }
}

const backends: Backend[] = []
const PG_URL = process.env['RAPPORT_TEST_PG_URL']

beforeAll(async () => {
  backends.push(await seed('sqlite', createSqliteStorage({ file: ':memory:' }), async () => {}))
  if (PG_URL) {
    const schema = `t_access_diff_${Math.random().toString(16).slice(2, 10)}`
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
    const storage = createPostgresStorage({ pool }, { schema })
    backends.push(
      await seed('postgres', storage, async () => {
        await pool.query(`drop schema if exists "${schema}" cascade`)
        await pool.end()
      }),
    )
  }
}, 60_000)

afterAll(async () => {
  for (const b of backends) await b.close()
})

describe('CASL in memory and the compiled scope agree', () => {
  it('runs on SQLite and, with RAPPORT_TEST_PG_URL, on Postgres', () => {
    expect(backends.map((b) => b.name)).toEqual(PG_URL ? ['sqlite', 'postgres'] : ['sqlite'])
  })

  it('selects the same records for 2,000 random policies (0 disagreements)', async () => {
    const [first] = backends
    if (!first) throw new Error('no backend')
    let disagreements = 0
    let nonTrivial = 0
    await fc.assert(
      fc.asyncProperty(policyArb, async (p) => {
        const model = defineAccessPolicy(toInput(p, first.ids))
        const identity = { userId: p.actor, roles: model.rolesOf({ id: p.actor }) }
        const ability = buildAbility(actorRules(model, identity, 'account'))
        const filter = abilityToFilter(ability, 'read', 'account')
        for (const backend of backends) {
          const expected = backend.records
            .filter((r) => ability.can('read', subject('account', { ...r }) as never))
            .map((r) => r['id'])
            .sort()
          const got = (await backend.crm.entity('account').list({ where: filter, limit: 100 })).items
            .map((r) => (r as Record<string, unknown>)['id'])
            .sort()
          if (JSON.stringify(got) !== JSON.stringify(expected)) disagreements++
          expect({ backend: backend.name, ids: got }).toEqual({ backend: backend.name, ids: expected })
          if (expected.length > 0 && expected.length < backend.records.length) nonTrivial++
        }
      }),
      { numRuns: 2000, seed: 20261202 },
    )
    expect(disagreements).toBe(0)
    // The generator must exercise real partitions, not only "everything" and "nothing".
    expect(nonTrivial).toBeGreaterThan(500)
  })
})
