import type { MongoAbility, RawRuleOf } from '@casl/ability'
import { createMongoAbility } from '@casl/ability'
import { rulesToCondition } from '@casl/ability/extra'
import type { Filter } from '@rapport/core/filter'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import type { Condition, ScopeLevel, ShareGrant } from '../policy/policy-schema.js'
import { POLICY_ACTIONS } from '../policy/policy-schema.js'
import { twoValuedMatcher } from './two-valued-matcher.js'
import { ucastToFilter } from './ucast-to-filter.js'

/** An action of a policy: `read`, `create`, `update` or `delete`. */
export type PolicyAction = (typeof POLICY_ACTIONS)[number]

/** The CASL ability of one actor on one entity. */
export type EntityAbility = MongoAbility<[PolicyAction, string]>

/** The filter that matches no row; CASL's `null` ("no rule grants access") maps here, never to "no filter". */
export const NOTHING: Filter = Object.freeze({ or: [] }) as Filter
const EVERYTHING: Filter = Object.freeze({ and: [] }) as Filter

/** Who an actor is for the policy: their id and roles. */
export interface ActorIdentity {
  readonly userId: string
  readonly roles: readonly string[]
}

function levelCondition(
  model: AccessPolicyModel,
  level: ScopeLevel,
  owner: string,
  userId: string,
): Condition | null | undefined {
  switch (level) {
    case 'none':
      return undefined
    case 'all':
      return null
    case 'own':
      return { [owner]: userId }
    case 'team':
      return { [owner]: { $in: [...model.teams.teammates(userId)] } }
    case 'teamTree':
      return { [owner]: { $in: [...model.teams.teamTree(userId)] } }
    case 'subordinates':
      return { [owner]: { $in: [...model.teams.subordinates(userId)] } }
  }
}

/**
 * The CASL rules of one actor on one entity, in the algebra `(role scopes ∨ grants) ∧ ¬restrictions`: one `can`
 * per role and action (its level's condition AND its `where`), one `can` per action for the records shared with
 * the actor or their teams, then the restrictions as `cannot` rules, which CASL gives the highest priority.
 *
 * @internal
 */
export function actorRules(
  model: AccessPolicyModel,
  actor: ActorIdentity,
  entity: string,
  grants: readonly ShareGrant[] = model.grants(),
): RawRuleOf<EntityAbility>[] {
  const def = model.definition
  const owner = def.ownerFields[entity] ?? 'ownerId'
  const rules: RawRuleOf<EntityAbility>[] = []
  for (const roleName of actor.roles) {
    const role = def.roles[roleName]
    const perEntity = role?.entities[entity] ?? role?.entities['*']
    if (!perEntity) continue
    for (const action of POLICY_ACTIONS) {
      const rule = perEntity[action]
      if (rule === undefined) continue
      const { level, where } = typeof rule === 'string' ? { level: rule, where: undefined } : rule
      const scope = levelCondition(model, level, owner, actor.userId)
      if (scope === undefined) continue
      const conditions = scope && where ? { $and: [scope, where] } : (scope ?? where)
      rules.push({
        action,
        subject: entity,
        ...(conditions ? { conditions } : {}),
      } as RawRuleOf<EntityAbility>)
    }
  }
  const teams = new Set(model.teams.teamsOf(actor.userId))
  const shared = { read: new Set<string>(), update: new Set<string>() }
  for (const grant of grants) {
    if (grant.entity !== entity) continue
    const mine =
      grant.principal.type === 'user' ? grant.principal.id === actor.userId : teams.has(grant.principal.id)
    if (!mine) continue
    shared.read.add(grant.recordId)
    if (grant.level === 'edit') shared.update.add(grant.recordId)
  }
  for (const action of ['read', 'update'] as const) {
    if (shared[action].size > 0) {
      rules.push({
        action,
        subject: entity,
        conditions: { id: { $in: [...shared[action]] } },
      } as RawRuleOf<EntityAbility>)
    }
  }
  for (const restriction of def.restrictions) {
    if (restriction.entity !== entity && restriction.entity !== '*') continue
    if (restriction.exemptRoles?.some((r) => actor.roles.includes(r))) continue
    rules.push({
      action: restriction.actions,
      subject: entity,
      conditions: restriction.when,
      inverted: true,
    } as RawRuleOf<EntityAbility>)
  }
  return rules
}

/** The CASL ability built from {@link actorRules}, with two-valued comparisons. @internal */
export function buildAbility(rules: RawRuleOf<EntityAbility>[]): EntityAbility {
  return createMongoAbility<[PolicyAction, string]>(rules, { conditionsMatcher: twoValuedMatcher } as never)
}

/**
 * The scope of one action as a Rapport filter: CASL's `rulesToCondition` flattens rule priority into
 * `OR_i (can_i ∧ ¬ every higher-priority cannot)`, and each rule's ucast AST becomes a filter. No rule: no rows.
 *
 * @internal
 */
export function abilityToFilter(ability: EntityAbility, action: PolicyAction, entity: string): Filter {
  const rules = ability.rulesFor(action, entity)
  const result = rulesToCondition(
    rules,
    (rule): Filter => {
      const condition = rule.conditions ? ucastToFilter(rule.ast as never) : EVERYTHING
      return rule.inverted ? { not: condition } : condition
    },
    {
      and: (filters: Filter[]): Filter => (filters.length === 1 ? (filters[0] as Filter) : { and: filters }),
      or: (filters: Filter[]): Filter => (filters.length === 1 ? (filters[0] as Filter) : { or: filters }),
      empty: (): Filter => EVERYTHING,
    },
  )
  return result ?? NOTHING
}
