import { createCrm, isRapportError } from '@rapport/core'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { accessControl } from '../src/plugin/access-control.js'
import { defineAccessPolicy } from '../src/policy/define-access-policy.js'
import type { AccessPolicyInput } from '../src/policy/policy-schema.js'

function refusal(run: () => unknown): { code: string; reason: unknown } {
  try {
    run()
  } catch (error) {
    if (isRapportError(error))
      return { code: error.code, reason: (error.details as { reason: unknown }).reason }
    throw error
  }
  throw new Error('expected the policy to be refused')
}

const rep = { entities: { contact: { read: 'own' as const } } }

describe('a broken policy is a typed error before anything runs', () => {
  it('refuses malformed levels, operators and shapes', () => {
    expect(
      refusal(() =>
        defineAccessPolicy({ roles: { rep: { entities: { contact: { read: 'mine' } } } } } as never),
      ),
    ).toEqual({
      code: 'ACCESS_INVALID_POLICY',
      reason: 'malformed',
    })
    const regex = {
      roles: {
        rep: { entities: { contact: { read: { level: 'all', where: { name: { $regex: '^a' } } } } } },
      },
    }
    expect(refusal(() => defineAccessPolicy(regex as never)).reason).toBe('malformed')
    expect(refusal(() => defineAccessPolicy({ roles: { rep }, extra: 1 } as never)).reason).toBe('malformed')
  })

  it('refuses unknown roles, for users, system actors, restrictions and actors at run time', () => {
    expect(
      refusal(() => defineAccessPolicy({ roles: { rep }, users: { u1: { roles: ['boss'] } } })).reason,
    ).toBe('unknownRole')
    expect(
      refusal(() => defineAccessPolicy({ roles: { rep }, systemActors: { automation: { roles: ['root'] } } }))
        .reason,
    ).toBe('unknownRole')
    const policy = defineAccessPolicy({ roles: { rep } })
    expect(refusal(() => policy.rolesOf({ id: 'u1', roles: ['ghost'] })).reason).toBe('unknownRole')
  })

  it('refuses a malformed run-time grant, and shares nothing', () => {
    const policy = defineAccessPolicy({ roles: { rep }, teams: [{ id: 'east' }] })
    const good = {
      entity: 'contact',
      recordId: 'ct_1',
      principal: { type: 'user', id: 'u1' },
      level: 'read',
      reason: 'manual',
    } as const
    expect(refusal(() => policy.share({ ...good, level: 'owner' } as never)).reason).toBe('malformed')
    expect(refusal(() => policy.share({ ...good, reason: 'because' } as never)).reason).toBe('malformed')
    expect(
      refusal(() => policy.share({ ...good, principal: { type: 'role', id: 'rep' } } as never)).reason,
    ).toBe('malformed')
    expect(refusal(() => policy.share({ ...good, extra: true } as never)).reason).toBe('malformed')
    expect(refusal(() => policy.share({ ...good, principal: { type: 'team', id: 'west' } })).reason).toBe(
      'unknownTeam',
    )
    expect(policy.grants()).toEqual([])
    expect(policy.version).toBe(0)
    policy.share({ ...good, principal: { type: 'team', id: 'east' } })
    expect(policy.grants()).toEqual([{ ...good, principal: { type: 'team', id: 'east' } }])
    expect(policy.version).toBe(1)
  })

  it('refuses a cycle in the team hierarchy and unknown parent teams', () => {
    const cycle: AccessPolicyInput = {
      roles: { rep },
      teams: [
        { id: 'a', parentId: 'c' },
        { id: 'b', parentId: 'a' },
        { id: 'c', parentId: 'b' },
      ],
    }
    expect(refusal(() => defineAccessPolicy(cycle)).reason).toBe('teamCycle')
    expect(
      refusal(() => defineAccessPolicy({ roles: { rep }, teams: [{ id: 'a', parentId: 'zz' }] })).reason,
    ).toBe('unknownTeam')
  })

  it('refuses masks and conditions on unknown fields, and unknown entities, when the CRM starts', async () => {
    const start = async (input: AccessPolicyInput) => {
      const crm = createCrm({
        storage: createMemoryStorage(),
        plugins: [accessControl(defineAccessPolicy(input))],
      })
      try {
        await crm.migrate()
      } catch (error) {
        if (isRapportError(error)) return (error.details as { reason: unknown }).reason
        throw error
      }
      return 'started'
    }
    expect(await start({ roles: { rep: { ...rep, fields: { contact: { fax: { mask: 'phone' } } } } } })).toBe(
      'unknownField',
    )
    expect(
      await start({
        roles: { rep: { entities: { contact: { read: { level: 'all', where: { colour: 'red' } } } } } },
      }),
    ).toBe('unknownField')
    expect(await start({ roles: { rep: { entities: { invoice: { read: 'all' } } } } })).toBe('unknownEntity')
    expect(
      await start({ roles: { rep: { ...rep, fields: { contact: { phones: { mask: 'phone' } } } } } }),
    ).toBe('started')
  })
})
