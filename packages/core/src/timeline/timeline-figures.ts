import type { Filter } from '../filter/filter-types.js'
import type { CrmServices } from '../types/crm-services.js'
import { coreTimelineSources } from './core-timeline-sources.js'
import type {
  MoneyTotals,
  TimelineFigures,
  TimelineFiguresOptions,
  TimelineSubject,
} from './timeline-types.js'

function whereOf(kind: string, subject: TimelineSubject): Filter {
  const source = coreTimelineSources.find((s) => s.kind === kind)
  return source?.where(subject) ?? { or: [] }
}

function add(totals: Record<string, number>, currency: string, minor: number): void {
  totals[currency] = (totals[currency] ?? 0) + minor
}

interface Money {
  readonly amountMinor: number
  readonly currency: string
}

/**
 * The key figures of a subject, read through the services (so over what the reader may see): open deals and their
 * weighted value, lifetime revenue, last contact, next task, open tickets and an optional health score. Deals and
 * orders of the one subject are streamed page by page; the rest are single-row or count queries.
 *
 * @internal
 */
export async function timelineFigures(
  crm: CrmServices,
  subject: TimelineSubject,
  now: Date,
  options: TimelineFiguresOptions,
): Promise<TimelineFigures> {
  const openDealsWhere: Filter = {
    and: [whereOf('deal', subject), { field: 'closedAt', op: 'isNull', value: true }],
  }
  const ordersWhere: Filter = {
    and: [whereOf('order', subject), { field: 'status', op: 'eq', value: 'completed' }],
  }
  const [deals, revenue, lastContact, nextTask, openTickets] = await Promise.all([
    (async () => {
      let count = 0
      const value: Record<string, number> = {}
      const weighted: Record<string, number> = {}
      for await (const deal of crm.deals.iterate({ where: openDealsWhere })) {
        count++
        const amount = deal.amount as Money | null | undefined
        if (!amount) continue
        add(value, amount.currency, amount.amountMinor)
        add(weighted, amount.currency, (amount.amountMinor * (deal.probability ?? 0)) / 100)
      }
      for (const c of Object.keys(weighted)) weighted[c] = Math.round(weighted[c] as number)
      return { count, value: value as MoneyTotals, weighted: weighted as MoneyTotals }
    })(),
    (async () => {
      let count = 0
      const totals: Record<string, number> = {}
      for await (const order of crm.orders.iterate({ where: ordersWhere })) {
        count++
        const amount = order.amount as Money
        add(totals, amount.currency, amount.amountMinor)
      }
      return { count, totals: totals as MoneyTotals }
    })(),
    crm.activities.list({
      where: { and: [whereOf('activity', subject), { field: 'occurredAt', op: 'lte', value: now }] },
      orderBy: [{ field: 'occurredAt', direction: 'desc' }],
      limit: 1,
    }),
    crm.tasks.list({
      where: {
        and: [
          whereOf('task', subject),
          { field: 'status', op: 'in', value: ['open', 'in_progress'] },
          { field: 'dueAt', op: 'isNull', value: false },
        ],
      },
      orderBy: [{ field: 'dueAt', direction: 'asc' }],
      limit: 1,
    }),
    crm.tickets.count({
      where: { and: [whereOf('ticket', subject), { field: 'closedAt', op: 'isNull', value: true }] },
    }),
  ])
  const task = nextTask.items[0]
  const figures: Omit<TimelineFigures, 'healthScore'> = {
    openDeals: deals.count,
    openDealValue: deals.value,
    weightedDealValue: deals.weighted,
    lifetimeRevenue: revenue.totals,
    completedOrders: revenue.count,
    lastContactAt: lastContact.items[0]?.occurredAt ?? null,
    nextTask: task ? { id: task.id, title: task.title, dueAt: task.dueAt as Date } : null,
    openTickets,
  }
  const scored = options.healthScore ? options.healthScore(figures) : null
  const healthScore = scored === null ? null : typeof scored === 'number' ? scored : scored.score
  return { ...figures, healthScore }
}
