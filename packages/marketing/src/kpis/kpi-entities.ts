import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'
import { periodUnits } from './kpi-periods.js'

/** The built-in KPI metrics (see `KpiMetric`), plus `custom`: a count or sum over any entity, optionally a ratio. */
export const kpiMetrics = [
  'repurchaseRate',
  'returningCustomerRate',
  'churnRate',
  'conversionRate',
  'averageDealSize',
  'slaBreachRate',
  'csat',
  'nps',
  'custom',
] as const

/** A KPI definition: which metric, its parameters, and the period units `kpis.tick()` computes it for. */
export const kpiDefinitionEntity = defineEntity({
  name: 'kpiDefinition',
  idPrefix: 'kpi',
  table: 'marketing_kpi',
  shape: {
    /** A stable key, e.g. `repurchase-rate`: series and alert rules refer to it. */
    key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    name: z.string().min(1).max(200),
    metric: z.enum(kpiMetrics),
    /** The metric's parameters (checked by the KPI service). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** The units `kpis.tick()` computes (default month). */
    units: z.array(z.enum(periodUnits)).min(1).max(3).default(['month']),
  },
  indexes: [{ name: 'by_key', fields: ['key'], unique: true }],
})

/**
 * One point of a KPI series: the value of one KPI over one closed period, with the previous period's value and the
 * change against it. Computing a period again replaces its point (unique per KPI, unit and start).
 */
export const kpiValueEntity = defineEntity({
  name: 'kpiValue',
  idPrefix: 'kpv',
  table: 'marketing_kpi_value',
  shape: {
    kpiKey: z.string().min(1).max(64),
    unit: z.enum(periodUnits),
    periodStart: z.date(),
    periodEnd: z.date(),
    timeZone: z.string().min(1).max(100),
    /** The KPI's value; `null` when its denominator is zero (no buyers, no closed deals…). */
    value: z.number().nullable().optional(),
    numerator: z.number(),
    denominator: z.number().nullable().optional(),
    /** The previous period's value, when stored. */
    previousValue: z.number().nullable().optional(),
    /** The relative change against the previous period (`-0.05` = down 5 %); `null` without a non-zero previous. */
    change: z.number().nullable().optional(),
    computedAt: z.date(),
  },
  indexes: [{ name: 'by_kpi_period', fields: ['kpiKey', 'unit', 'periodStart'], unique: true }],
})

/**
 * A KPI alert as registered (`kpis.alert`): stored so that it survives a restart and applies in every process. Each
 * process rebuilds its automation rule from `definition` (`kpiAlertRule`) before computing KPIs or listing alerts.
 */
export const kpiAlertEntity = defineEntity({
  name: 'kpiAlert',
  idPrefix: 'kpa',
  table: 'marketing_kpi_alert',
  shape: {
    /** The automation rule id the alert registers (unique). */
    ruleId: z.string().min(1).max(100),
    /** The KPI key it watches. */
    kpiKey: z.string().min(1).max(64),
    /** The alert's input (`KpiAlertInput`), validated when it was registered. */
    definition: z.record(z.string(), z.unknown()),
  },
  indexes: [{ name: 'by_rule', fields: ['ruleId'], unique: true }],
})
