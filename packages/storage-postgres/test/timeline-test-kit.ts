import type { CrmServices } from '@rapport/core'
import type { NewestKeysArgs, StorageAdapter, StorageOperations } from '@rapport/core/storage'
import type { TimelineItem, TimelineSubject } from '@rapport/core/timeline'
import { expect } from 'vitest'

/**
 * How the customer timeline found its keys, for the tests that check which path a page took: the `model:at` of every
 * keyed read (a `newestKeys` part, or a newest-first `findMany` of the scan), e.g. `recordLink:sourceAt` for the link
 * index and `activity:occurredAt` for the activity source.
 */
export type KeyReads = string[]

/** The storage, recording each keyed read into `reads`. */
export function recording(storage: StorageAdapter, reads: KeyReads): StorageAdapter {
  const wrap = <T extends StorageOperations>(ops: T): T => {
    const wrapped = { ...ops }
    wrapped.findMany = (args) => {
      const first = args.orderBy?.[0]
      if (first?.direction === 'desc' && first.ref.type === 'datetime') {
        reads.push(`${args.model.name}:${first.ref.field}`)
      }
      return ops.findMany(args)
    }
    if (ops.newestKeys) {
      const newestKeys = ops.newestKeys.bind(ops)
      wrapped.newestKeys = (args: NewestKeysArgs) => {
        for (const part of args.parts) reads.push(`${part.model.name}:${part.at}`)
        return newestKeys(args)
      }
    }
    return wrapped
  }
  return { ...wrap(storage), transaction: (fn) => storage.transaction((tx) => fn(wrap(tx))) }
}

/**
 * Every entry of a subject's activities and tasks, page by page at `limit`: a page with a next cursor is full, and
 * none is longer than `limit`.
 */
export async function readWholeTimeline(
  crm: CrmServices,
  subject: TimelineSubject,
  limit: number,
): Promise<TimelineItem[]> {
  const items: TimelineItem[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page = await crm.timeline.page(subject, { limit, cursor, kinds: ['activity', 'task'] })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    if (page.nextCursor) expect(page.items).toHaveLength(limit)
    items.push(...page.items)
    cursor = page.nextCursor
    expect(++pages).toBeLessThan(500)
  } while (cursor)
  return items
}
