/**
 * `@rapport/core/timeline`: the 360° customer view behind `crm.timeline`: one keyset-paginated, newest-first stream
 * of everything about a contact or company (activities, tasks, deals and their stage moves, tickets, orders, and
 * what plugins contribute through `CrmPlugin.timeline`), and the customer's key figures.
 *
 * @example
 * ```ts
 * import { partySource, type TimelineSource } from '@rapport/core/timeline'
 *
 * const page = await crm.timeline.page({ type: 'contact', id: ada.id }, { kinds: ['activity', 'order'], limit: 20 })
 * // A plugin's source: a company's timeline gets the company's quotes and its people's.
 * const quotes: TimelineSource = partySource({
 *   kind: 'quote',
 *   entity: 'quote',
 *   at: 'createdAt',
 *   party: { contact: { field: 'contactId', relation: 'contact' }, company: { field: 'companyId' } },
 * })
 * ```
 *
 * @module
 */

export { coreTimelineSources } from './core-timeline-sources.js'
export type { LinkDatesBackfillOptions, LinkDatesBackfillReport } from './link-dates-backfill.js'
export type { TimelineParty } from './timeline-party.js'
export { partyFilter, partySource } from './timeline-party.js'
export type {
  MoneyTotals,
  TimelineFigures,
  TimelineFiguresOptions,
  TimelineHealthScorer,
  TimelineItem,
  TimelineOptions,
  TimelinePage,
  TimelineService,
  TimelineSource,
  TimelineSubject,
} from './timeline-types.js'
