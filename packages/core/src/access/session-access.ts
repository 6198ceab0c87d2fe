import type { CustomFieldDefinition } from '../custom-fields/custom-field-definition.js'
import { RapportError } from '../errors/rapport-error.js'
import type { Actor } from '../events/crm-events.js'
import { compileFilter } from '../filter/compile-filter.js'
import type { FilterTarget } from '../filter/filter-target.js'
import type { Filter } from '../filter/filter-types.js'
import type { CrmPlugin } from '../plugins/crm-plugin.js'
import type { StorageOperations } from '../storage/storage-adapter.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { AccessAction, AccessPolicy, FieldRights } from './access-policy.js'

/** What the access helpers need from a session; kept structural so services, hooks and tests can pass one. */
export interface AccessSession {
  readonly tenantId: string
  readonly actor: Actor | null
  /** The unit of work's storage operations, passed on to policies as `AccessRequest.storage`. */
  readonly ops?: StorageOperations
  /** Whether `ops` is an open transaction. */
  readonly inTransaction?: boolean
  readonly runtime: {
    readonly plugins: readonly CrmPlugin[]
    readonly clock: () => Date
    readonly filterLimits: Parameters<typeof compileFilter>[3]
  }
}

/** How deep `exists` scopes may nest (a join entity's scope naming its parents, whose scopes name theirs…). */
const MAX_SCOPE_DEPTH = 4
const NOTHING: Filter = Object.freeze({ or: [] }) as Filter

const policiesCache = new WeakMap<readonly CrmPlugin[], readonly AccessPolicy[]>()

/**
 * The access policies of the CRM's plugins, in plugin order. A plugin's `scope()` filter counts as a policy too, so
 * it reaches every path a policy does (the related side of `exists` and `count`, link targets on write), not only
 * the entity's own reads and writes.
 *
 * @internal
 */
export function accessPolicies(session: AccessSession): readonly AccessPolicy[] {
  const plugins = session.runtime.plugins
  let policies = policiesCache.get(plugins)
  if (!policies) {
    policies = plugins.flatMap((p) => [
      ...(p.scope ? [scopeAsPolicy(p.scope.bind(p))] : []),
      ...(p.access ? [p.access] : []),
    ])
    policiesCache.set(plugins, policies)
  }
  return policies
}

/** A plugin's `scope()` filter as an access policy: `read` is its read operation, every other action its write. */
function scopeAsPolicy(scope: NonNullable<CrmPlugin['scope']>): AccessPolicy {
  return {
    scope: ({ entity, action, tenantId, actor }) =>
      scope({ entity, operation: action === 'read' ? 'read' : 'write', tenantId, actor }) ?? null,
  }
}

/**
 * The scope of one action on one entity for the session's actor: the AND of every plugin policy's answer, or
 * `null` when nothing restricts it.
 *
 * @internal
 */
export async function accessScope(
  session: AccessSession,
  entity: string,
  action: AccessAction,
): Promise<Filter | null> {
  const policies = accessPolicies(session)
  if (policies.length === 0) return null
  const scopes: Filter[] = []
  for (const policy of policies) {
    const scope = await policy.scope({
      entity,
      action,
      tenantId: session.tenantId,
      actor: session.actor,
      ...(session.ops ? { storage: session.ops, inTransaction: session.inTransaction ?? false } : {}),
    })
    if (scope) scopes.push(scope)
  }
  if (scopes.length === 0) return null
  return scopes.length === 1 ? (scopes[0] as Filter) : { and: scopes }
}

/**
 * Rewrites every `exists` and `count` of a filter so the related entity's read scope applies to the related rows
 * too: a relation never reaches, or counts, a record its target entity's scope hides.
 *
 * @internal
 */
export async function withRelatedScopes(
  session: AccessSession,
  filter: Filter,
  target: FilterTarget,
  depth = 0,
): Promise<Filter> {
  if (accessPolicies(session).length === 0 || filter === null || typeof filter !== 'object') return filter
  const node = filter as Record<string, unknown>
  if (Array.isArray(node['and'])) {
    return {
      and: await Promise.all(
        (node['and'] as Filter[]).map((f) => withRelatedScopes(session, f, target, depth)),
      ),
    }
  }
  if (Array.isArray(node['or'])) {
    return {
      or: await Promise.all(
        (node['or'] as Filter[]).map((f) => withRelatedScopes(session, f, target, depth)),
      ),
    }
  }
  if (node['not'] !== undefined && typeof node['not'] === 'object') {
    return { not: await withRelatedScopes(session, node['not'] as Filter, target, depth) }
  }
  const key =
    typeof node['exists'] === 'string' ? 'exists' : typeof node['count'] === 'string' ? 'count' : null
  if (key !== null) {
    // `count` counts exactly the related records `exists` may see: the related entity's scope joins `where`.
    const related = target.resolveRelation(node[key] as string)
    if (!related) return filter // the compiler reports the unknown relation
    if (depth >= MAX_SCOPE_DEPTH) return { ...node, where: NOTHING } as Filter
    const scope = await accessScope(session, related.target.entity, 'read')
    const where = node['where'] as Filter | undefined
    const inner =
      where === undefined ? undefined : await withRelatedScopes(session, where, related.target, depth)
    const scoped = scope ? await withRelatedScopes(session, scope, related.target, depth + 1) : undefined
    const parts = [inner, scoped].filter((f): f is Filter => f !== undefined)
    if (parts.length === 0) return filter
    return { ...node, where: parts.length === 1 ? (parts[0] as Filter) : { and: parts } } as Filter
  }
  return filter
}

