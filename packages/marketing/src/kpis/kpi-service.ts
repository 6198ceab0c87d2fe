import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import * as z from 'zod'
import { marketingError } from '../marketing-error.js'
import type { KpiAutomationPort } from './kpi-alert-store.js'
import { dropLoaded, markLoaded, syncAlerts } from './kpi-alert-store.js'
import type { KpiAlertInput, KpiAlertRule } from './kpi-alerts.js'
import { KPI_COMPUTED_EVENT, kpiAlertRule } from './kpi-alerts.js'
import { kpiMetrics } from './kpi-entities.js'
import type { KpiMetric, KpiParams } from './kpi-metrics.js'
import { checkKpiParams, measureKpi } from './kpi-metrics.js'
import type { KpiPeriod, PeriodUnit } from './kpi-periods.js'
import { closedPeriod, lastClosedPeriod, periodUnits, shiftPeriod } from './kpi-periods.js'

/** A stored KPI definition. */
export interface KpiDefinition {
  readonly id: string
  readonly key: string
  readonly name: string
  readonly metric: KpiMetric
  readonly params: Readonly<Record<string, unknown>>
  readonly units: readonly PeriodUnit[]
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** Input of `kpis.define()`: a metric and its parameters. */
export type KpiDefinitionInput = {
  [M in KpiMetric]: {
    readonly key: string
    readonly name: string
    readonly metric: M
    readonly params?: KpiParams[M]
    /** The units `kpis.tick()` computes (default `['month']`). */
    readonly units?: readonly PeriodUnit[]
  }
}[KpiMetric]

/** One point of a KPI series. */
export interface KpiPoint {
  readonly id: string
  readonly kpiKey: string
  readonly unit: PeriodUnit
  readonly periodStart: Date
  readonly periodEnd: Date
  readonly timeZone: string
  readonly value: number | null
  readonly numerator: number
  readonly denominator: number | null
  readonly previousValue: number | null
  /** `(value − previous) / |previous|`; `null` without both values or with a zero previous. */
  readonly change: number | null
  readonly computedAt: Date
}

/** The payload of `kpi.computed` (what alert conditions read as `body.*`). */
export interface KpiComputedEvent {
  readonly entity: 'kpiValue'
  readonly recordId: string
  readonly kpi: string
  readonly metric: KpiMetric
  readonly unit: PeriodUnit
  readonly periodStart: string
  readonly periodEnd: string
  readonly value: number | null
  readonly previousValue: number | null
  readonly change: number | null
  /** `kpi:<key>:<unit>:<periodStart>`: one alert per rule and period. */
  readonly idempotencyKey: string
}

export type { KpiAutomationPort } from './kpi-alert-store.js'

/** KPIs, as `crm.plugins.marketing.kpis`. */
export interface KpiService {
  /** Stores a KPI definition; malformed parameters, a custom KPI that cannot be computed or a taken key are `MARKETING_INVALID_KPI`. */
  define(input: KpiDefinitionInput): Promise<KpiDefinition>
  /** The definition with this key; `MARKETING_INVALID_KPI` when there is none. */
  get(key: string): Promise<KpiDefinition>
  list(): Promise<KpiDefinition[]>
  /**
   * Computes a KPI over one closed period (default: the last one over on the clock), stores it as a point of its
   * series (replacing an earlier computation of that period) and queues `kpi.computed` in the same transaction.
   *
   * @throws `MARKETING_INVALID_KPI` for an unknown key; `MARKETING_INVALID_PERIOD` for an unknown unit, a start off a
   *   period boundary in the tenant's time zone, or a period not over yet. Nothing is written.
   */
  compute(key: string, options: { readonly unit: PeriodUnit; readonly start?: Date }): Promise<KpiPoint>
  /** For every definition and unit: computes the last closed period when it is not stored yet. Run it on a schedule. */
  tick(): Promise<KpiPoint[]>
  /** The stored points of a KPI and unit, oldest first. */
  series(
    key: string,
    options: { readonly unit: PeriodUnit; readonly from?: Date; readonly to?: Date },
  ): Promise<KpiPoint[]>
  /**
   * Registers an alert as an automation rule (see `kpiAlertRule`) and stores it, so it survives a restart and
   * applies in every process sharing the storage. `MARKETING_INVALID_KPI` for an unknown KPI, a malformed alert or an
   * id taken (here or in another process); nothing is stored then.
   */
  alert(input: KpiAlertInput): Promise<KpiAlertRule>
  /** The KPI alerts registered with automation (of one KPI when `kpi` is given), by rule id, stored ones included. */
  alerts(kpi?: string): Promise<KpiAlertRule[]>
  /**
   * Removes a stored alert and its rule; other processes drop it at their next sync (`load`, `compute`, `tick`).
   * `MARKETING_INVALID_KPI` when no alert has this id.
   */
  removeAlert(id: string): Promise<void>
  /**
   * Registers the stored alerts with this process's automation engine (and drops those removed elsewhere). `compute`,
   * `tick`, `alert` and `alerts` do it first; call it at boot in a process that runs automation jobs without
   * computing KPIs.
   */
  load(): Promise<void>
}

const definitionSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'Expected a key like `repurchase-rate`'),
  name: z.string().min(1).max(200),
  metric: z.enum(kpiMetrics),
  params: z.unknown().optional(),
  units: z.array(z.enum(periodUnits)).min(1).max(3).optional(),
})

