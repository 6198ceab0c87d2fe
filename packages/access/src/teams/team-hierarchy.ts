import { invalidPolicy } from '../policy/policy-error.js'

/** A team as declared in a policy. */
export interface TeamInput {
  readonly id: string
  readonly parentId?: string | undefined
  readonly managerId?: string | undefined
  readonly members: readonly string[]
}

/**
 * Teams with a manager hierarchy, resolved once when the policy is defined: who is in my teams, in my teams and the
 * teams below them, and who reports to me (the members of every team I manage and of the teams below it).
 */
export class TeamHierarchy {
  readonly #teams = new Map<string, TeamInput>()
  readonly #children = new Map<string, string[]>()
  readonly #teamsOf = new Map<string, Set<string>>()
  readonly #managed = new Map<string, Set<string>>()

  constructor(teams: readonly TeamInput[]) {
    for (const team of teams) {
      if (this.#teams.has(team.id))
        throw invalidPolicy('malformed', `team "${team.id}" is declared twice`, { team: team.id })
      this.#teams.set(team.id, team)
    }
    for (const team of teams) {
      if (team.parentId !== undefined) {
        if (!this.#teams.has(team.parentId)) {
          throw invalidPolicy('unknownTeam', `team "${team.id}" has an unknown parent "${team.parentId}"`, {
            team: team.id,
            parentId: team.parentId,
          })
        }
        const siblings = this.#children.get(team.parentId) ?? []
        siblings.push(team.id)
        this.#children.set(team.parentId, siblings)
      }
      for (const member of [...team.members, ...(team.managerId ? [team.managerId] : [])]) {
        let set = this.#teamsOf.get(member)
        if (!set) this.#teamsOf.set(member, (set = new Set()))
        set.add(team.id)
      }
      if (team.managerId) {
        let set = this.#managed.get(team.managerId)
        if (!set) this.#managed.set(team.managerId, (set = new Set()))
        set.add(team.id)
      }
    }
    for (const team of teams) {
      const seen: string[] = []
      for (
        let at: TeamInput | undefined = team;
        at;
        at = at.parentId ? this.#teams.get(at.parentId) : undefined
      ) {
        if (seen.includes(at.id)) {
          throw invalidPolicy(
            'teamCycle',
            `the team hierarchy has a cycle: ${[...seen, at.id].join(' → ')}`,
            {
              cycle: [...seen, at.id],
            },
          )
        }
        seen.push(at.id)
      }
    }
  }

  /** Whether a team is declared. */
  has(teamId: string): boolean {
    return this.#teams.has(teamId)
  }

  /** The teams a user belongs to (as a member or as the manager). */
  teamsOf(userId: string): readonly string[] {
    return [...(this.#teamsOf.get(userId) ?? [])]
  }

  /** A team and every team below it. */
  subtree(teamId: string): string[] {
    const out: string[] = []
    const stack = [teamId]
    while (stack.length > 0) {
      const id = stack.pop() as string
      if (out.includes(id)) continue
      out.push(id)
      stack.push(...(this.#children.get(id) ?? []))
    }
    return out
  }

  /** Members and managers of the given teams. */
  people(teamIds: Iterable<string>): Set<string> {
    const out = new Set<string>()
    for (const id of teamIds) {
      const team = this.#teams.get(id)
      if (!team) continue
      for (const m of team.members) out.add(m)
      if (team.managerId) out.add(team.managerId)
    }
    return out
  }

  /** The user and everyone in their teams. */
  teammates(userId: string): Set<string> {
    return new Set([userId, ...this.people(this.teamsOf(userId))])
  }

  /** The user and everyone in their teams and the teams below them. */
  teamTree(userId: string): Set<string> {
    return new Set([userId, ...this.people(this.teamsOf(userId).flatMap((t) => this.subtree(t)))])
  }

  /**
   * A user's manager: the manager of the first declared team the user belongs to without managing it; for a team's
   * own manager, the manager of the nearest team above with a manager other than them. `undefined` at the top of the
   * hierarchy. `levels` (default 1) walks further up: 2 is the manager's manager.
   *
   * @example
   * ```ts
   * const teams = new TeamHierarchy([
   *   { id: 'sales', managerId: 'usr_vp', members: [] },
   *   { id: 'east', parentId: 'sales', managerId: 'usr_mia', members: ['usr_ray'] },
   * ])
   * teams.managerOf('usr_ray') // 'usr_mia'
   * teams.managerOf('usr_ray', 2) // 'usr_vp'
   * ```
   */
  managerOf(userId: string, levels = 1): string | undefined {
    let at: string | undefined = userId
    for (let i = 0; i < levels && at !== undefined; i++) at = this.#directManagerOf(at)
    return at
  }

  #directManagerOf(userId: string): string | undefined {
    for (const team of this.#teams.values()) {
      if (!team.members.includes(userId) && team.managerId !== userId) continue
      for (
        let at: TeamInput | undefined = team;
        at;
        at = at.parentId ? this.#teams.get(at.parentId) : undefined
      ) {
        if (at.managerId !== undefined && at.managerId !== userId) return at.managerId
      }
    }
    return undefined
  }

  /** The user and everyone below them: members of the teams they manage and of every team under those. */
  subordinates(userId: string): Set<string> {
    const managed = [...(this.#managed.get(userId) ?? [])].flatMap((t) => this.subtree(t))
    return new Set([userId, ...this.people(managed)])
  }
}
