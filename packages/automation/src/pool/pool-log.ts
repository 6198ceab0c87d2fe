import type { CrmServices } from '@rapport/core'
import type { Page } from '@rapport/core/services'

/** A reclaim, warning or claim, as logged. */
export interface PoolLogEntry {
  readonly poolId: string
  readonly recordId: string
  readonly action: 'reclaim' | 'claim' | 'warn'
  readonly userId: string | null
  readonly reason: string
  readonly createdAt: Date
}

/** Which entries `engine.pools.log()` returns, and which page. */
export interface PoolLogQuery {
  /** Only the entries of this record. */
  readonly recordId?: string
  /** Page size, as for `list()` (default 100, at most 1,000). */
  readonly limit?: number
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | null
}

interface PoolLogRow extends PoolLogEntry {
  readonly id: string
}

const MODEL = 'automationPoolLog'

/** Appends an entry to a pool's log (inside the caller's transaction). */
export async function appendPoolLog(tx: CrmServices, entry: Omit<PoolLogEntry, 'createdAt'>): Promise<void> {
  await tx.entity(MODEL).create(entry)
}

function whereOf(poolId: string, recordId: string | undefined) {
  return {
    and: [
      { field: 'poolId', op: 'eq' as const, value: poolId },
      ...(recordId ? [{ field: 'recordId', op: 'eq' as const, value: recordId }] : []),
    ],
  }
}

function entryOf(row: PoolLogRow): PoolLogEntry {
  return {
    poolId: row.poolId,
    recordId: row.recordId,
    action: row.action,
    userId: row.userId,
    reason: row.reason,
    createdAt: row.createdAt,
  }
}

/**
 * One page of a pool's log, oldest first. Paged by core's keyset cursor exactly like `list()` and `engine.log()`
 * (same limit bound, same `nextCursor`/`hasMore`), so a long-lived pool's history is read in bounded pages.
 */
export async function readPoolLog(
  services: CrmServices,
  poolId: string,
  query: PoolLogQuery,
): Promise<Page<PoolLogEntry>> {
  const page = await services.entity<PoolLogRow>(MODEL).list({
    where: whereOf(poolId, query.recordId),
    orderBy: [{ field: 'createdAt', direction: 'asc' }],
    limit: query.limit ?? 100,
    cursor: query.cursor ?? null,
  })
  return { items: page.items.map(entryOf), nextCursor: page.nextCursor, hasMore: page.hasMore }
}

/** Every entry of a pool's log (oldest first), page by page through core's `iterate` (`limit` is the page size). */
export async function* iteratePoolLog(
  services: CrmServices,
  poolId: string,
  query: Omit<PoolLogQuery, 'cursor'>,
): AsyncGenerator<PoolLogEntry, void, undefined> {
  for await (const row of services.entity<PoolLogRow>(MODEL).iterate({
    where: whereOf(poolId, query.recordId),
    orderBy: [{ field: 'createdAt', direction: 'asc' }],
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
  })) {
    yield entryOf(row)
  }
}
