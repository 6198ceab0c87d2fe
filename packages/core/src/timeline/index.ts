/**
 * `@rapport/core/timeline`: the 360° customer view behind `crm.timeline`: one keyset-paginated, newest-first stream
 * of everything about a contact or company (activities, tasks, deals and their stage moves, tickets, orders, and
 * what plugins contribute through `CrmPlugin.timeline`), and the customer's key figures.
 *
 * @example
 * ```ts
 * import type { TimelineSource } from '@rapport/core/timeline'
 *
 * const page = await crm.timeline.page({ type: 'contact', id: ada.id }, { kinds: ['activity', 'order'], limit: 20 })
 * const quotes: TimelineSource = {
 *   kind: 'quote',
 *   entity: 'quote',
 *   at: 'createdAt',
 *   where: (subject) => (subject.type === 'company' ? { field: 'companyId', op: 'eq', value: subject.id } : null),
 * }
 * ```
 *
 * @module
 */

export { coreTimelineSources } from './core-timeline-sources.js'
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
