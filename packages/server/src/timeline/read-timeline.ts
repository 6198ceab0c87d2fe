import type { CrmServices } from '@rapport/core'
import type { TimelineItem, TimelineSource } from './timeline-source.js'

/** One page of a record's timeline. */
export interface TimelinePage {
  readonly data: readonly (TimelineItem & { readonly source: string })[]
  /** Pass as `before` for the next page; `null` on the last one. */
  readonly nextBefore: string | null
}

/**
 * Merges every applicable source's entries about one record, newest first. Checks first that the record exists and
 * is visible to the caller (`NOT_FOUND` otherwise).
 *
 * @example
 * ```ts
 * const page = await readTimeline(crm, builtInTimelineSources, { entity: 'contact', id, limit: 20 })
 * ```
 */
export async function readTimeline(
  crm: CrmServices,
  sources: readonly TimelineSource[],
  query: { readonly entity: string; readonly id: string; readonly limit: number; readonly before?: Date },
): Promise<TimelinePage> {
  await crm.entity(query.entity).get(query.id)
  const limit = Math.max(1, Math.min(query.limit, 200))
  const q = {
    entity: query.entity,
    id: query.id,
    limit: limit + 1,
    ...(query.before ? { before: query.before } : {}),
  }
  const all: (TimelineItem & { source: string })[] = []
  for (const source of sources) {
    if (source.entities && !source.entities.includes(query.entity)) continue
    for (const item of await source.items(crm, q)) all.push({ ...item, source: source.name })
  }
  all.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
  const data = all.slice(0, limit)
  return { data, nextBefore: all.length > limit ? data[data.length - 1]!.at.toISOString() : null }
}
