import { accessFieldRights, unreadableFields } from '../access/session-access.js'
import type { Session } from '../crm/session.js'
import { isRapportError } from '../errors/rapport-error.js'
import type { Filter } from '../filter/filter-types.js'
import type { EntityContext } from '../services/entity-behaviour.js'
import { readFilters, storageScope, visibleRecord } from '../services/entity-scope.js'
import type { NewestKey } from '../storage/storage-adapter.js'
import type { StorageFilter, StorageRow } from '../storage/storage-filter.js'
import type { TimelineItem, TimelineSource } from './timeline-types.js'

/** A source to read, with its filter for this subject and page (cursor included). */
export interface TimelineRead {
  readonly source: TimelineSource
  readonly where: Filter
}

/** What a merged read found: the page's entries and whether more keys follow. */
export interface MergedPage {
  readonly items: TimelineItem[]
  /** The last key of the page (the cursor position), even when its row was dropped meanwhile. */
  readonly last: NewestKey | null
  readonly hasMore: boolean
}

interface Part {
  readonly read: TimelineRead
  readonly ctx: EntityContext
  readonly filters: StorageFilter[]
  /** The same without the source's where: archived rows out and the reader's scope (for fetching rows by id). */
  readonly rowFilters: StorageFilter[]
}

/**
 * A timeline page through the storage's `newestKeys`: one statement finds the page's keys over every source, then
 * one `findMany` per kind present on the page fetches its rows by id (primary key). The rows are fetched with the
 * reader's scope again and archived rows out, so a row archived or moved out of reach in between is dropped, never
 * shown; the source's own where is not re-run (on SQLite it made the planner walk the subject's links again instead
 * of the ids: 114 lookups instead of 20 at 750k activities). Masks apply as on every list. A source whose date or filter names a field the reader may not
 * see is absent, as on the per-source path. `null` when the storage has no `newestKeys` (the caller then reads each
 * source with its service).
 *
 * @internal
 */
export async function readMergedPage(
  session: Session,
  reads: readonly TimelineRead[],
  limit: number,
): Promise<MergedPage | null> {
  return session.read(async (ops) => {
    if (!ops.newestKeys) return null
    const parts: Part[] = []
    for (const read of reads) {
      const ctx: EntityContext = {
        session,
        entity: session.runtime.schema.entity(read.source.entity),
        behaviour: {},
      }
      const rights = accessFieldRights(session, ctx.entity.name)
      if (unreadableFields(rights, [read.source.at]).length > 0) continue
      try {
        parts.push({
          read,
          ctx,
          filters: await readFilters(ctx, session, read.where, false),
          rowFilters: await readFilters(ctx, session, undefined, false),
        })
      } catch (error) {
        if (isRapportError(error, 'FIELD_FORBIDDEN')) continue
        throw error
      }
    }
    if (parts.length === 0) return { items: [], last: null, hasMore: false }
    const keys = await ops.newestKeys({
      tenantId: session.tenantId,
      schema: session.runtime.schema.storage,
      parts: parts.map((p) => ({
        model: p.ctx.entity.model,
        where: { kind: 'and', filters: p.filters },
        at: p.read.source.at,
      })),
      limit: limit + 1,
    })
    const page = keys.slice(0, limit)
    const rows = new Map<string, StorageRow>()
    const byPart = new Map<number, string[]>()
    for (const key of page) byPart.set(key.part, [...(byPart.get(key.part) ?? []), key.id])
    for (const [index, ids] of byPart) {
      const part = parts[index] as Part
      const found = await ops.findMany({
        ...storageScope(part.ctx, session),
        where: {
          kind: 'and',
          filters: [
            { kind: 'in', ref: { field: 'id', type: 'string' }, values: ids, negate: false },
            ...part.rowFilters,
          ],
        },
      })
      for (const row of found) rows.set(`${index} ${String(row['id'])}`, row)
    }
    const items: TimelineItem[] = []
    for (const key of page) {
      const row = rows.get(`${key.part} ${key.id}`)
      if (!row) continue
      const part = parts[key.part] as Part
      const record = visibleRecord(part.ctx, session, part.ctx.entity.fromRow(row)) as Record<string, unknown>
      items.push({
        kind: part.read.source.kind,
        entity: part.read.source.entity,
        id: key.id,
        at: key.at,
        record,
      })
    }
    return { items, last: page.at(-1) ?? null, hasMore: keys.length > limit }
  })
}
