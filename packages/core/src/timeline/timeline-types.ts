import type { Filter } from '../filter/filter-types.js'

/** Whose story a timeline tells: a contact (person) or a company (account). */
export interface TimelineSubject {
  readonly type: 'contact' | 'company'
  readonly id: string
}

/**
 * One source of timeline entries: the records of `entity` that concern a subject, dated by `at`. Core declares its
 * own sources this way (activities, tasks, deals, stage moves, tickets, orders) and plugins add theirs through
 * `CrmPlugin.timeline` (audit field changes, automation runs, quotes, contracts, payments): a host's plugin can do
 * exactly what ours do.
 *
 * Entries are read through the entity's service, so the reader's access applies as on every list: records outside
 * it are simply absent, masked fields stay masked.
 *
 * @example
 * ```ts
 * const calls: TimelineSource = {
 *   kind: 'callRecording',
 *   entity: 'callRecording', // an entity your plugin declares
 *   at: 'recordedAt',
 *   where: (subject) =>
 *     subject.type === 'contact' ? { field: 'contactId', op: 'eq', value: subject.id } : null,
 * }
 * ```
 */
export interface TimelineSource {
  /** The entry kind shown to readers and used by `kinds` filters, e.g. `quote`; unique across sources. */
  readonly kind: string
  /** The entity whose records are the entries. */
  readonly entity: string
  /** A non-null datetime field of the entity that dates an entry (`occurredAt`, `createdAt`). */
  readonly at: string
  /**
   * The filter selecting the entries of a subject, in the public filter language, or `null` when this source has
   * nothing for subjects of that type.
   */
  where(subject: TimelineSubject): Filter | null
}

/** One entry of a timeline. */
export interface TimelineItem<R = Record<string, unknown>> {
  /** The source's kind, e.g. `activity`, `stageChange`, `order`, `fieldChange`. */
  readonly kind: string
  /** The entity of `record`. */
  readonly entity: string
  /** The record's id (prefixed, so unique across kinds). */
  readonly id: string
  /** When it happened: the value of the source's `at` field. */
  readonly at: Date
  /** The record as the reader may see it. */
  readonly record: R
}

/** Options of `crm.timeline.page`. */
export interface TimelineOptions {
  /** Only these kinds (default: every kind that has entries for the subject's type). */
  readonly kinds?: readonly string[]
  /** Entries per page (default: the CRM's default page size; at most its maximum page size). */
  readonly limit?: number
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | null
}

/** One page of a timeline, newest first. */
export interface TimelinePage {
  readonly items: TimelineItem[]
  /** Resumes after the last item; `null` on the last page. */
  readonly nextCursor: string | null
  readonly hasMore: boolean
}

/** A sum of money per currency, in minor units. */
export type MoneyTotals = Readonly<Record<string, number>>

/** The key figures of a customer, computed over what the reader may see. */
export interface TimelineFigures {
  /** Open deals (not closed) of the subject. */
  readonly openDeals: number
  /** Sum of their amounts per currency, in minor units. */
  readonly openDealValue: MoneyTotals
  /** Sum of `amount × probability / 100` per currency, rounded to whole minor units. */
  readonly weightedDealValue: MoneyTotals
  /** Sum of completed orders per currency, in minor units. */
  readonly lifetimeRevenue: MoneyTotals
  /** Number of completed orders. */
  readonly completedOrders: number
  /** The newest activity that has happened (`occurredAt` ≤ now), or `null`. */
  readonly lastContactAt: Date | null
  /** The open task due soonest, or `null`. */
  readonly nextTask: { readonly id: string; readonly title: string; readonly dueAt: Date } | null
  /** Open tickets of the subject. */
  readonly openTickets: number
  /** What `healthScore` returned, or `null` without one. */
  readonly healthScore: number | null
}

/**
 * Turns the other figures into a health score (0–100), e.g. a scorer built with `createHealthScorer` from
 * `@rapport/analytics` (its result's `score` is taken).
 */
export type TimelineHealthScorer = (
  figures: Omit<TimelineFigures, 'healthScore'>,
) => number | { readonly score: number } | null

/** Options of `crm.timeline.figures`. */
export interface TimelineFiguresOptions {
  /** Computes `healthScore`; without it `healthScore` is `null`. */
  readonly healthScore?: TimelineHealthScorer
}

/**
 * The 360° customer view: everything about a contact or company in one call, newest first, and its key figures.
 *
 * @example
 * ```ts
 * const first = await crm.timeline.page({ type: 'contact', id: ada.id }, { limit: 20 })
 * for (const item of first.items) console.log(item.at, item.kind, item.id)
 * const next = await crm.timeline.page({ type: 'contact', id: ada.id }, { limit: 20, cursor: first.nextCursor })
 * const figures = await crm.timeline.figures({ type: 'company', id: acme.id })
 * ```
 */
export interface TimelineService {
  /**
   * One page of the subject's timeline, newest first (by `at`, then id), over every source or only `kinds`. Reads
   * a bounded number of statements per page (one for the keys over every source, one per kind on the page), whatever
   * the page size or the length of the history; each entry appears once. `NOT_FOUND` when the subject does not exist or
   * is outside the reader's access; `VALIDATION_FAILED` for an unknown kind or a bad limit; `INVALID_CURSOR` for
   * a cursor that is not one of ours.
   */
  page(subject: TimelineSubject, options?: TimelineOptions): Promise<TimelinePage>
  /** The key figures of the subject; `NOT_FOUND` as for `page`. */
  figures(subject: TimelineSubject, options?: TimelineFiguresOptions): Promise<TimelineFigures>
  /** The kinds available for subjects of this type, core's and plugins'. */
  kinds(type: TimelineSubject['type']): string[]
}
