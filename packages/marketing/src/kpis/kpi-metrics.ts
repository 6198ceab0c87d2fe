import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { Filter } from '@rapport/core/filter'
import * as z from 'zod'
import { marketingError } from '../marketing-error.js'
import type { kpiMetrics } from './kpi-entities.js'
import type { KpiPeriod } from './kpi-periods.js'
import { shiftPeriod } from './kpi-periods.js'

// What each KPI measures, as counts and sums pushed down to the database through core's `count` and `aggregate`
// (one query per count: SQL COUNT/SUM with the `exists` joins core compiles). Nothing is summed in JS but the final
// division.

/** One of the KPI metrics. */
export type KpiMetric = (typeof kpiMetrics)[number]

/** A measure of a custom KPI: how many records, or the sum of an integer field (`amount.amountMinor`). */
export type KpiMeasure = 'count' | { readonly sum: string }

/** The parameters of a `custom` KPI: `measure(where)` over `entity`, divided by `denominator`'s when given. */
export interface CustomKpiParams {
  /** The entity counted, e.g. `order`, `lead`, or a plugin entity. */
  readonly entity: string
  /** The date or datetime field that places a record in a period, e.g. `occurredAt`, `createdAt`. */
  readonly dateField: string
  /** Which records count (core's filter language); default all. */
  readonly where?: Filter
  /** Default `count`. */
  readonly measure?: KpiMeasure
  /** When given, the KPI is the ratio numerator / denominator, over the same entity and period. */
  readonly denominator?: { readonly where?: Filter; readonly measure?: KpiMeasure }
}

/** The parameters of each metric. */
export interface KpiParams {
  /**
   * The e-commerce repurchase rate: customers with at least two completed orders in the period, over customers with
   * at least one.
   */
  readonly repurchaseRate: { readonly customerType?: 'contact' | 'company' }
  /** Returning buyers: customers who bought in the period and had bought before it, over the period's buyers. */
  readonly returningCustomerRate: { readonly customerType?: 'contact' | 'company' }
  /** Customers who bought in the previous period and not in this one, over the previous period's buyers. */
  readonly churnRate: { readonly customerType?: 'contact' | 'company' }
  /** Deals closed won in the period over deals closed (won or lost) in it. */
  readonly conversionRate: { readonly pipelineId?: string }
  /** Won amount over won deals closed in the period, in minor units of one currency. */
  readonly averageDealSize: { readonly currency: string; readonly pipelineId?: string }
  /** Tickets closed in the period with an SLA policy that breached a target, over those tickets. */
  readonly slaBreachRate: Record<string, never>
  /** CSAT responses of the period scoring 4 or 5, over all CSAT responses of the period. */
  readonly csat: Record<string, never>
  /** NPS of the period's responses: (promoters − detractors) / responses × 100. */
  readonly nps: Record<string, never>
  readonly custom: CustomKpiParams
}

/** A measured period: the value and what it was computed from. */
export interface KpiMeasurement {
  readonly numerator: number
  /** `null` for KPIs that are not ratios (a custom count or sum). */
  readonly denominator: number | null
  /** `null` when the denominator is zero. */
  readonly value: number | null
}

const measureSchema = z.union([z.literal('count'), z.strictObject({ sum: z.string().min(1).max(200) })])
const customerType = z.strictObject({ customerType: z.enum(['contact', 'company']).optional() })
const nothing = z.strictObject({})
const filterSchema = z.custom<Filter>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'Expected a filter object',
})

/** The zod schema of each metric's parameters. */
export const paramSchemas: Record<KpiMetric, z.ZodType> = {
  repurchaseRate: customerType,
  returningCustomerRate: customerType,
  churnRate: customerType,
  conversionRate: z.strictObject({ pipelineId: z.string().min(1).max(100).optional() }),
  averageDealSize: z.strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 code such as EUR'),
    pipelineId: z.string().min(1).max(100).optional(),
  }),
  slaBreachRate: nothing,
  csat: nothing,
  nps: nothing,
  custom: z.strictObject({
    entity: z.string().min(1).max(100),
    dateField: z.string().min(1).max(200),
    where: filterSchema.optional(),
    measure: measureSchema.optional(),
    denominator: z
      .strictObject({ where: filterSchema.optional(), measure: measureSchema.optional() })
      .optional(),
  }),
}

