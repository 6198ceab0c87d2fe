import type { EntityContext } from './entity-behaviour.js'
import { hookRejected, versionConflict } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { hookContext, pluginHooks } from './entity-hooks.js'
import { loadWritableRow, scopeFilter, storageScope } from './entity-scope.js'
import { checkVersion, versionGuard } from './entity-versioning.js'

/**
 * Deletes a record for good inside one transaction: plugin `before` hooks may veto it, the entity's behaviour
 * cleans up links, and `<entity>.deleted` is emitted after commit.
 */
export async function deleteRecord(
  ctx: EntityContext,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  await ctx.session.write(async (session) => {
    const row = await loadWritableRow(ctx, session, id, 'delete')
    const record = ctx.entity.fromRow(row)
    checkVersion(ctx, id, record, expectedVersion)
    const hctx = hookContext(ctx, session)
    for (const hooks of pluginHooks(ctx)) {
      if ((await hooks.delete?.before?.(record, hctx)) === false)
        throw hookRejected(ctx.entity.name, 'delete')
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
  })
}
