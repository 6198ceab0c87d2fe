import { subject } from '@casl/ability'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { abilityToFilter, actorRules, buildAbility } from '../src/casl/actor-rules.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'
import { policyArb, rowArb, schemaPlugin, toInput } from './random-policies.js'

/**
 * The property the whole design rests on: for random policies (roles with levels and conditions, grants,
 * restrictions) and NULL-heavy records, CASL's in-memory `can()` and the compiled scope run by SQLite and Postgres
 * select exactly the same records. Leaves are two-valued, so `NOT` over a NULL never diverges.
 */

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
