import type { Session } from '../crm/session.js'
import { compileFilter } from '../filter/compile-filter.js'
import type { Filter } from '../filter/filter-types.js'
import type { StorageFilter, StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { filterTargetOf } from './entity-fields.js'

/** The model, tenant and schema every storage call of this entity carries. */
export function storageScope(ctx: EntityContext, session: Session) {
  return { model: ctx.entity.model, tenantId: session.tenantId, schema: session.runtime.schema.storage }
}

/** Compiles a filter against this entity's fields, with the session's clock, tenant and actor. */
export async function compileFor(
  ctx: EntityContext,
  session: Session,
  filter: Filter,
): Promise<StorageFilter> {
  const target = await filterTargetOf(ctx, session)
  return compileFilter(
    filter,
    target,
    {
      now: session.runtime.clock(),
      tenantId: session.tenantId,
      ...(session.actor ? { actor: session.actor } : {}),
    },
    session.runtime.filterLimits,
  )
}

/**
 * The plugins' access scopes for this operation, combined, or `null` when no plugin restricts it. Every read and
 * write path adds it, so a record outside the caller's scope is NOT_FOUND everywhere.
 */
export async function scopeFilter(
  ctx: EntityContext,
  session: Session,
  operation: 'read' | 'write',
): Promise<StorageFilter | null> {
  const scopes: Filter[] = []
  for (const plugin of session.runtime.plugins) {
    const filter = plugin.scope?.({
      entity: ctx.entity.name,
      operation,
      tenantId: session.tenantId,
      actor: session.actor,
    })
    if (filter) scopes.push(filter)
  }
  if (scopes.length === 0) return null
  return compileFor(ctx, session, scopes.length === 1 ? (scopes[0] as Filter) : { and: scopes })
}

/** The filters of a read: the caller's `where`, archived records unless asked for, and the access scope. */
export async function readFilters(
  ctx: EntityContext,
  session: Session,
  where: Filter | undefined,
  includeArchived: boolean,
): Promise<StorageFilter[]> {
  const filters: StorageFilter[] = []
  if (where !== undefined) filters.push(await compileFor(ctx, session, where))
  if (!includeArchived)
    filters.push({ kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true })
  const scope = await scopeFilter(ctx, session, 'read')
  if (scope) filters.push(scope)
  return filters
}

/** The stored row with this id when it is inside the caller's scope for `operation`, else `null`. */
export async function loadRow(
  ctx: EntityContext,
  session: Session,
  id: string,
  operation: 'read' | 'write',
): Promise<StorageRow | null> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return null
  const scope = await scopeFilter(ctx, session, operation)
  if (!scope) return session.ops.findById({ ...storageScope(ctx, session), id })
  const rows = await session.ops.findMany({
    ...storageScope(ctx, session),
    where: {
      kind: 'and',
      filters: [{ kind: 'compare', ref: { field: 'id', type: 'string' }, op: 'eq', value: id }, scope],
    },
    limit: 1,
  })
  return rows[0] ?? null
}