const within = (field: string, p: KpiPeriod): Filter[] => [
  { field, op: 'gte', value: p.start },
  { field, op: 'lt', value: p.end },
]
const completed: Filter = { field: 'status', op: 'eq', value: 'completed' }
const completedIn = (p: KpiPeriod): Filter => ({ and: [completed, ...within('occurredAt', p)] })
const boughtIn = (p: KpiPeriod): Filter => ({ exists: 'orders', where: completedIn(p) })
/** `stageId in ids`, or a filter nothing matches when there are none (core refuses an empty `in`). */
const stageIn = (ids: readonly string[]): Filter =>
  ids.length > 0
    ? { field: 'stageId', op: 'in', value: [...ids] }
    : { field: 'id', op: 'isNull', value: true }
const ratio = (numerator: number, denominator: number): KpiMeasurement => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
})

/** One aggregate split by a bucket filter: [records matching it, all records]. */
async function split(
  crm: CrmServices,
  entity: string,
  where: Filter,
  bucket: Filter,
): Promise<[number, number]> {
  const result = await crm.entity(entity).aggregate({
    where,
    groupBy: [{ name: 'hit', cases: [bucket] }],
    measures: { n: { count: true } },
  })
  let hit = 0
  let all = 0
  for (const g of result.groups) {
    const n = g.values['n'] ?? 0
    all += n
    if (g.key['hit'] === 0) hit += n
  }
  return [hit, all]
}

async function wonStageIds(crm: CrmServices, pipelineId: string | undefined): Promise<string[]> {
  const ids: string[] = []
  for await (const p of crm.pipelines.iterate({
    where: {
      and: [
        { field: 'entityType', op: 'eq', value: 'deal' },
        ...(pipelineId ? [{ field: 'id', op: 'eq' as const, value: pipelineId }] : []),
      ],
    },
  })) {
    for (const s of p.stages) if (s.kind === 'won') ids.push(s.id as string)
  }
  return ids
}

async function measureOf(
  crm: CrmServices,
  entity: string,
  where: Filter,
  measure: KpiMeasure = 'count',
): Promise<number> {
  if (measure === 'count') return crm.entity(entity).count({ where })
  const result = await crm.entity(entity).aggregate({ where, measures: { s: { sum: measure.sum } } })
  return result.groups[0]?.values['s'] ?? 0
}

/**
 * How many `entity` records match `where`, as an aggregate: it reads every record, so SQL adapters answer a `count`
 * filter by grouping the related rows once (`… in (select … group by … having count(*) >= n)`) instead of probing
 * them per record, as a page does.
 */
async function countAll(crm: CrmServices, entity: string, where: Filter): Promise<number> {
  const result = await crm.entity(entity).aggregate({ where, measures: { n: { count: true } } })
  return result.groups[0]?.values['n'] ?? 0
}

/**
 * Measures one KPI over one period, in the database.
 *
 * @internal
 */
