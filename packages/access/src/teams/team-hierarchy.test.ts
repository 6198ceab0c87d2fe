import { describe, expect, it } from 'vitest'
import { defineAccessPolicy } from '../policy/define-access-policy.js'
import { TeamHierarchy } from './team-hierarchy.js'

const teams = new TeamHierarchy([
  { id: 'company', managerId: 'usr_ceo', members: [] },
  { id: 'sales', parentId: 'company', managerId: 'usr_vp', members: [] },
  { id: 'east', parentId: 'sales', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] },
  { id: 'west', parentId: 'sales', members: ['usr_wes'] },
])

describe('TeamHierarchy.managerOf', () => {
  it('walks up the manager chain level by level', () => {
    expect(teams.managerOf('usr_ray')).toBe('usr_mia')
    expect(teams.managerOf('usr_ray', 2)).toBe('usr_vp')
    expect(teams.managerOf('usr_ray', 3)).toBe('usr_ceo')
    expect(teams.managerOf('usr_ray', 4)).toBeUndefined()
  })

  it("gives a team's manager the manager above, and skips teams without one", () => {
    expect(teams.managerOf('usr_mia')).toBe('usr_vp')
    expect(teams.managerOf('usr_wes')).toBe('usr_vp')
    expect(teams.managerOf('usr_ceo')).toBeUndefined()
    expect(teams.managerOf('usr_nobody')).toBeUndefined()
  })
})

describe('AccessPolicyModel.usersWithRole', () => {
  it('lists the users the policy gives a role, in declaration order', () => {
    const policy = defineAccessPolicy({
      roles: { rep: { entities: {} }, manager: { entities: {} } },
      users: {
        usr_b: { roles: ['manager'] },
        usr_a: { roles: ['rep', 'manager'] },
        usr_c: { roles: ['rep'] },
      },
      systemActors: { automation: { roles: ['manager'] } },
    })
    expect(policy.usersWithRole('manager')).toEqual(['usr_b', 'usr_a'])
    expect(policy.usersWithRole('rep')).toEqual(['usr_a', 'usr_c'])
    expect(policy.usersWithRole('admin')).toEqual([])
  })
})
