import type { AccessAction } from '../access/access-policy.js'
import {
  accessFieldRights,
  accessPolicies,
  checkFilterFields,
  compiledAccessScope,
  projectRecord,
  withRelatedScopes,
} from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import { RapportError } from '../errors/rapport-error.js'
import { asFilterReadError, compileFilter } from '../filter/compile-filter.js'
import type { Filter } from '../filter/filter-types.js'
import type { CrmPlugin } from '../plugins/crm-plugin.js'
import type { StoragePredicate } from '../storage/evaluate-storage-filter.js'
import { compileStorageFilter } from '../storage/evaluate-storage-filter.js'
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
 * A caller's filter, compiled: it may not name fields the actor cannot read in clear (`FIELD_FORBIDDEN`), and every
 * `exists` in it only reaches related records inside their own entity's read scope.
 */
export async function compileCallerFilter(
  ctx: EntityContext,
  session: Session,
  filter: Filter,
): Promise<StorageFilter> {
  const target = await filterTargetOf(ctx, session)
  let scoped: Filter
  try {
    checkFilterFields(session, filter, target)
    scoped = await withRelatedScopes(session, filter, target)
  } catch (error) {
    throw asFilterReadError(error)
  }
  return compileFor(ctx, session, scoped)
}

/**
 * The access scope of this action, combined from the plugins' access policies (`CrmPlugin.access`) and their
 * `scope()` filters (which core treats as policies), or `null` when nothing restricts it. Every read and write path
 * adds it, so a record outside the caller's scope is NOT_FOUND everywhere.
 */
export async function scopeFilter(
  ctx: EntityContext,
  session: Session,
  action: AccessAction,
): Promise<StorageFilter | null> {
  if (!mayRestrict(session)) return null
  const customFields = await session.runtime.customFields(session.tenantId, session.ops)
  return compiledAccessScope(
    session,
    ctx.entity.name,
    () => session.runtime.schema.filterTarget(ctx.entity.name, customFields),
    customFields,
    action,
  )
}

/** The filters of a read: the caller's `where`, archived records unless asked for, and the access scope. */
export async function readFilters(
  ctx: EntityContext,
  session: Session,
  where: Filter | undefined,
  includeArchived: boolean,
): Promise<StorageFilter[]> {
  const filters: StorageFilter[] = []
  if (where !== undefined) filters.push(await compileCallerFilter(ctx, session, where))
  if (!includeArchived)
    filters.push({ kind: 'isNull', ref: { field: 'archivedAt', type: 'datetime' }, isNull: true })
  const scope = await scopeFilter(ctx, session, 'read')
  if (scope) filters.push(scope)
  return filters
}

const restricting = new WeakMap<readonly CrmPlugin[], boolean>()

/**
 * Whether any plugin can restrict what a session reaches (a `scope()` filter or an access policy). Without one, no
 * scope is ever computed, so a read need not wait for the tenant's custom fields or the policy's answer.
 */
function mayRestrict(session: Session): boolean {
  const plugins = session.runtime.plugins
  let answer = restricting.get(plugins)
  if (answer === undefined) {
    answer = accessPolicies(session).length > 0
    restricting.set(plugins, answer)
  }
  return answer
}

/**
 * The stored row with this id when it is inside the caller's scope for `action`, else `null`. With `fields` (see
 * `ReadFields`) the adapter may leave out every other field.
 */
export function loadRow(
  ctx: EntityContext,
  session: Session,
  id: string,
  action: AccessAction,
  fields?: readonly string[],
): Promise<StorageRow | null> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return Promise.resolve(null)
  // The hot path (no plugin restricts reads): one primary-key lookup, no scope to compute or await.
  if (!mayRestrict(session)) return session.ops.findById(byIdArgs(ctx, session, id, fields))
  return loadScopedRow(ctx, session, id, action, fields)
}

/**
 * {@link loadRow} for many ids in one read: the stored rows inside the caller's scope for `action`, by id (ids
 * missing, out of scope or malformed are left out). Every row is whole (no `fields` hint).
 */
export async function loadRows(
  ctx: EntityContext,
  session: Session,
  ids: readonly string[],
  action: AccessAction,
): Promise<Map<string, StorageRow>> {
  const valid = ids.filter((id) => typeof id === 'string' && id.length > 0 && id.length <= 200)
  const scope = mayRestrict(session) ? await scopeFilter(ctx, session, action) : null
  let rows: StorageRow[]
  if (!scope) {
    rows = await session.ops.findByIds({ ...storageScope(ctx, session), ids: valid })
  } else {
    const predicate = rowPredicate(scope)
    rows = predicate
      ? (await session.ops.findByIds({ ...storageScope(ctx, session), ids: valid })).filter(predicate)
      : await session.ops.findMany({
          ...storageScope(ctx, session),
          where: {
            kind: 'and',
            filters: [
              { kind: 'in', ref: { field: 'id', type: 'string' }, values: valid, negate: false },
              scope,
            ],
          },
        })
  }
  return new Map(rows.map((row) => [row['id'] as string, row]))
}

function byIdArgs(ctx: EntityContext, session: Session, id: string, fields: readonly string[] | undefined) {
  const args = { ...storageScope(ctx, session), id }
  return fields ? { ...args, fields } : args
}

