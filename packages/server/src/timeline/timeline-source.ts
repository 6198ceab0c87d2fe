import type { CrmServices } from '@rapport/core'

/** One entry of a record's timeline. */
export interface TimelineItem {
  /** When it happened. */
  readonly at: Date
  /** What kind of entry: `activity`, `task`, `stageChange`, or a source's own kinds. */
  readonly kind: string
  /** The id of the underlying record (activity, task, stage change, …). */
  readonly id: string
  /** One line for lists. */
  readonly summary: string
  /** The underlying record. */
  readonly record: Record<string, unknown>
}

/** What a timeline source is asked for. */
export interface TimelineQuery {
  /** `contact`, `company`, `deal`, `lead`, `ticket`, or a plugin entity. */
  readonly entity: string
  readonly id: string
  /** Only entries strictly before this instant (for the next page). */
  readonly before?: Date
  /** At most this many entries. */
  readonly limit: number
}

/**
 * A source of timeline entries for records. The server merges every source's newest entries, newest first. The
 * marketing module will contribute email events and campaign touches this way.
 *
 * @example
 * ```ts
 * const calls: TimelineSource = {
 *   name: 'phone-system',
 *   entities: ['contact'],
 *   async items(crm, { id, limit }) {
 *     return (await myPbx.callsOf(id, limit)).map((call) => ({ at: call.at, kind: 'call', id: call.id,
 *       summary: `Call, ${call.minutes} min`, record: call }))
 *   },
 * }
 * ```
 */
export interface TimelineSource {
  readonly name: string
  /** Entities it has entries for (default: all). */
  readonly entities?: readonly string[]
  items(crm: CrmServices, query: TimelineQuery): Promise<readonly TimelineItem[]>
}
