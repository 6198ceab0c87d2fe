import type { AccessPolicyModel } from '@rapport/access'
import type { Awaitable } from '@rapport/core/plugin'

/**
 * Where `role` and `managerOf` resolvers look people up. {@link accessDirectory} reads them from an
 * `@rapport/access` policy; a host with its own directory (LDAP, an HR system) implements these two functions.
 */
export interface ApproverDirectory {
  /** The users holding `role` in `tenantId`. */
  usersWithRole(role: string, tenantId: string): Awaitable<readonly string[]>
  /** The user's direct manager in `tenantId`, or `undefined` at the top. */
  managerOf(userId: string, tenantId: string): Awaitable<string | undefined>
}

/**
 * The approvals directory of an `@rapport/access` policy: a role's users are the policy's `users` holding it, and a
 * user's manager follows the policy's teams (`TeamHierarchy.managerOf`).
 *
 * @example
 * ```ts
 * const policy = defineAccessPolicy({ roles, teams, users })
 * const crm = createCrm({
 *   storage,
 *   plugins: [accessControl(policy), approvalsPlugin({ policies, directory: accessDirectory(policy) })] as const,
 * })
 * ```
 */
export function accessDirectory(policy: AccessPolicyModel): ApproverDirectory {
  return {
    usersWithRole: (role) => policy.usersWithRole(role),
    managerOf: (userId) => policy.teams.managerOf(userId),
  }
}

/** A directory that knows nobody: `role` and `managerOf` resolvers find no approver. */
export const emptyDirectory: ApproverDirectory = {
  usersWithRole: () => [],
  managerOf: () => undefined,
}
