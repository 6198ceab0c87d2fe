import type { CrmPlugin } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import fc from 'fast-check'
import * as z from 'zod'
import type { AccessPolicyInput, Condition, ShareGrant } from '../src/policy/policy-schema.js'

/**
 * Random policies over one plugin entity, `account`, with NULL-heavy records: roles with every scope level and
 * optional conditions, a team hierarchy, restrictions (some exempting a role) and share grants. Shared by the
 * differential tests (CASL vs the compiled filter; `can()` vs `get`).
 */

export const accountEntity = defineEntity({
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
export const schemaPlugin: CrmPlugin = definePlugin({ id: 'accounts', schema: { entities: [accountEntity] } })

export const USERS = ['u1', 'u2', 'u3', 'u4', 'u5']
export const TEAMS = [
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
export const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((xs) => ({ $and: xs })) },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((xs) => ({ $or: xs })) },
)
const level = fc.constantFrom('none', 'own', 'subordinates', 'team', 'teamTree', 'all' as const)
const roleArb = fc
  .tuple(level, fc.option(condition, { nil: undefined }))
  .map(([lvl, where]) => ({ entities: { account: { read: where ? { level: lvl, where } : lvl } } }))

/** Who a random grant shares with: a user or a team. */
export const principalArb = fc.oneof(
  fc.constantFrom(...USERS).map((id) => ({ type: 'user' as const, id })),
  fc.constantFrom('north', 'north-east', 'south').map((id) => ({ type: 'team' as const, id })),
)

/** Share grants of random records (indexes into the 60 seeded records) with users or teams. */
export const grantsArb = fc.array(
  fc.record({ record: fc.integer({ min: 0, max: 59 }), principal: principalArb }),
  { maxLength: 3 },
)

export const policyArb = fc.record({
  roles: fc.array(roleArb, { minLength: 1, maxLength: 3 }),
  actor: fc.constantFrom(...USERS),
  restrictions: fc.array(fc.record({ when: condition, exempt: fc.boolean() }), { maxLength: 2 }),
  grants: grantsArb,
})

export const rowArb = fc.record({
  ownerId: nullable(fc.constantFrom(...USERS)),
  stage: nullable(fc.constantFrom('open', 'won', 'lost')),
  region: nullable(fc.constantFrom('eu', 'us', 'cn')),
  amount: nullable(fc.integer({ min: -2, max: 3 })),
  confidential: nullable(fc.boolean()),
})

export type PolicyCase = typeof policyArb extends fc.Arbitrary<infer T> ? T : never

export function toInput(p: PolicyCase, ids: readonly string[]): AccessPolicyInput {
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
    grants: shareGrants(p.grants, ids),
  }
}

/** Random grants as the policy's share grants (`read` level) of the records `ids` holds. */
export function shareGrants(grants: PolicyCase['grants'], ids: readonly string[]): ShareGrant[] {
  return grants.map((g) => ({
    entity: 'account',
    recordId: ids[g.record] as string,
    principal: g.principal,
    level: 'read',
    reason: 'manual',
  }))
}
