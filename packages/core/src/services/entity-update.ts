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
import { assertWrittenInScope, loadRows, loadWritableRow, scopeFilter, storageScope } from './entity-scope.js'
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

/** One item of {@link updateRecords}. */
interface UpdateItem {
  readonly id: string
  readonly patch: Record<string, unknown>
  readonly expectedVersion: number | undefined
}

/**
 * Updates records inside the session's transaction, then runs each plugin's `update.afterMany` once with every record
 * that changed. When the storage has `updateByIds` (and the ids are distinct), the batch reads its rows in one
 * `findByIds` and writes them in one `updateByIds`: every item is checked in order first (access, version, `before`
 * hooks, validation, references), so the first bad item throws what it throws one at a time and nothing is written;
 * then each written record's `after` hooks and event follow in order. A row that lost a race (its version moved) is
 * a conflict with `expectedVersion`, else it is updated again on its own like {@link updateRecord} retries. Without
 * `updateByIds`, one {@link updateRecord} after the other.
 */
export async function updateRecords(
  ctx: EntityContext,
  session: Session,
  items: readonly UpdateItem[],
): Promise<Record<string, unknown>[]> {
  const changed: UpdatedRecord[] = []
  const out =
    session.ops.updateByIds && items.length > 1 && new Set(items.map((i) => i.id)).size === items.length
      ? await updateBatch(ctx, session, items, changed)
      : await updateOneByOne(ctx, session, items, changed)
  if (changed.length > 0) {
    const hctx = hookContext(ctx, session)
    for (const h of pluginHooks(ctx)) await h.update?.afterMany?.(changed, hctx)
  }
  return out
}

async function updateOneByOne(
  ctx: EntityContext,
  session: Session,
  items: readonly UpdateItem[],
  changed: UpdatedRecord[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  for (const item of items) {
    out.push(await updateRecord(ctx, session, item.id, item.patch, item.expectedVersion, changed))
  }
  return out
}

/** An item checked and merged, waiting for the batch's write. */
interface PendingWrite {
  readonly index: number
  readonly item: UpdateItem
  readonly current: Record<string, unknown>
  readonly changes: string[]
  readonly data: StorageRow
}

async function updateBatch(
  ctx: EntityContext,
  session: Session,
  items: readonly UpdateItem[],
  changed: UpdatedRecord[],
): Promise<Record<string, unknown>[]> {
  const entity = ctx.entity
  const rights = accessFieldRights(session, entity.name)
  const rows = await loadRows(
    ctx,
    session,
    items.map((i) => i.id),
    'update',
  )
  const out = new Array<Record<string, unknown>>(items.length)
  const pending: PendingWrite[] = []
  const hctx = hookContext(ctx, session)
  for (const [index, item] of items.entries()) {
    checkWritableFields(entity.name, rights, item.patch)
    // Not found (or out of scope): the one-at-a-time read, which throws NOT_FOUND or FORBIDDEN.
    const row = rows.get(item.id) ?? (await loadWritableRow(ctx, session, item.id, 'update'))
    const current = entity.fromRow(row)
    checkVersion(ctx, item.id, current, item.expectedVersion)
    const { next, changes } = await nextRecord(ctx, session, hctx, current, item.patch)
    if (changes.length === 0) {
      out[index] = current
      continue
    }
    const written = {
      ...next,
      updatedAt: session.runtime.clock(),
      version: (current['version'] as number) + 1,
    }
    pending.push({ index, item, current, changes, data: mutableColumns(entity.toRow(written)) })
  }
  if (pending.length === 0) return out
  const guard = await scopeFilter(ctx, session, 'update')
  const stored = new Map<string, StorageRow>()
  // Rows giving the same columns go in one call (core's rows always do; the grouping only keeps the port's rule).
  const groups = new Map<string, PendingWrite[]>()
  for (const p of pending) {
    const key = Object.keys(p.data).join('\u0000')
    let group = groups.get(key)
    if (!group) groups.set(key, (group = []))
    group.push(p)
  }
  for (const group of groups.values()) {
    const updated = await session.ops.updateByIds!({
      ...storageScope(ctx, session),
      rows: group.map((p) => ({
        id: p.item.id,
        data: p.data,
        match: { version: p.current['version'] as number },
      })),
      ...(guard ? { guard } : {}),
    })
    for (const row of updated) stored.set(row['id'] as string, row)
  }
  await assertWrittenInScope(ctx, session, [...stored.keys()], 'update')
  for (const p of pending) {
    const row = stored.get(p.item.id)
    if (!row) {
      // Lost a race since the read: a conflict when the caller named a version, else updated again on its own.
      if (p.item.expectedVersion !== undefined) {
        throw versionConflict(entity.name, p.item.id, p.item.expectedVersion)
      }
      out[p.index] = await updateRecord(ctx, session, p.item.id, p.item.patch, undefined, changed)
      continue
    }
    const after = entity.fromRow(row)
    await ctx.behaviour.afterWrite?.(after, session, p.current)
    for (const h of pluginHooks(ctx)) {
      await h.update?.after?.(after, { ...hctx, before: p.current, changes: p.changes })
    }
    changed.push({ record: after, before: p.current, changes: p.changes })
    session.queue(
      `${entity.name}.updated`,
      recordEvent(ctx, session, p.item.id, { before: p.current, after, changes: p.changes }),
    )
    out[p.index] = after
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
    const { next, changes } = await nextRecord(ctx, session, hctx, current, patch)
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
 * What an update makes of `current`: the plugins' `before` hooks (which may refuse or rewrite the patch), the merge,
 * the behaviour's `prepare` and the reference checks, and the fields that changed. Writes nothing.
 */
async function nextRecord(
  ctx: EntityContext,
  session: Session,
  hctx: ReturnType<typeof hookContext>,
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Promise<{ next: Record<string, unknown>; changes: string[] }> {
  let effective = patch
  for (const h of pluginHooks(ctx)) {
    const outcome = await h.update?.before?.(effective, { ...hctx, current })
    if (outcome === false) throw hookRejected(ctx.entity.name, 'update')
    if (outcome && typeof outcome === 'object') effective = parsePatch(ctx, outcome.data, [])
  }
  const next = await mergePatch(ctx, session, current, effective)
  await ctx.behaviour.prepare?.(next, session, current)
  await checkReferences(ctx, session, next, current)
  return { next, changes: Object.keys(ctx.entity.shape).filter((k) => !sameValue(current[k], next[k])) }
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