async function loadScopedRow(
  ctx: EntityContext,
  session: Session,
  id: string,
  action: AccessAction,
  fields: readonly string[] | undefined,
): Promise<StorageRow | null> {
  const scope = await scopeFilter(ctx, session, action)
  if (!scope) return session.ops.findById(byIdArgs(ctx, session, id, fields))
  // A scope without `exists` is tested on the row in memory with the adapters' reference evaluator (the same
  // two-valued semantics, proven by the differential tests), so a get stays a primary-key lookup.
  const predicate = rowPredicate(scope)
  if (predicate) {
    // The caller's fields suffice when they hold every field the scope tests (an owner scope on a record read).
    const args =
      fields && scopeReads(scope, fields)
        ? byIdArgs(ctx, session, id, fields)
        : byIdArgs(ctx, session, id, undefined)
    const row = await session.ops.findById(args)
    return row && predicate(row) ? row : null
  }
  // The scope runs in SQL here, so the row only needs the caller's fields.
  const rows = await session.ops.findMany({
    ...storageScope(ctx, session),
    where: {
      kind: 'and',
      filters: [{ kind: 'compare', ref: { field: 'id', type: 'string' }, op: 'eq', value: id }, scope],
    },
    limit: 1,
    ...(fields ? { fields } : {}),
  })
  return rows[0] ?? null
}

/**
 * The row to write, inside the caller's scope for `action`: `NOT_FOUND` (the missing-id message) when the caller
 * cannot even read it, `FORBIDDEN` when they can read it but not do `action` to it.
 */
export async function loadWritableRow(
  ctx: EntityContext,
  session: Session,
  id: string,
  action: AccessAction,
): Promise<StorageRow> {
  const row = await loadRow(ctx, session, id, action)
  if (row) return row
  if (await loadRow(ctx, session, id, 'read')) throw forbidden(ctx.entity.name, action, id)
  throw new RapportError('NOT_FOUND', `No ${ctx.entity.name} with id "${id}"`, {
    details: { entity: ctx.entity.name, id },
  })
}

/**
 * Checks, inside the write's transaction, that the rows just written fall inside the caller's scope for `action`
 * (a create inside the create scope; an update's row after the change inside the update scope, so nobody hands a
 * record out of reach): otherwise `FORBIDDEN`, and the transaction rolls the write back.
 */
export async function assertWrittenInScope(
  ctx: EntityContext,
  session: Session,
  ids: readonly string[],
  action: AccessAction,
): Promise<void> {
  if (ids.length === 0) return
  const scope = await scopeFilter(ctx, session, action)
  if (!scope) return
  const rows = await session.ops.findMany({
    ...storageScope(ctx, session),
    where: {
      kind: 'and',
      filters: [{ kind: 'in', ref: { field: 'id', type: 'string' }, values: [...ids], negate: false }, scope],
    },
  })
  if (rows.length === ids.length) return
  const inside = new Set(rows.map((r) => r['id']))
  throw forbidden(ctx.entity.name, action, ids.find((id) => !inside.has(id)) as string, true)
}

function forbidden(entity: string, action: AccessAction, id: string, result = false): RapportError {
  return new RapportError(
    'FORBIDDEN',
    result
      ? `The ${action} would leave this ${entity} outside what you may ${action}`
      : `You may not ${action} this ${entity}`,
    { details: { entity, action, ...(result ? {} : { id }) } },
  )
}

/**
 * Whether a row read with `fields: ctx.entity.recordFields` is already this entity's record: the adapter returns
 * exactly the fields asked (`capabilities.exactReadFields`) and `fromRow` would only copy them in the same order.
 */
export function isExactRecord(ctx: EntityContext): boolean {
  return ctx.entity.rowIsRecord && ctx.session.runtime.storage.capabilities.exactReadFields === true
}

/**
 * A record as the session's actor may see it: hidden fields removed, masked fields masked. `inPlace` when the record
 * is this call's own (just read and decoded), so masking need not copy it.
 */
export function visibleRecord<R>(ctx: EntityContext, session: Session, record: R, inPlace = false): R {
  return projectRecord(record, accessFieldRights(session, ctx.entity.name), inPlace)
}

const predicates = new WeakMap<StorageFilter, StoragePredicate | null>()

/** The in-memory predicate of a scope, or `null` when it follows a relation (which needs the database). */
function rowPredicate(scope: StorageFilter): StoragePredicate | null {
  let predicate = predicates.get(scope)
  if (predicate === undefined) {
    predicate = hasExists(scope) ? null : compileStorageFilter(scope, { related: () => [] })
    predicates.set(scope, predicate)
  }
  return predicate
}

const scopeFields = new WeakMap<StorageFilter, WeakMap<readonly string[], boolean>>()

/** Whether every field `scope` tests is one of `fields` (cached per scope and field list: both are long-lived). */
function scopeReads(scope: StorageFilter, fields: readonly string[]): boolean {
  let byFields = scopeFields.get(scope)
  if (!byFields) scopeFields.set(scope, (byFields = new WeakMap()))
  let answer = byFields.get(fields)
  if (answer === undefined) {
    const tested = new Set<string>()
    collectFields(scope, tested)
    answer = [...tested].every((f) => fields.includes(f))
    byFields.set(fields, answer)
  }
  return answer
}

/** The top-level fields a filter without `exists` tests (a json path's column counts as its field). */
function collectFields(filter: StorageFilter, into: Set<string>): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const f of filter.filters) collectFields(f, into)
      return
    case 'not':
      collectFields(filter.filter, into)
      return
    case 'compare':
    case 'in':
    case 'text':
    case 'isNull':
      into.add(filter.ref.field)
      return
    case 'after':
      for (const o of filter.orderBy) into.add(o.ref.field)
      return
    case 'const':
      return
    default:
      // exists / count never reach here (rowPredicate refuses them); anything new reads the whole row.
      into.add('\u0000')
  }
}

/** Whether a compiled filter holds an `exists` or `count` node (which need the database to evaluate). */
export function hasExists(filter: StorageFilter): boolean {
  switch (filter.kind) {
    case 'exists':
    case 'count':
      return true
    case 'and':
    case 'or':
      return filter.filters.some(hasExists)
    case 'not':
      return hasExists(filter.filter)
    default:
      return false
  }
}
