import type { Actor } from '@rapport/core/events'
import { TeamHierarchy } from '../teams/team-hierarchy.js'
import { invalidPolicy } from './policy-error.js'
import type { AccessPolicyDefinition, AccessPolicyInput, ShareGrant } from './policy-schema.js'
import { grantSchema, policySchema } from './policy-schema.js'

/**
 * A validated access policy: roles with scope levels per entity and action, users and their roles, teams with
 * managers, share grants, restrictions and field rights. Built by {@link defineAccessPolicy}; install it with
 * `accessControl(policy)`.
 */
export interface AccessPolicyModel {
  /** The parsed definition. */
  readonly definition: AccessPolicyDefinition
  /** The teams, resolved. */
  readonly teams: TeamHierarchy
  /** Grants added at run time with {@link AccessPolicyModel.share}, plus those of the definition. */
  grants(): readonly ShareGrant[]
  /**
   * Shares one record with a user or a team; callers see it on their next query. A malformed grant (an unknown
   * level, reason or principal type, an extra key) or a grant to an unknown team is `ACCESS_INVALID_POLICY`, and
   * nothing is shared.
   */
  share(grant: ShareGrant): void
  /** Removes the grants of a record to a principal (all reasons, or only `reason`). */
  unshare(
    grant: Pick<ShareGrant, 'entity' | 'recordId' | 'principal'> & { reason?: ShareGrant['reason'] },
  ): void
  /** Changes whenever grants change, so compiled scopes are rebuilt. */
  readonly version: number
  /** The roles an actor acts with: `actor.roles`, else the policy's `users` / `systemActors` entry, else none. */
  rolesOf(actor: Actor): readonly string[]
  /**
   * The users the policy's `users` map gives `role`, in declaration order (system actors excluded): e.g. the approvers
   * an approval step assigns to a role.
   *
   * @example
   * ```ts
   * policy.usersWithRole('manager') // ['usr_mia']
   * ```
   */
  usersWithRole(role: string): readonly string[]
}

/**
 * Checks and freezes an access policy. A malformed policy, a role that is not defined, a team with an unknown parent
 * or a cycle in the team hierarchy throws `ACCESS_INVALID_POLICY` here, before anything runs; unknown entities and
 * fields (including masks) are checked against the CRM's schema when the CRM starts.
 *
 * @example
 * ```ts
 * const policy = defineAccessPolicy({
 *   roles: {
 *     rep: {
 *       entities: { contact: { read: 'own', create: 'own', update: 'own' }, deal: { read: 'own', update: 'own' } },
 *       fields: { contact: { phones: { mask: 'phone' } } },
 *     },
 *     manager: { entities: { contact: { read: 'teamTree', update: 'team' }, deal: { read: 'teamTree' } } },
 *     admin: { entities: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } },
 *   },
 *   teams: [{ id: 'east', managerId: 'usr_mia', members: ['usr_ray', 'usr_rae'] }],
 *   users: { usr_ray: { roles: ['rep'] }, usr_rae: { roles: ['rep'] }, usr_mia: { roles: ['manager'] } },
 * })
 * ```
 */
export function defineAccessPolicy(input: AccessPolicyInput): AccessPolicyModel {
  const parsed = policySchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('.') ?? ''
    throw invalidPolicy('malformed', `${path ? `${path}: ` : ''}${issue?.message ?? 'malformed policy'}`, {
      path: issue?.path ?? [],
      issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
    })
  }
  const definition = parsed.data
  const roleNames = new Set(Object.keys(definition.roles))
  const checkRoles = (roles: readonly string[], where: string) => {
    for (const role of roles) {
      if (!roleNames.has(role)) {
        throw invalidPolicy('unknownRole', `${where} names the role "${role}", which is not defined`, {
          role,
          at: where,
        })
      }
    }
  }
  for (const [user, entry] of Object.entries(definition.users)) checkRoles(entry.roles, `users.${user}`)
  for (const [user, entry] of Object.entries(definition.systemActors))
    checkRoles(entry.roles, `systemActors.${user}`)
  for (const [i, r] of definition.restrictions.entries())
    checkRoles(r.exemptRoles ?? [], `restrictions[${i}].exemptRoles`)
  const teams = new TeamHierarchy(definition.teams)
  const checkGrant = (grant: ShareGrant) => {
    if (grant.principal.type === 'team' && !teams.has(grant.principal.id)) {
      throw invalidPolicy(
        'unknownTeam',
        `a grant names the team "${grant.principal.id}", which is not defined`,
        {
          team: grant.principal.id,
        },
      )
    }
  }
  for (const grant of definition.grants) checkGrant(grant)

  let grants: ShareGrant[] = [...definition.grants]
  let version = 0
  return {
    definition,
    teams,
    grants: () => grants,
    share(input) {
      // A grant added at run time is checked as strictly as one in the definition: a level, reason or principal
      // outside the schema would otherwise widen or break every compiled scope that reads it.
      const parsed = grantSchema.safeParse(input)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const path = issue?.path.join('.') ?? ''
        throw invalidPolicy(
          'malformed',
          `share: ${path ? `${path}: ` : ''}${issue?.message ?? 'malformed grant'}`,
          {
            path: issue?.path ?? [],
            issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
          },
        )
      }
      const grant = parsed.data
      checkGrant(grant)
      grants = [...grants, grant]
      version++
    },
    unshare(target) {
      grants = grants.filter(
        (g) =>
          !(
            g.entity === target.entity &&
            g.recordId === target.recordId &&
            g.principal.type === target.principal.type &&
            g.principal.id === target.principal.id &&
            (target.reason === undefined || g.reason === target.reason)
          ),
      )
      version++
    },
    get version() {
      return version
    },
    usersWithRole(role) {
      return Object.entries(definition.users)
        .filter(([, entry]) => entry.roles.includes(role))
        .map(([user]) => user)
    },
    rolesOf(actor) {
      const own = actor['roles']
      if (Array.isArray(own) && own.every((r) => typeof r === 'string')) {
        checkRoles(own as string[], `actor "${actor.id}"`)
        return own as string[]
      }
      return definition.users[actor.id]?.roles ?? definition.systemActors[actor.id]?.roles ?? []
    },
  }
}
