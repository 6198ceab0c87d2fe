/**
 * `@rapport/access`: access control for Rapport. Roles grant scope levels (`none`, `own`, `subordinates`, `team`,
 * `teamTree`, `all`, each with an optional condition) per entity and action; users with several roles get the most
 * permissive; teams have managers and sub-teams; records can be shared with a reason; restrictions deny whatever
 * they match; fields can be hidden, read-only or masked. Rules are CASL rules, compiled through `rulesToCondition`
 * into Rapport filters, so the same compilers that run every query enforce them.
 *
 * @example
 * ```ts
 * import { accessControl, defineAccessPolicy } from '@rapport/access'
 *
 * const policy = defineAccessPolicy({
 *   roles: {
 *     rep: { entities: { deal: { read: 'own', update: 'own', create: 'own' } } },
 *     manager: { entities: { deal: { read: 'teamTree', update: 'team' } } },
 *   },
 *   teams: [{ id: 'east', managerId: 'usr_mia', members: ['usr_ray'] }],
 *   users: { usr_ray: { roles: ['rep'] }, usr_mia: { roles: ['manager'] } },
 * })
 * const crm = createCrm({ storage, plugins: [accessControl(policy)] as const })
 * ```
 *
 * @packageDocumentation
 */

export { twoValuedCompare } from './casl/two-valued-matcher.js'
export { type MaskKind, maskEmail, maskPhone } from './fields/masks.js'
export { type StoredShareGrant, shareGrantEntity } from './grants/share-grant-entity.js'
export {
  type AccessCheckOptions,
  type AccessControlApi,
  type AccessControlOptions,
  accessControl,
  coreInheritance,
} from './plugin/access-control.js'
export { type AccessPolicyModel, defineAccessPolicy } from './policy/define-access-policy.js'
export type { PolicyErrorReason } from './policy/policy-error.js'
export {
  type AccessPolicyDefinition,
  type AccessPolicyInput,
  CONDITION_OPERATORS,
  type Condition,
  grantSchema,
  POLICY_ACTIONS,
  policySchema,
  SCOPE_LEVELS,
  type ScopeLevel,
  type ShareGrant,
} from './policy/policy-schema.js'
export { TeamHierarchy, type TeamInput } from './teams/team-hierarchy.js'
