import { accessFieldRights, checkWritableFields } from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import type { UpdatedRecord } from '../plugins/crm-plugin.js'
import { findObjectsReplacedByShapes } from '../storage/storable-value.js'
import type { StorageRow } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { hookRejected, versionConflict } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { customFieldsOf } from './entity-fields.js'
import { hookContext, normalizeInput, pluginHooks } from './entity-hooks.js'
import { checkReferences } from './entity-references.js'
import { assertWrittenInScope, loadWritableRow, scopeFilter, storageScope } from './entity-scope.js'
import { checkVersion, MAX_UNVERSIONED_RETRIES, versionGuard } from './entity-versioning.js'
import { failValidation, toIssues, validateRecord } from './record-validation.js'
import { sameValue } from './same-value.js'

/** Fields of the stored row core never changes after insert. */
const IMMUTABLE_COLUMNS = new Set(['id', 'tenantId', 'createdAt'])

/**
 * Validates a patch against the entity's update schema. Explicit nulls are kept (they clear fields); keys the caller
 * left `undefined` are dropped. A non-plain object standing in for an object field (`address: new Date()`) is
 * refused, not stored as `{}`.
 */
export function parsePatch(
  ctx: EntityContext,
  patch: Record<string, unknown>,
  prefix: (string | number)[],
): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    failValidation(ctx.entity.name, [{ path: prefix, message: 'Expected an object', code: 'invalid_type' }])
  }
  const parsed = ctx.entity.updateSchema.safeParse(normalizeInput(ctx, patch, 'update'))
  if (!parsed.success) failValidation(ctx.entity.name, toIssues(parsed.error, prefix))
  const replaced = findObjectsReplacedByShapes(patch, parsed.data, prefix)
  if (replaced.length > 0) failValidation(ctx.entity.name, replaced)
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined))
}

/**
 * Updates records inside the session's transaction, one after the other (see {@link updateRecord}), then runs each
 * plugin's `update.afterMany` once with every record that changed.
 */
export async function updateRecords(
  ctx: EntityContext,
  session: Session,
  items: readonly {
    readonly id: string
    readonly patch: Record<string, unknown>
    readonly expectedVersion: number | undefined
  }[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  const changed: UpdatedRecord[] = []
  for (const item of items) {
    out.push(await updateRecord(ctx, session, item.id, item.patch, item.expectedVersion, changed))
  }
  if (changed.length > 0) {
    const hctx = hookContext(ctx, session)
    for (const h of pluginHooks(ctx)) await h.update?.afterMany?.(changed, hctx)
  }
  return out
}

/**
 * Updates one record inside the session's transaction. With `expectedVersion`, a stale version is a conflict;
 * without it, losing a race re-reads and retries (at most {@link MAX_UNVERSIONED_RETRIES} times), so concurrent
 * updates are never lost. A patch that changes nothing writes nothing and emits nothing. A change is appended to
 * `changed` (for the `update.afterMany` hooks {@link updateRecords} runs).
 */
export async function updateRecord(
  ctx: EntityContext,
  session: Session,
  id: string,
  patch: Record<string, unknown>,
  expectedVersion: number | undefined,
  changed: UpdatedRecord[],
): Promise<Record<string, unknown>> {
  const entity = ctx.entity
  checkWritableFields(entity.name, accessFieldRights(session, entity.name), patch)
  for (let attempt = 0; ; attempt++) {
    const row = await loadWritableRow(ctx, session, id, 'update')
    const current = entity.fromRow(row)
    checkVersion(ctx, id, current, expectedVersion)
    const hctx = hookContext(ctx, session)
    let effective = patch
    for (const h of pluginHooks(ctx)) {
      const outcome = await h.update?.before?.(effective, { ...hctx, current })
      if (outcome === false) throw hookRejected(entity.name, 'update')
      if (outcome && typeof outcome === 'object') effective = parsePatch(ctx, outcome.data, [])
    }
    const next = await mergePatch(ctx, session, current, effective)
    await ctx.behaviour.prepare?.(next, session, current)
    await checkReferences(ctx, session, next, current)
    const changes = Object.keys(entity.shape).filter((k) => !sameValue(current[k], next[k]))
    if (changes.length === 0) return current
    const runtime = session.runtime
    const written = { ...next, updatedAt: runtime.clock(), version: (current['version'] as number) + 1 }
    const stored = await session.ops.updateById({
      ...storageScope(ctx, session),
      id,
      data: mutableColumns(entity.toRow(written)),
      guard: versionGuard(current['version'] as number, await scopeFilter(ctx, session, 'update')),
    })
    if (!stored) {
      if (expectedVersion !== undefined || attempt >= MAX_UNVERSIONED_RETRIES) {
        throw versionConflict(entity.name, id, expectedVersion ?? (current['version'] as number))
      }
      continue
    }
    await assertWrittenInScope(ctx, session, [id], 'update')
    const after = entity.fromRow(stored)
    await ctx.behaviour.afterWrite?.(after, session, current)
    for (const h of pluginHooks(ctx)) await h.update?.after?.(after, { ...hctx, before: current, changes })
    changed.push({ record: after, before: current, changes })
    session.queue(
      `${entity.name}.updated`,
      recordEvent(ctx, session, id, { before: current, after, changes }),
    )
    return after
  }
}

/**
 * The record after applying `patch` to `current`, validated as a whole. `custom` merges key by key (`null` removes
 * a key); `null` elsewhere clears the field.
 */
async function mergePatch(
  ctx: EntityContext,
  session: Session,
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
) {
  const entity = ctx.entity
  // Read-only fields are maintained by core and plugins; they are not input, so they are carried over unvalidated.
  const readOnly = new Set(entity.definition.readOnly ?? [])
  const domain: Record<string, unknown> = {}
  for (const key of Object.keys(entity.shape)) {
    if (!readOnly.has(key) && current[key] !== null && current[key] !== undefined) domain[key] = current[key]
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'custom' && entity.hasCustom && value !== null) {
      const merged: Record<string, unknown> = { ...((current['custom'] as Record<string, unknown>) ?? {}) }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null) delete merged[k]
        else merged[k] = v
      }
      domain['custom'] = merged
    } else if (value === null) {
      delete domain[key]
    } else {
      domain[key] = value
    }
  }
  const result = validateRecord(entity, domain, await customFieldsOf(ctx, session))
  if (result.issues.length > 0) failValidation(entity.name, result.issues)
  const next: Record<string, unknown> = {}
  for (const f of ['id', 'tenantId', 'createdAt', 'updatedAt', 'version', 'archivedAt']) next[f] = current[f]
  for (const key of Object.keys(entity.shape)) {
    next[key] = readOnly.has(key) ? (current[key] ?? null) : (result.value[key] ?? null)
  }
  return next
}

function mutableColumns(row: StorageRow): StorageRow {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !IMMUTABLE_COLUMNS.has(k)))
}
