import { subject } from '@casl/ability'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { actorRules, buildAbility } from '../src/casl/actor-rules.js'
import { accessControl } from '../src/plugin/access-control.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'
import { backends } from './fixture.js'
import { policyArb, principalArb, rowArb, schemaPlugin, toInput } from './random-policies.js'

/**
 * `crm.plugins.access.can()` and `scopeOf()` see what queries see: for random policies (roles, restrictions,
 * definition grants) plus random grants stored in `shareGrant`, `can(actor, 'read', record)` is true exactly when
 * that actor's `get` of the record succeeds, `can(actor, 'update', record)` exactly when an update goes through,
 * and `scopeOf()` run as a filter selects exactly the records `can()` accepts, on memory, SQLite and Postgres.
 */
const adapters: { name: string; open: () => { storage: StorageAdapter; close(): Promise<void> } }[] = [
  { name: 'memory', open: () => ({ storage: createMemoryStorage(), close: async () => {} }) },
  ...backends().map((open, i) => ({ name: i === 0 ? 'sqlite' : 'postgres', open })),
]
const opened: { close(): Promise<void> }[] = []
afterAll(async () => {
  for (const b of opened) await b.close()
})

const caseArb = fc.record({
  policy: policyArb,
  stored: fc.array(
    fc.record({
      record: fc.integer({ min: 0, max: 59 }),
      principal: principalArb,
      level: fc.constantFrom('read', 'edit'),
      reason: fc.constantFrom('manual', 'rule', 'team'),
    }),
    { maxLength: 4 },
  ),
  // Records checked one by one with get, besides the shared ones (the scope comparison covers all 60).
  checks: fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 6, maxLength: 10 }),
  update: fc.integer({ min: 0, max: 59 }),
})

const outcome = (call: Promise<unknown>, refusals: readonly string[]) =>
  call.then(
    () => true,
    (error: unknown) => {
      if (refusals.some((code) => isRapportError(error, code))) return false
      throw error
    },
  )

for (const adapter of adapters) {
  describe(`can() and scopeOf() agree with the queries (${adapter.name})`, () => {
    it('for random policies and stored grants (0 disagreements)', async () => {
      const backend = adapter.open()
      opened.push(backend)
      // Migrated with the access plugin, so `shareGrant` exists; no actor, no restriction.
      const setup = createCrm({
        storage: backend.storage,
        plugins: [schemaPlugin, accessControl(defineAccessPolicy({ roles: {} }), { withoutActor: 'all' })],
      })
      await setup.migrate()
      const rows = fc.sample(rowArb, { seed: 7, numRuns: 60 })
      const records = (await setup
        .entity('account')
        .createMany(rows.map((r, i) => ({ name: `a${i}`, ...r })))) as Record<string, unknown>[]
      const ids = records.map((r) => r['id'] as string)

      let decidedByStoredGrant = 0
      let readable = 0
      let hidden = 0
      let updatable = 0
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ policy, stored, checks, update }) => {
          const model = defineAccessPolicy(toInput(policy, ids))
          // Unrestricted without an actor: it writes the stored grants and reads the truth to compare with.
          const crm = createCrm({
            storage: backend.storage,
            plugins: [schemaPlugin, accessControl(model, { withoutActor: 'all' })] as const,
          })
          const grants = crm.entity('shareGrant')
          for (const old of (await grants.list({ limit: 100 })).items) await grants.delete(old.id as string)
          for (const g of stored) {
            await grants.create({
              entity: 'account',
              recordId: ids[g.record],
              principalType: g.principal.type,
              principalId: g.principal.id,
              level: g.level,
              reason: g.reason,
            })
          }
          const actor = { id: policy.actor }
          const as = crm.scoped({ actor })
          // The same policy without the stored grants: where it differs, a stored grant decided.
          const withoutStored = buildAbility(
            actorRules(model, { userId: actor.id, roles: model.rolesOf(actor) }, 'account'),
          )
          for (const i of new Set([...checks, ...stored.map((g) => g.record)])) {
            const record = records[i] as Record<string, unknown>
            const can = await crm.plugins.access.can(actor, 'read', 'account', record)
            const got = await outcome(as.entity('account').get(record['id'] as string), ['NOT_FOUND'])
            expect({ record: i, can }).toEqual({ record: i, can: got })
            if (got) readable++
            else hidden++
          }
          // Roles grant only reads: updates come from `edit` grants, so try the shared records and one other.
          for (const i of new Set([update, ...stored.map((g) => g.record)])) {
            const record = records[i] as Record<string, unknown>
            const can = await crm.plugins.access.can(actor, 'update', 'account', record)
            // `name` is in no condition, so the row after the update is in scope exactly when the row before is.
            const done = await outcome(
              as.entity('account').update(record['id'] as string, { name: record['name'] }),
              ['NOT_FOUND', 'FORBIDDEN'],
            )
            expect({ record: i, canUpdate: can }).toEqual({ record: i, canUpdate: done })
            if (done) updatable++
          }
          const scope = await crm.plugins.access.scopeOf(actor, 'read', 'account')
          const viaScope = (
            await crm.entity('account').list({ ...(scope ? { where: scope } : {}), limit: 100 })
          ).items
            .map((r) => (r as Record<string, unknown>)['id'] as string)
            .sort()
          const viaCan: string[] = []
          for (const record of records) {
            const can = await crm.plugins.access.can(actor, 'read', 'account', record)
            if (can) viaCan.push(record['id'] as string)
            if (can !== withoutStored.can('read', subject('account', { ...record }) as never))
              decidedByStoredGrant++
          }
          expect(viaScope).toEqual(viaCan.sort())
        }),
        { numRuns: 80, seed: 20261203 },
      )
      // The cases must exercise both answers, and stored grants must decide some of them.
      expect(readable).toBeGreaterThan(50)
      expect(hidden).toBeGreaterThan(50)
      expect(updatable).toBeGreaterThan(3)
      expect(decidedByStoredGrant).toBeGreaterThan(10)
    }, 240_000)
  })
}
