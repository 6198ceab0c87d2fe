import { subject } from '@casl/ability'
import type { CrmPlugin } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { AccessAction, AccessPolicy, FieldRights } from '@rapport/core/access'
import type { Actor } from '@rapport/core/events'
import type { Filter } from '@rapport/core/filter'
import type { StorageSchema } from '@rapport/core/storage'
import type { EntityAbility } from '../casl/actor-rules.js'
import { abilityToFilter, actorRules, buildAbility, NOTHING } from '../casl/actor-rules.js'
import { fieldRightsOf } from '../fields/field-rights.js'
import { shareGrantEntity } from '../grants/share-grant-entity.js'
import { shareGrantHooks } from '../grants/share-grant-hooks.js'
import type { LoadedGrants } from '../grants/tenant-grants.js'
import { TenantGrants } from '../grants/tenant-grants.js'
import type { AccessPolicyModel } from '../policy/define-access-policy.js'
import type { ShareGrant } from '../policy/policy-schema.js'
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

/**
 * A stage-history row is visible when its record is: one branch per entity `stageChange` relates to by `recordId`
 * (core's deal, lead, ticket and contact, and every plugin entity declared `staged`).
 */
function stageHistoryInheritance(schema: StorageSchema): Filter {
  const relations = schema.models['stageChange']?.relations ?? {}
  const types = Object.entries(relations)
    .filter(([name, r]) => r.kind === 'belongsTo' && r.localKey === 'recordId' && r.model === name)
    .map(([name]) => name)
  return {
    or: types.map((type) => ({ and: [{ field: 'entityType', op: 'eq', value: type }, { exists: type }] })),
  }
}

/** What one actor's compiled policy holds: per entity, the CASL ability, the scopes and the field rights. */
interface ActorState {
  readonly roles: readonly string[]
  readonly abilities: Map<string, EntityAbility>
  readonly scopes: Map<string, Filter | null>
  readonly fields: Map<string, FieldRights | null>
}

/** What {@link accessControl}'s hot path remembers of an actor object: its id and own roles when its state was found. */
interface ActorMemo {
  readonly id: string
  readonly ownRoles: unknown
  readonly state: ActorState
}

/** Whether an actor's `roles` still hold what was remembered (a copy, so an array changed in place is noticed). */
function sameRoles(remembered: unknown, current: unknown): boolean {
  if (!Array.isArray(current) || !Array.isArray(remembered)) return remembered === current
  if (current.length !== remembered.length) return false
  for (let i = 0; i < current.length; i++) if (current[i] !== remembered[i]) return false
  return true
}

const MAX_CACHED_ACTORS = 10_000
/** No stored grants: what calls without an actor and inherited entities evaluate (they never depend on grants). */
const NO_STORED_GRANTS: LoadedGrants = Object.freeze({ grants: Object.freeze([]) })

/** Options of {@link AccessControlApi.can} and {@link AccessControlApi.scopeOf}. */
export interface AccessCheckOptions {
  /**
   * The tenant the record belongs to: its stored share grants apply, as they do to the tenant's queries. Defaults to
   * the CRM's tenant (`CrmConfig.tenantId`, else `'default'`), the tenant of an unscoped `crm`.
   */
  readonly tenantId?: string
}

/** The API of the access plugin, as `crm.plugins.access`. */
export interface AccessControlApi {
  /**
   * Whether the actor may do `action` on `record` of `entity` in a tenant: CASL's in-memory check over the roles,
   * the restrictions and every grant (the definition's, `policy.share()`'s and the tenant's stored `shareGrant`
   * rows, loaded and cached as queries load them), the same algebra as the scope. So `can(actor, 'read', …)` on a
   * record is true exactly when that actor's `get` of it succeeds. Pass the record as stored: a condition on a
   * field the actor sees masked is evaluated on the value given.
   *
   * @example
   * ```ts
   * const record = await crm.contacts.get(id) // as an unrestricted caller
   * if (await crm.plugins.access.can({ id: 'usr_sam' }, 'update', 'contact', record)) showEditButton()
   * ```
   */
  can(
    actor: Actor,
    action: AccessAction,
    entity: string,
    record: object,
    options?: AccessCheckOptions,
  ): Promise<boolean>
  /**
   * The scope of an action in a tenant as a Rapport filter (`null`: no restriction), stored grants included, e.g. to
   * show a host's own query or to run it through `crm.entity(name).list({ where })`.
   */
  scopeOf(
    actor: Actor | null,
    action: AccessAction,
    entity: string,
    options?: AccessCheckOptions,
  ): Promise<Filter | null>
  /** The policy (for `share` / `unshare`). */
  readonly policy: AccessPolicyModel
  /**
   * Drops the loaded share grants of a tenant, so its next query reads them again. Writes through this CRM do it by
   * themselves; call it when another process changed the tenant's `shareGrant` rows.
   */
  invalidateGrants(tenantId: string): void
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
  const stored = new TenantGrants()
  let cacheVersion = model.version
  // Compiled state per set of loaded grants (a tenant's, replaced on every reload) and actor.
  let cache = new WeakMap<LoadedGrants, Map<string, ActorState>>()

  // The last state of each actor object per set of grants: a host passes the same actor on every call, so the hot
  // path is two weak-map lookups and a check that the actor still names the same id and roles.
  let byActor = new WeakMap<LoadedGrants, WeakMap<Actor, ActorMemo>>()