export async function measureKpi(
  crm: CrmServices,
  metric: KpiMetric,
  params: Record<string, unknown>,
  period: KpiPeriod,
): Promise<KpiMeasurement> {
  switch (metric) {
    case 'repurchaseRate': {
      const customers = (params['customerType'] as string | undefined) ?? 'contact'
      const [repeat, all] = await Promise.all([
        countAll(crm, customers, { count: 'orders', where: completedIn(period), op: 'gte', value: 2 }),
        countAll(crm, customers, { count: 'orders', where: completedIn(period), op: 'gte', value: 1 }),
      ])
      return ratio(repeat, all)
    }
    case 'returningCustomerRate': {
      const customers = crm.entity((params['customerType'] as string | undefined) ?? 'contact')
      const buyers = boughtIn(period)
      const before: Filter = {
        exists: 'orders',
        where: { and: [completed, { field: 'occurredAt', op: 'lt', value: period.start }] },
      }
      const [returning, all] = await Promise.all([
        customers.count({ where: { and: [buyers, before] } }),
        customers.count({ where: buyers }),
      ])
      return ratio(returning, all)
    }
    case 'churnRate': {
      const customers = crm.entity((params['customerType'] as string | undefined) ?? 'contact')
      const previous = boughtIn(shiftPeriod(period, -1))
      const [lost, all] = await Promise.all([
        customers.count({ where: { and: [previous, { not: boughtIn(period) }] } }),
        customers.count({ where: previous }),
      ])
      return ratio(lost, all)
    }
    case 'conversionRate': {
      const won = await wonStageIds(crm, params['pipelineId'] as string | undefined)
      const pipeline = params['pipelineId']
        ? [{ field: 'pipelineId', op: 'eq' as const, value: params['pipelineId'] as string }]
        : []
      const [hit, all] = await split(
        crm,
        'deal',
        { and: [...within('closedAt', period), ...pipeline] },
        stageIn(won),
      )
      return ratio(hit, all)
    }
    case 'averageDealSize': {
      const won = await wonStageIds(crm, params['pipelineId'] as string | undefined)
      const result = await crm.entity('deal').aggregate({
        where: {
          and: [
            ...within('closedAt', period),
            stageIn(won),
            { field: 'amount.currency', op: 'eq', value: params['currency'] as string },
          ],
        },
        measures: { n: { count: true }, s: { sum: 'amount.amountMinor' } },
      })
      const values = result.groups[0]?.values ?? {}
      return ratio(values['s'] ?? 0, values['n'] ?? 0)
    }
    case 'slaBreachRate': {
      const [hit, all] = await split(
        crm,
        'ticket',
        { and: [...within('closedAt', period), { field: 'slaPolicyId', op: 'isNull', value: false }] },
        {
          or: [
            { field: 'firstResponseBreachedAt', op: 'isNull', value: false },
            { field: 'resolutionBreachedAt', op: 'isNull', value: false },
          ],
        },
      )
      return ratio(hit, all)
    }
    case 'csat': {
      const where: Filter = {
        and: [{ field: 'kind', op: 'eq', value: 'csat' }, ...within('respondedAt', period)],
      }
      const [satisfied, all] = await split(crm, 'surveyResponse', where, {
        field: 'score',
        op: 'gte',
        value: 4,
      })
      return ratio(satisfied, all)
    }
    case 'nps': {
      const where: Filter = {
        and: [{ field: 'kind', op: 'eq', value: 'nps' }, ...within('respondedAt', period)],
      }
      const [promoters, all] = await split(crm, 'surveyResponse', where, {
        field: 'score',
        op: 'gte',
        value: 9,
      })
      const [detractors] = await split(crm, 'surveyResponse', where, { field: 'score', op: 'lte', value: 6 })
      const net = promoters - detractors
      return { numerator: net, denominator: all, value: all === 0 ? null : (net / all) * 100 }
    }
    case 'custom': {
      const p = params as unknown as CustomKpiParams
      const inPeriod = within(p.dateField, period)
      const numerator = await measureOf(
        crm,
        p.entity,
        { and: [...inPeriod, ...(p.where ? [p.where] : [])] },
        p.measure,
      )
      if (!p.denominator) return { numerator, denominator: null, value: numerator }
      const denominator = await measureOf(
        crm,
        p.entity,
        { and: [...inPeriod, ...(p.denominator.where ? [p.denominator.where] : [])] },
        p.denominator.measure,
      )
      return ratio(numerator, denominator)
    }
  }
}

/**
 * Checks a metric's parameters, and for a custom KPI its entity, date field, filters and measures against the CRM
 * (by measuring an empty period, which runs every query the KPI will run). Any problem is `MARKETING_INVALID_KPI`.
 *
 * @internal
 */
export async function checkKpiParams(
  crm: CrmServices,
  metric: KpiMetric,
  params: unknown,
  probe: KpiPeriod,
): Promise<Record<string, unknown>> {
  const parsed = paramSchemas[metric].safeParse(params ?? {})
  if (!parsed.success) {
    throw marketingError('MARKETING_INVALID_KPI', `Invalid parameters for the ${metric} KPI`, {
      issues: parsed.error.issues.map((i) => ({
        path: ['params', ...i.path.map(String)],
        message: i.message,
      })),
    })
  }
  const value = parsed.data as Record<string, unknown>
  if (metric === 'custom') {
    try {
      await measureKpi(crm, metric, value, probe)
    } catch (error) {
      if (isRapportError(error) && error.code !== 'STORAGE_ERROR') {
        throw marketingError('MARKETING_INVALID_KPI', `The custom KPI cannot be computed: ${error.message}`, {
          cause: error.code,
          ...error.details,
        })
      }
      throw error
    }
  }
  return value
}
