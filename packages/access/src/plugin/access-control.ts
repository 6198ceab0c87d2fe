import { subject } from '@casl/ability'
import type { CrmPlugin } from '@rapport/core'
import type { AccessAction, AccessPolicy, FieldRights } from '@rapport/core/access'
import type { Actor } from '@rapport/core/events'
import type { Filter } from '@rapport/core/filter'
import type { EntityAbility } from '../casl/actor-rules.js'
import { abilityToFilter, actorRules, buildAbility, NOTHING } from '../casl/actor-rules.js'
import { fieldRightsOf } from '../fields/field-rights.js'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import { validateAgainstSchema } from './validate-against-schema.js'

/** Options of {@link accessControl}. */
export interface AccessControlOptions {
  /**
   * What operations without an actor may do: `deny` (the default; nothing is visible and nothing can be written) or
   * `all` (no restriction: setup scripts, migrations, trusted workers). Prefer a declared system actor.
   */
  readonly withoutActor?: 'deny' | 'all'
}

/**
 * Join and history entities of core whose rows are visible exactly when the records they join are: a deal-contact
 * link when both the deal and the contact are, an activity link when its activity (or task) and its target are, a
 * stage-history row when its record is. Policies may override or extend these with `inherit`.
 */
export const coreInheritance: Readonly<Record<string, Filter>> = Object.freeze({
  dealContact: { and: [{ exists: 'deal' }, { exists: 'contact' }] },
  stageChange: {
    or: ['deal', 'lead', 'ticket', 'contact'].map((type) => ({
      and: [{ field: 'entityType', op: 'eq', value: type }, { exists: type }],
    })),
  },
  recordLink: {
    and: [
      {
        or: [
          { and: [{ field: 'sourceType', op: 'eq', value: 'activity' }, { exists: 'sourceActivity' }] },
          { and: [{ field: 'sourceType', op: 'eq', value: 'task' }, { exists: 'sourceTask' }] },
        ],
      },
      {
        or: (['contact', 'company', 'deal', 'lead', 'ticket'] as const).map((type) => ({
          and: [
            { field: 'targetType', op: 'eq', value: type },
            { exists: `target${type[0]?.toUpperCase()}${type.slice(1)}` },
          ],
        })),
      },
    ],
  },
} satisfies Record<string, Filter>)

/** What one actor's compiled policy holds: per entity, the CASL ability, the scopes and the field rights. */
interface ActorState {
  readonly roles: readonly string[]
  readonly abilities: Map<string, EntityAbility>
  readonly scopes: Map<string, Filter | null>
  readonly fields: Map<string, FieldRights | null>
}

const MAX_CACHED_ACTORS = 10_000

/** The API of the access plugin, as `crm.plugins.access`. */
export interface AccessControlApi {
  /** Whether the actor may do `action` on `record` of `entity`: CASL's in-memory check, same algebra as the scope. */
  can(actor: Actor, action: AccessAction, entity: string, record: Readonly<Record<string, unknown>>): boolean
  /** The scope of an action as a Rapport filter (`null`: no restriction), e.g. to show a host's own query. */
  scopeOf(actor: Actor | null, action: AccessAction, entity: string): Filter | null
  /** The policy (for `share` / `unshare`). */
  readonly policy: AccessPolicyModel
}

/**
 * The access-control plugin: installs a policy as core's {@link AccessPolicy} port, so every service path (reads,
 * related lists, `exists`, aggregates, link targets, creates, updates before and after, deletes) applies it, with
 * field-level read/edit/mask. Scopes and field rights are compiled once per actor, entity and policy version, then
 * cached.
 *
 * @example
 * ```ts
 * const crm = createCrm({ storage, plugins: [accessControl(policy)] as const })
 * const ray = crm.scoped({ actor: { id: 'usr_ray' } })
 * await ray.deals.list() // only Ray's deals
 * ```
 */
export function accessControl(
  model: AccessPolicyModel,
  options: AccessControlOptions = {},
): CrmPlugin<'access', AccessControlApi> {
  const inherit: Record<string, Filter> = { ...coreInheritance, ...(model.definition.inherit ?? {}) }
  const withoutActor = options.withoutActor ?? 'deny'
  let cacheVersion = model.version
  const cache = new Map<string, ActorState>()

  const stateOf = (actor: Actor): ActorState => {
    if (model.version !== cacheVersion) {
      cache.clear()
      cacheVersion = model.version
    }
    const roles = model.rolesOf(actor)
    const key = `${actor.id}\u0000${roles.join('\u0000')}`
    let state = cache.get(key)
    if (!state) {
      if (cache.size >= MAX_CACHED_ACTORS) cache.clear()
      state = { roles, abilities: new Map(), scopes: new Map(), fields: new Map() }
      cache.set(key, state)
    }
    return state
  }
  const abilityOf = (actor: Actor, state: ActorState, entity: string): EntityAbility => {
    let ability = state.abilities.get(entity)
    if (!ability) {
      ability = buildAbility(actorRules(model, { userId: actor.id, roles: state.roles }, entity))
      state.abilities.set(entity, ability)
    }
    return ability
  }
  const scopeOf = (actor: Actor | null, action: AccessAction, entity: string): Filter | null => {
    if (!actor) return withoutActor === 'all' ? null : NOTHING
    const state = stateOf(actor)
    const key = `${entity}\u0000${action}`
    if (state.scopes.has(key)) return state.scopes.get(key) as Filter | null
    let scope: Filter | null
    const inherited = inherit[entity]
    if (inherited) scope = inherited
    else {
      const filter = abilityToFilter(abilityOf(actor, state, entity), action, entity)
      scope = 'and' in filter && filter.and.length === 0 ? null : filter
    }
    state.scopes.set(key, scope)
    return scope
  }

  const access: AccessPolicy = {
    scope: ({ entity, action, actor }) => scopeOf(actor, action, entity),
    fields: ({ entity, actor }) => {
      if (!actor) return null
      const state = stateOf(actor)
      if (!state.fields.has(entity)) state.fields.set(entity, fieldRightsOf(model, state.roles, entity))
      return state.fields.get(entity) ?? null
    },
  }

  return {
    id: 'access',
    access,
    errorCodes: {
      INVALID_POLICY: 'The access policy is malformed or names unknown roles, teams, entities or fields',
    },
    init: ({ schema }) => validateAgainstSchema(model, schema, inherit),
    api: () => ({
      policy: model,
      scopeOf,
      can(actor, action, entity, record) {
        if (inherit[entity])
          throw new TypeError(`can() does not evaluate inherited entities such as "${entity}"`)
        return abilityOf(actor, stateOf(actor), entity).can(action, subject(entity, { ...record }) as never)
      },
    }),
  }
}
