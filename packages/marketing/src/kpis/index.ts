/**
 * KPIs and metric alerts: definitions (repurchase rate, churn rate, conversion rate, average deal size, SLA breach
 * rate, CSAT, NPS, and custom counts, sums and ratios over any entity), computed per day, ISO week or month in the
 * tenant's time zone, in the database through core's `count` and `aggregate`, and stored as a series. Each stored
 * point queues `kpi.computed`; alerts are `@rapport/automation` rules triggered by it, with the threshold (absolute,
 * or a relative change against the previous period) as a condition on the payload. Alerts are stored, so they
 * survive a restart and apply in every process sharing the storage.
 *
 * @example
 * ```ts
 * const kpis = crm.plugins.marketing.kpis
 * await kpis.define({ key: 'repurchase-rate', name: 'Repurchase rate', metric: 'repurchaseRate' })
 * await kpis.alert({
 *   id: 'repurchase-drop', kpi: 'repurchase-rate', unit: 'month', when: { dropsBy: 0.05 },
 *   actions: [{ type: 'createTask', title: 'Repurchase rate fell to {{record.value}}' }],
 * })
 * await kpis.tick() // computes last month; a fall of more than 5 % creates the task
 * ```
 *
 * @module
 */
export {
  KPI_ALERT_EVENT,
  KPI_COMPUTED_EVENT,
  type KpiAlertInput,
  type KpiAlertRule,
  type KpiThreshold,
  kpiAlertRule,
} from './kpi-alerts.js'
export { kpiAlertEntity, kpiDefinitionEntity, kpiMetrics, kpiValueEntity } from './kpi-entities.js'
export type {
  CustomKpiParams,
  KpiMeasure,
  KpiMeasurement,
  KpiMetric,
  KpiParams,
} from './kpi-metrics.js'
export {
  closedPeriod,
  type KpiPeriod,
  lastClosedPeriod,
  type PeriodUnit,
  periodContaining,
  periodUnits,
  shiftPeriod,
} from './kpi-periods.js'
export type {
  KpiAutomationPort,
  KpiComputedEvent,
  KpiDefinition,
  KpiDefinitionInput,
  KpiPoint,
  KpiService,
} from './kpi-service.js'