const compiledScopes = new WeakMap<object, WeakMap<object, Map<string, StorageFilter>>>()

/**
 * The read/write scope of an entity compiled to a storage filter, related scopes included; `null` when nothing
 * restricts the action. Scopes without `exists` or time placeholders are compiled once per policy answer and
 * custom-field set.
 *
 * @internal
 */
export async function compiledAccessScope(
  session: AccessSession,
  entity: string,
  targetOf: () => FilterTarget,
  customFields: ReadonlyMap<string, readonly CustomFieldDefinition[]>,
  action: AccessAction,
): Promise<StorageFilter | null> {
  const scope = await accessScope(session, entity, action)
  if (!scope) return null
  const cacheable = isStatic(scope)
  if (cacheable) {
    const hit = compiledScopes.get(scope)?.get(customFields)?.get(entity)
    if (hit) return hit
  }
  const target = targetOf()
  const compiled = compileFilter(
    cacheable ? scope : await withRelatedScopes(session, scope, target),
    target,
    {
      now: session.runtime.clock(),
      tenantId: session.tenantId,
      ...(session.actor ? { actor: session.actor } : {}),
    },
    session.runtime.filterLimits,
  )
  if (cacheable) {
    let byFields = compiledScopes.get(scope)
    if (!byFields) compiledScopes.set(scope, (byFields = new WeakMap()))
    let byEntity = byFields.get(customFields)
    if (!byEntity) byFields.set(customFields, (byEntity = new Map()))
    byEntity.set(target.entity, compiled)
  }
  return compiled
}

const staticCache = new WeakMap<object, boolean>()

/** True when a filter holds no `exists` and no placeholder, so its compiled form never changes. */
function isStatic(filter: Filter): boolean {
  const known = staticCache.get(filter)
  if (known !== undefined) return known
  const text = JSON.stringify(filter)
  const result = !/"(exists|\$var|\$ago|\$fromNow)"/.test(text)
  staticCache.set(filter, result)
  return result
}

/**
 * The merged field rights of every policy for the session's actor on an entity, or `null` when every field is open.
 *
 * @internal
 */
export function accessFieldRights(session: AccessSession, entity: string): FieldRights | null {
  const policies = accessPolicies(session)
  if (policies.length === 0) return null
  let merged: FieldRights | null = null
  for (const policy of policies) {
    const rights = policy.fields?.({ entity, tenantId: session.tenantId, actor: session.actor }) ?? null
    if (!rights) continue
    if (!merged) {
      merged = rights
      continue
    }
    merged = {
      hidden: new Set([...merged.hidden, ...rights.hidden]),
      masked: new Map([...merged.masked, ...rights.masked]),
      readOnly: new Set([...merged.readOnly, ...rights.readOnly]),
    }
  }
  if (merged && merged.hidden.size === 0 && merged.masked.size === 0 && merged.readOnly.size === 0)
    return null
  return merged
}

/** The rights key a field path falls under: itself, its `custom.<key>` prefix, or its first segment. */
function rightsKeys(path: string): string[] {
  const parts = path.split('.')
  const keys = [path, parts[0] as string]
  if (parts[0] === 'custom' && parts.length > 1) keys.push(`custom.${parts[1]}`)
  return keys
}

/** The fields of `paths` the actor may not read in clear (hidden or masked). @internal */
export function unreadableFields(rights: FieldRights | null, paths: Iterable<string>): string[] {
  if (!rights) return []
  const out = new Set<string>()
  for (const path of paths) {
    if (rightsKeys(path).some((k) => rights.hidden.has(k) || rights.masked.has(k))) out.add(path)
  }
  return [...out]
}

/** The `FIELD_FORBIDDEN` error for fields an actor may not use in `operation`. @internal */
export function fieldForbidden(entity: string, fields: readonly string[], operation: string): RapportError {
  return new RapportError(
    'FIELD_FORBIDDEN',
    `You may not ${operation} ${fields.length === 1 ? 'the field' : 'the fields'} ${fields.map((f) => `"${f}"`).join(', ')} of ${entity}`,
    { details: { entity, fields: [...fields], operation } },
  )
}

