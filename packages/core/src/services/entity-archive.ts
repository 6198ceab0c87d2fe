import type { EntityContext } from './entity-behaviour.js'
import { versionConflict } from './entity-errors.js'
import { recordEvent } from './entity-events.js'
import { loadWritableRow, scopeFilter, storageScope } from './entity-scope.js'
import { checkVersion, versionGuard } from './entity-versioning.js'

/**
 * Archives (soft-deletes) or restores a record and emits `<entity>.archived` / `<entity>.restored`. A record already
 * in the asked state is returned as is, with no write and no event.
 */
export async function archiveState(
  ctx: EntityContext,
  id: string,
  archived: boolean,
  expectedVersion: number | undefined,
): Promise<Record<string, unknown>> {
  return ctx.session.write(async (session) => {
    const row = await loadWritableRow(ctx, session, id, 'update')
    const current = ctx.entity.fromRow(row)
    checkVersion(ctx, id, current, expectedVersion)
    if ((current['archivedAt'] !== null) === archived) return current
    const now = session.runtime.clock()
    const stored = await session.ops.updateById({
      ...storageScope(ctx, session),
      id,
      data: {
        archivedAt: archived ? now : null,
        updatedAt: now,
        version: (current['version'] as number) + 1,
      },
      guard: versionGuard(current['version'] as number, await scopeFilter(ctx, session, 'update')),
    })
    if (!stored) throw versionConflict(ctx.entity.name, id, expectedVersion ?? (current['version'] as number))
    const record = ctx.entity.fromRow(stored)
    session.queue(
      `${ctx.entity.name}.${archived ? 'archived' : 'restored'}`,
      recordEvent(ctx, session, id, { record }),
    )
    return record
  })
}
