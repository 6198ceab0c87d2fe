import { isRapportError } from '../errors/rapport-error.js'
import type { Filter } from '../filter/filter-types.js'
import type { AggregateGroup, AggregateOptions } from '../services/aggregate-options.js'
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

/** Money totals by currency from aggregate groups keyed by `amount.currency` (groups without a currency skipped). */
function byCurrency(
  groups: readonly AggregateGroup[],
  value: (group: AggregateGroup) => number,
): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const group of groups) {
    const currency = group.key['amount.currency']
    if (typeof currency === 'string') add(totals, currency, value(group))
  }
  return totals
}

/**
 * Runs `aggregate`, or its count-only fallback when the reader may not see the summed money field
 * (`FIELD_FORBIDDEN`): the records still count, their amounts are outside the reader's access.
 */
async function aggregateOrCount(
  service: Pick<CrmServices['deals'], 'aggregate'>,
  options: AggregateOptions,
): Promise<readonly AggregateGroup[]> {
  try {
    return (await service.aggregate(options)).groups
  } catch (error) {
    if (!isRapportError(error, 'FIELD_FORBIDDEN')) throw error
    const counted = await service.aggregate({
      where: options.where as Filter,
      measures: { count: { count: true } },
    })
    return counted.groups.map((g) => ({ key: {}, values: g.values }))
  }
}

/**
 * Open deals, their value and weighted value, grouped in the database by currency and probability (a handful of
 * groups): weighted = Σ over groups of sum × probability / 100, which equals Σ amount × probability / 100 per deal.
 */
async function openDealTotals(crm: CrmServices, where: Filter) {
  const groups = await aggregateOrCount(crm.deals, {
    where,
    groupBy: ['amount.currency', 'probability'],
    measures: { count: { count: true }, value: { sum: 'amount.amountMinor' } },
  })
  const weighted = byCurrency(
    groups,
    (g) => ((g.values['value'] ?? 0) * Number(g.key['probability'] ?? 0)) / 100,
  )
  for (const c of Object.keys(weighted)) weighted[c] = Math.round(weighted[c] as number)
  return {
    count: groups.reduce((n, g) => n + (g.values['count'] ?? 0), 0),
    value: byCurrency(groups, (g) => g.values['value'] ?? 0) as MoneyTotals,
    weighted: weighted as MoneyTotals,
  }
}

/** Completed orders and their revenue by currency, summed in the database. */
async function revenueTotals(crm: CrmServices, where: Filter) {
  const groups = await aggregateOrCount(crm.orders, {
    where,
    groupBy: ['amount.currency'],
    measures: { count: { count: true }, value: { sum: 'amount.amountMinor' } },
  })
  return {
    count: groups.reduce((n, g) => n + (g.values['count'] ?? 0), 0),
    totals: byCurrency(groups, (g) => g.values['value'] ?? 0) as MoneyTotals,
  }
}

/**
 * The key figures of a subject, read through the services (so over what the reader may see): open deals and their
 * weighted value, lifetime revenue, last contact, next task, open tickets and an optional health score. Money is
 * summed by the database (core's `aggregate`, pushed down on SQL adapters); the rest are single-row or count queries.
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
    openDealTotals(crm, openDealsWhere),
    revenueTotals(crm, ordersWhere),
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
