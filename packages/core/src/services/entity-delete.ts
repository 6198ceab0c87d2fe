import type { Session } from '../crm/session.js'
import type { ValidationIssue } from '../errors/rapport-error.js'
import { isRapportError, RapportError } from '../errors/rapport-error.js'
import type { StorageFilter } from '../storage/storage-filter.js'
import type { EntityContext } from './entity-behaviour.js'
import { hookRejected, versionConflict } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { hookContext, pluginHooks } from './entity-hooks.js'
import { loadRows, loadWritableRow, scopeFilter, storageScope } from './entity-scope.js'
import { checkVersion, parseWriteOptions, versionGuard } from './entity-versioning.js'
import type { DeleteManyItem } from './list-options.js'
import { failValidation } from './record-validation.js'

/**
 * Deletes a record for good inside one transaction: plugin `before` hooks may veto it, the entity's behaviour
 * cleans up links, and `<entity>.deleted` is emitted after commit.
 */
export async function deleteRecord(
  ctx: EntityContext,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  await ctx.session.write((session) => deleteOne(ctx, session, id, expectedVersion))
}

async function deleteOne(
  ctx: EntityContext,
  session: Session,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const row = await loadWritableRow(ctx, session, id, 'delete')
  const record = ctx.entity.fromRow(row)
  checkVersion(ctx, id, record, expectedVersion)
  const hctx = hookContext(ctx, session)
  for (const hooks of pluginHooks(ctx)) {
    if ((await hooks.delete?.before?.(record, hctx)) === false) throw hookRejected(ctx.entity.name, 'delete')
  }
  await ctx.behaviour.beforeDelete?.(record, session)
  const deleted = await session.ops.deleteById({
    ...storageScope(ctx, session),
    id,
    guard: versionGuard(record['version'] as number, await scopeFilter(ctx, session, 'delete')),
  })
  if (!deleted) throw versionConflict(ctx.entity.name, id, expectedVersion ?? (record['version'] as number))
  for (const hooks of pluginHooks(ctx)) await hooks.delete?.after?.(record, hctx)
  session.queue(`${ctx.entity.name}.deleted`, recordEvent(ctx, session, id, { record }))
}

/** Rows per delete statement of {@link deleteMany}: each row is an (id, version) pair of the statement's filter. */
const ROWS_PER_DELETE = 500

/**
 * Deletes many records in one transaction, as {@link deleteRecord} does each in order (same checks, hooks, link
 * clean-up and events, same errors), reading them with one query and deleting them with one statement per
 * {@link ROWS_PER_DELETE}, each row under the version that was read (compare-and-set, as a single delete). Every item
 * is validated first, so a bad item deletes nothing. An id named twice deletes one record at a time, in order (the
 * second is `NOT_FOUND`, as two deletes in a row).
 */
export async function deleteMany(ctx: EntityContext, items: readonly DeleteManyItem[]): Promise<void> {
  const name = ctx.entity.name
  const limits = ctx.session.runtime.limits
  if (!Array.isArray(items))
    failValidation(name, [{ path: [], message: 'Expected an array', code: 'invalid_type' }])
  if (items.length > limits.maxBatchSize) {
    throw new RapportError('PAYLOAD_TOO_LARGE', `deleteMany accepts at most ${limits.maxBatchSize} items`, {
      details: { entity: name, size: items.length, limit: limits.maxBatchSize },
    })
  }
  const issues: ValidationIssue[] = []
  const parsed = items.map((item, i) => {
    if (item === null || typeof item !== 'object' || typeof item.id !== 'string') {
      issues.push({ path: [i], message: 'Expected { id, expectedVersion? }', code: 'invalid_type' })
      return null
    }
    try {
      const options = item.expectedVersion === undefined ? {} : { expectedVersion: item.expectedVersion }
      return { id: item.id, expectedVersion: parseWriteOptions(ctx, options).expectedVersion }
    } catch (error) {
      if (isRapportError(error, 'VALIDATION_FAILED'))
        issues.push(...error.issues.map((x) => ({ ...x, path: [i, ...x.path] })))
      else throw error
      return null
    }
  })
  if (issues.length > 0) failValidation(name, issues)
  const valid = parsed as { id: string; expectedVersion: number | undefined }[]
  if (valid.length === 0) return
  await ctx.session.write(async (session) => {
    if (valid.length === 1 || new Set(valid.map((i) => i.id)).size !== valid.length) {
      for (const item of valid) await deleteOne(ctx, session, item.id, item.expectedVersion)
      return
    }
    await deleteBatch(ctx, session, valid)
  })
}

async function deleteBatch(
  ctx: EntityContext,
  session: Session,
  items: readonly { id: string; expectedVersion: number | undefined }[],
): Promise<void> {
  const name = ctx.entity.name
  const rows = await loadRows(
    ctx,
    session,
    items.map((i) => i.id),
    'delete',
  )
  const hctx = hookContext(ctx, session)
  const records: Record<string, unknown>[] = []
  for (const item of items) {
    // Not found (or out of scope): the one-at-a-time read, which throws NOT_FOUND or FORBIDDEN.
    const row = rows.get(item.id) ?? (await loadWritableRow(ctx, session, item.id, 'delete'))
    const record = ctx.entity.fromRow(row)
    checkVersion(ctx, item.id, record, item.expectedVersion)
    for (const hooks of pluginHooks(ctx)) {
      if ((await hooks.delete?.before?.(record, hctx)) === false) throw hookRejected(name, 'delete')
    }
    await ctx.behaviour.beforeDelete?.(record, session)
    records.push(record)
  }
  const scope = await scopeFilter(ctx, session, 'delete')
  let deleted = 0
  for (let i = 0; i < records.length; i += ROWS_PER_DELETE) {
    const rowsOf: StorageFilter = {
      kind: 'or',
      filters: records.slice(i, i + ROWS_PER_DELETE).map((record) => ({
        kind: 'and',
        filters: [
          { kind: 'compare', ref: { field: 'id', type: 'string' }, op: 'eq', value: record['id'] as string },
          versionGuard(record['version'] as number, null),
        ],
      })),
    }
    deleted += await session.ops.deleteMany({
      ...storageScope(ctx, session),
      where: scope ? { kind: 'and', filters: [rowsOf, scope] } : rowsOf,
    })
  }
  if (deleted !== records.length) {
    // Lost a race since the read: the first record still there was changed meanwhile.
    const left = await session.ops.findByIds({ ...storageScope(ctx, session), ids: items.map((i) => i.id) })
    const index = Math.max(
      0,
      items.findIndex((item) => left.some((row) => row['id'] === item.id)),
    )
    const item = items[index]!
    throw versionConflict(name, item.id, item.expectedVersion ?? (records[index]!['version'] as number))
  }
  for (const record of records) {
    for (const hooks of pluginHooks(ctx)) await hooks.delete?.after?.(record, hctx)
    session.queue(`${name}.deleted`, recordEvent(ctx, session, record['id'] as string, { record }))
  }
}