/**
 * Refuses a caller's filter that names a field the actor cannot read in clear, on this entity or, through
 * `exists` or `count`, on a related one: a masked value must not be inferable by filtering.
 *
 * @internal
 */
export function checkFilterFields(session: AccessSession, filter: unknown, target: FilterTarget): void {
  if (accessPolicies(session).length === 0) return
  const visit = (node: unknown, on: FilterTarget): void => {
    if (node === null || typeof node !== 'object') return
    const n = node as Record<string, unknown>
    for (const key of ['and', 'or'] as const) if (Array.isArray(n[key])) for (const m of n[key]) visit(m, on)
    if (n['not'] !== undefined) visit(n['not'], on)
    const relation = typeof n['exists'] === 'string' ? n['exists'] : n['count']
    if (typeof relation === 'string') {
      const related = on.resolveRelation(relation)
      if (related && n['where'] !== undefined) visit(n['where'], related.target)
    }
    if (typeof n['field'] === 'string') {
      const bad = unreadableFields(accessFieldRights(session, on.entity), [n['field']])
      if (bad.length > 0) throw fieldForbidden(on.entity, bad, 'filter on')
    }
  }
  visit(filter, target)
}

/**
 * A record as the actor may see it: hidden fields removed, masked fields masked. With `inPlace`, a record only this
 * call holds (a row just read and decoded) is masked in place instead of copied; hidden fields still copy it.
 *
 * @internal
 */
export function projectRecord<R>(record: R, rights: FieldRights | null, inPlace = false): R {
  if (!rights) return record
  const plan = projectionOf(rights)
  if (plan.empty) return record
  const out: Record<string, unknown> =
    inPlace && plan.hiddenTop.length === 0 && plan.hiddenCustom.length === 0
      ? (record as Record<string, unknown>)
      : { ...(record as Record<string, unknown>) }
  for (const field of plan.hiddenTop) delete out[field]
  for (const key of plan.hiddenCustom) {
    const custom = out['custom'] as Record<string, unknown> | null | undefined
    if (custom && typeof custom === 'object') {
      const { [key]: _, ...rest } = custom
      out['custom'] = rest
    }
  }
  for (let i = 0; i < plan.maskedTop.length; i++) {
    const [field, mask] = plan.maskedTop[i] as MaskedField
    const value = out[field]
    if (value != null) out[field] = mask(value)
  }
  for (const [key, mask] of plan.maskedCustom) {
    const custom = out['custom'] as Record<string, unknown> | null | undefined
    if (custom && typeof custom === 'object' && custom[key] != null)
      out['custom'] = { ...custom, [key]: mask(custom[key]) }
  }
  return out as R
}

type MaskedField = readonly [field: string, mask: (value: unknown) => unknown]

/** {@link FieldRights} split once into top-level fields and custom-field keys, for {@link projectRecord}. */
interface Projection {
  readonly empty: boolean
  readonly hiddenTop: readonly string[]
  readonly hiddenCustom: readonly string[]
  readonly maskedTop: readonly MaskedField[]
  readonly maskedCustom: readonly MaskedField[]
}

const projections = new WeakMap<FieldRights, Projection>()

/** The projection of a rights object, computed once per object (a policy answers the same object per actor). */
function projectionOf(rights: FieldRights): Projection {
  let plan = projections.get(rights)
  if (!plan) {
    const custom = (field: string) => field.startsWith('custom.')
    const hidden = [...rights.hidden]
    const masked = [...rights.masked]
    plan = {
      empty: hidden.length === 0 && masked.length === 0,
      hiddenTop: hidden.filter((f) => !custom(f)),
      hiddenCustom: hidden.filter(custom).map((f) => f.slice(7)),
      maskedTop: masked.filter(([f]) => !custom(f)),
      maskedCustom: masked.filter(([f]) => custom(f)).map(([f, mask]) => [f.slice(7), mask] as const),
    }
    projections.set(rights, plan)
  }
  return plan
}

/** Refuses input that sets fields the actor may not edit, naming them. @internal */
export function checkWritableFields(
  entity: string,
  rights: FieldRights | null,
  input: Readonly<Record<string, unknown>>,
): void {
  if (!rights || rights.readOnly.size === 0) return
  const bad: string[] = []
  for (const key of Object.keys(input)) {
    if (key === 'custom' && input[key] && typeof input[key] === 'object') {
      for (const k of Object.keys(input[key] as object))
        if (rights.readOnly.has(`custom.${k}`)) bad.push(`custom.${k}`)
    }
    if (rights.readOnly.has(key)) bad.push(key)
  }
  if (bad.length > 0) throw fieldForbidden(entity, bad, 'write')
}