  const stateOf = (actor: Actor, loaded: LoadedGrants): ActorState => {
    if (model.version !== cacheVersion) {
      cache = new WeakMap()
      byActor = new WeakMap()
      cacheVersion = model.version
    }
    let memos = byActor.get(loaded)
    const memo = memos?.get(actor)
    if (memo && memo.id === actor.id && sameRoles(memo.ownRoles, actor['roles'])) return memo.state
    const state = compiledStateOf(actor, loaded)
    if (!memos) byActor.set(loaded, (memos = new WeakMap()))
    const own = actor['roles']
    memos.set(actor, { id: actor.id, ownRoles: Array.isArray(own) ? [...own] : own, state })
    return state
  }
  const compiledStateOf = (actor: Actor, loaded: LoadedGrants): ActorState => {
    let actors = cache.get(loaded)
    if (!actors) cache.set(loaded, (actors = new Map()))
    const roles = model.rolesOf(actor)
    const key = `${actor.id}\u0000${roles.join('\u0000')}`
    let state = actors.get(key)
    if (!state) {
      if (actors.size >= MAX_CACHED_ACTORS) actors.clear()
      state = { roles, abilities: new Map(), scopes: new Map(), fields: new Map() }
      actors.set(key, state)
    }
    return state
  }
  const grantsOf = (loaded: LoadedGrants): readonly ShareGrant[] =>
    loaded.grants.length === 0 ? model.grants() : [...model.grants(), ...loaded.grants]
  const abilityOf = (
    actor: Actor,
    state: ActorState,
    entity: string,
    loaded: LoadedGrants,
  ): EntityAbility => {
    let ability = state.abilities.get(entity)
    if (!ability) {
      ability = buildAbility(
        actorRules(model, { userId: actor.id, roles: state.roles }, entity, grantsOf(loaded)),
      )
      state.abilities.set(entity, ability)
    }
    return ability
  }
  const scopeWith = (
    actor: Actor | null,
    action: AccessAction,
    entity: string,
    loaded: LoadedGrants,
  ): Filter | null => {
    if (!actor) return withoutActor === 'all' ? null : NOTHING
    const state = stateOf(actor, loaded)
    const key = `${entity}\u0000${action}`
    if (state.scopes.has(key)) return state.scopes.get(key) as Filter | null
    let scope: Filter | null
    const inherited = inherit[entity]
    if (inherited) scope = inherited
    else {
      const filter = abilityToFilter(abilityOf(actor, state, entity, loaded), action, entity)
      scope = 'and' in filter && filter.and.length === 0 ? null : filter
    }
    state.scopes.set(key, scope)
    return scope
  }
  const access: AccessPolicy = {
    scope: ({ entity, action, actor, tenantId, storage, inTransaction }) => {
      // Inherited entities and calls without an actor never depend on grants: no load.
      if (!actor || inherit[entity]) return scopeWith(actor, action, entity, NO_STORED_GRANTS)
      const loaded = stored.cached(tenantId)
      if (loaded) return scopeWith(actor, action, entity, loaded)
      return stored
        .load(tenantId, storage, inTransaction ?? false)
        .then((fresh) => scopeWith(actor, action, entity, fresh))
    },
    fields: ({ entity, actor }) => {
      if (!actor) return null
      // Field rights come from roles only; grants never change them.
      const state = stateOf(actor, NO_STORED_GRANTS)
      if (!state.fields.has(entity)) state.fields.set(entity, fieldRightsOf(model, state.roles, entity))
      return state.fields.get(entity) ?? null
    },
  }

  const invalidate = (event: { readonly tenantId: string }) => stored.invalidate(event.tenantId)
  return {
    id: 'access',
    access,
    schema: { entities: [shareGrantEntity] },
    hooks: { [shareGrantEntity.name]: shareGrantHooks(model, inherit, stored) },
    // After commit: the grants every later query of the tenant sees (archive and restore run no entity hooks).
    on: Object.fromEntries(
      ['created', 'updated', 'archived', 'restored', 'deleted'].map((verb) => [
        `${shareGrantEntity.name}.${verb}`,
        invalidate,
      ]),
    ),
    errorCodes: {
      INVALID_POLICY: 'The access policy is malformed or names unknown roles, teams, entities or fields',
      INVALID_GRANT: 'A share grant names an unknown entity or team, or an entity that cannot be shared',
    },
    init: ({ schema, storage }) => {
      // Staged plugin entities relate stageChange to themselves: their history rows follow their records too.
      if (!model.definition.inherit?.['stageChange']) inherit['stageChange'] = stageHistoryInheritance(schema)
      validateAgainstSchema(model, schema, inherit)
      stored.bind(schema, storage)
    },
    api: (ctx) => {
      // The tenant's stored grants, as a query outside a transaction loads them (cached until a grant changes).
      const grantsIn = (options: AccessCheckOptions | undefined): Promise<LoadedGrants> | LoadedGrants => {
        const tenantId = options?.tenantId ?? ctx.tenantId
        if (typeof tenantId !== 'string' || tenantId.length === 0 || tenantId.length > 100) {
          throw new RapportError(
            'INVALID_CONFIG',
            'tenantId must be a non-empty string of at most 100 characters',
          )
        }
        return stored.cached(tenantId) ?? stored.load(tenantId, undefined, false)
      }
      return {
        policy: model,
        async scopeOf(actor, action, entity, options) {
          await ctx.ready() // init binds the storage grants are read from and completes `inherit`
          if (!actor || inherit[entity]) return scopeWith(actor, action, entity, NO_STORED_GRANTS)
          return scopeWith(actor, action, entity, await grantsIn(options))
        },
        invalidateGrants: (tenantId) => stored.invalidate(tenantId),
        async can(actor, action, entity, record, options) {
          await ctx.ready()
          if (inherit[entity])
            throw new TypeError(`can() does not evaluate inherited entities such as "${entity}"`)
          const loaded = await grantsIn(options)
          return abilityOf(actor, stateOf(actor, loaded), entity, loaded).can(
            action,
            subject(entity, { ...record }) as never,
          )
        },
      }
    },
  }
}