/** The KPI key an alert rule watches (its `body.kpi` condition). */
function alertKpiOf(rule: KpiAlertRule): unknown {
  const parts = (rule.conditions as { and?: readonly { field?: unknown; value?: unknown }[] }).and ?? []
  return parts.find((part) => part.field === 'body.kpi')?.value
}

/** A stored point with its nullable fields as `null` (storage may leave them out). */
function pointOf(row: KpiPoint): KpiPoint {
  return {
    ...row,
    value: row.value ?? null,
    denominator: row.denominator ?? null,
    previousValue: row.previousValue ?? null,
    change: row.change ?? null,
  }
}

/** @internal */
export function createKpiService(
  services: () => CrmServices,
  options: {
    readonly clock: () => Date
    readonly timeZone: string
    readonly automation?: (() => KpiAutomationPort | undefined) | undefined
  },
): KpiService {
  const definitions = () => services().entity<KpiDefinition>('kpiDefinition')
  const points = () => services().entity<KpiPoint>('kpiValue')
  const alertRows = () => services().entity<{ id: string }>('kpiAlert')
  const { clock, timeZone } = options

  async function load(): Promise<void> {
    const engine = options.automation?.()
    if (engine) await syncAlerts(services(), engine)
  }

  async function get(key: string): Promise<KpiDefinition> {
    const found =
      typeof key === 'string'
        ? (await definitions().list({ where: { field: 'key', op: 'eq', value: key }, limit: 1 })).items[0]
        : undefined
    if (!found) throw marketingError('MARKETING_INVALID_KPI', `No KPI "${String(key)}"`, { kpi: key })
    return found
  }

  async function stored(
    key: string,
    period: KpiPeriod,
    crm: CrmServices = services(),
  ): Promise<KpiPoint | undefined> {
    const page = await crm.entity<KpiPoint>('kpiValue').list({
      where: {
        and: [
          { field: 'kpiKey', op: 'eq', value: key },
          { field: 'unit', op: 'eq', value: period.unit },
          { field: 'periodStart', op: 'eq', value: period.start },
        ],
      },
      limit: 1,
    })
    return page.items[0] && pointOf(page.items[0])
  }

  async function computePeriod(def: KpiDefinition, period: KpiPeriod): Promise<KpiPoint> {
    const crm = services()
    const measured = await measureKpi(crm, def.metric, def.params, period)
    const previousPeriod = shiftPeriod(period, -1)
    const previous =
      (await stored(def.key, previousPeriod))?.value ??
      (await measureKpi(crm, def.metric, def.params, previousPeriod)).value
    const change =
      previous === null || previous === 0 || measured.value === null
        ? null
        : (measured.value - previous) / Math.abs(previous)
    const row = {
      kpiKey: def.key,
      unit: period.unit,
      periodStart: period.start,
      periodEnd: period.end,
      timeZone: period.timeZone,
      value: measured.value,
      numerator: measured.numerator,
      denominator: measured.denominator,
      previousValue: previous,
      change,
      computedAt: clock(),
    }
    return crm.transaction(async (tx) => {
      const existing = await stored(def.key, period, tx)
      const point = pointOf(
        existing
          ? await tx.entity<KpiPoint>('kpiValue').update(existing.id, row)
          : await tx.entity<KpiPoint>('kpiValue').create(row),
      )
      const event: KpiComputedEvent = {
        entity: 'kpiValue',
        recordId: point.id,
        kpi: def.key,
        metric: def.metric,
        unit: period.unit,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
        value: point.value,
        previousValue: point.previousValue,
        change: point.change,
        idempotencyKey: `kpi:${def.key}:${period.unit}:${period.start.toISOString()}`,
      }
      tx.emit(KPI_COMPUTED_EVENT, event)
      return point
    })
  }

  return {
    async define(input) {
      const parsed = definitionSchema.safeParse(input)
      if (!parsed.success) {
        throw marketingError('MARKETING_INVALID_KPI', 'Invalid KPI definition', {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        })
      }
      const def = parsed.data
      const taken = await definitions().count({ where: { field: 'key', op: 'eq', value: def.key } })
      if (taken > 0)
        throw marketingError('MARKETING_INVALID_KPI', `A KPI "${def.key}" exists`, { kpi: def.key })
      const params = await checkKpiParams(
        services(),
        def.metric,
        def.params,
        lastClosedPeriod('day', clock(), timeZone),
      )
      try {
        return await definitions().create({
          key: def.key,
          name: def.name,
          metric: def.metric,
          params,
          ...(def.units ? { units: [...new Set(def.units)] } : {}),
        })
      } catch (error) {
        if (isRapportError(error, 'UNIQUE_VIOLATION'))
          throw marketingError('MARKETING_INVALID_KPI', `A KPI "${def.key}" exists`, { kpi: def.key })
        throw error
      }
    },
    get,
    async list() {
      const all: KpiDefinition[] = []
      for await (const d of definitions().iterate({ orderBy: [{ field: 'key', direction: 'asc' }] }))
        all.push(d)
      return all
    },
    async compute(key, opts) {
      const def = await get(key)
      await load()
      const unit = opts?.unit
      const now = clock()
      const period =
        opts?.start === undefined
          ? lastClosedPeriod(unit, now, timeZone)
          : closedPeriod(unit, opts.start, timeZone, now)
      return computePeriod(def, period)
    },
    async tick() {
      await load()
      const done: KpiPoint[] = []
      const now = clock()
      for await (const def of definitions().iterate()) {
        for (const unit of def.units) {
          const period = lastClosedPeriod(unit, now, timeZone)
          if (!(await stored(def.key, period))) done.push(await computePeriod(def, period))
        }
      }
      return done
    },
    async series(key, opts) {
      await get(key)
      const unit = opts?.unit
      lastClosedPeriod(unit, clock(), timeZone) // MARKETING_INVALID_PERIOD for an unknown unit
      const out: KpiPoint[] = []
      for await (const p of points().iterate({
        where: {
          and: [
            { field: 'kpiKey', op: 'eq', value: key },
            { field: 'unit', op: 'eq', value: unit },
            ...(opts.from ? [{ field: 'periodStart', op: 'gte' as const, value: opts.from }] : []),
            ...(opts.to ? [{ field: 'periodStart', op: 'lt' as const, value: opts.to }] : []),
          ],
        },
        orderBy: [{ field: 'periodStart', direction: 'asc' }],
      }))
        out.push(pointOf(p))
      return out
    },
    async alerts(kpi) {
      await load()
      const rules = options.automation?.()?.rules?.() ?? []
      return rules
        .filter((rule): rule is KpiAlertRule => {
          const trigger = rule.trigger as { type?: unknown; event?: unknown } | null
          return (
            rule.entity === 'kpiValue' && trigger?.type === 'event' && trigger.event === KPI_COMPUTED_EVENT
          )
        })
        .filter((rule) => kpi === undefined || alertKpiOf(rule) === kpi)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    },
    async alert(input) {
      const rule = kpiAlertRule(input)
      await get(input.kpi)
      const engine = options.automation?.()
      if (!engine) {
        throw marketingError(
          'MARKETING_INVALID_KPI',
          'KPI alerts run on @rapport/automation: pass marketingPlugin({ automation: () => crm.plugins.automation })',
        )
      }
      // The alerts stored by other processes first, so that a taken id is refused here too.
      await syncAlerts(services(), engine)
      try {
        engine.register(rule)
      } catch (error) {
        if (
          isRapportError(error, 'AUTOMATION_INVALID_RULE') ||
          isRapportError(error, 'AUTOMATION_DUPLICATE_RULE')
        ) {
          throw marketingError('MARKETING_INVALID_KPI', `Invalid KPI alert: ${error.message}`, {
            cause: error.code,
            ...error.details,
          })
        }
        throw error
      }
      try {
        await alertRows().create({ ruleId: rule.id, kpiKey: input.kpi, definition: { ...input } })
      } catch (error) {
        engine.unregister?.(rule.id)
        if (isRapportError(error, 'UNIQUE_VIOLATION')) {
          throw marketingError('MARKETING_INVALID_KPI', `A KPI alert "${rule.id}" exists`, { alert: rule.id })
        }
        throw error
      }
      markLoaded(engine, input)
      return rule
    },
    async removeAlert(id) {
      const found =
        typeof id === 'string'
          ? (await alertRows().list({ where: { field: 'ruleId', op: 'eq', value: id }, limit: 1 })).items[0]
          : undefined
      if (!found) throw marketingError('MARKETING_INVALID_KPI', `No KPI alert "${String(id)}"`, { alert: id })
      await alertRows().delete(found.id)
      const engine = options.automation?.()
      if (engine) dropLoaded(engine, id)
    },
    load,
  }
}
