import type { Filter } from '@rapport/core/filter'
import * as z from 'zod'
import { marketingError } from '../marketing-error.js'
import type { PeriodUnit } from './kpi-periods.js'
import { periodUnits } from './kpi-periods.js'

/** The event `kpis.compute()` queues with every stored point; alert rules are triggered by it. */
export const KPI_COMPUTED_EVENT = 'kpi.computed'

/** The event an alert emits when it has no actions of its own. */
export const KPI_ALERT_EVENT = 'kpi.alert'

/**
 * When an alert fires, on a newly computed point:
 * - `below` / `above`: the value is under / over an absolute threshold;
 * - `dropsBy` / `risesBy`: the relative change against the previous period is a fall / rise of more than this
 *   fraction (`{ dropsBy: 0.05 }`: "down more than 5 %"). A period without a non-zero previous value never fires a
 *   relative alert.
 */
export type KpiThreshold =
  | { readonly below: number }
  | { readonly above: number }
  | { readonly dropsBy: number }
  | { readonly risesBy: number }

/** An alert on a KPI, run by `@rapport/automation` as a rule triggered by `kpi.computed`. */
export interface KpiAlertInput {
  /** The automation rule id (lowercase letters, digits, `-`, `_`, `.`). */
  readonly id: string
  readonly name?: string
  /** The KPI key. */
  readonly kpi: string
  /** Only points of this unit (default: every unit). */
  readonly unit?: PeriodUnit
  readonly when: KpiThreshold
  /**
   * Automation actions run on the point (`kpiValue` record: `{{record.value}}`, `{{record.change}}` in templates):
   * `createTask`, `webhook`, `emitEvent`, … Default: emit `kpi.alert` on the engine's events.
   */
  readonly actions?: readonly Readonly<Record<string, unknown>>[]
}

/** What an alert compiles to: an automation rule (`AutomationRule` of `@rapport/automation`). */
export interface KpiAlertRule {
  readonly id: string
  readonly name: string
  readonly entity: 'kpiValue'
  readonly trigger: { readonly type: 'event'; readonly event: typeof KPI_COMPUTED_EVENT }
  readonly conditions: Filter
  readonly actions: readonly Readonly<Record<string, unknown>>[]
}

const fraction = z.number().positive().max(100)
const thresholdSchema = z.union([
  z.strictObject({ below: z.number().finite() }),
  z.strictObject({ above: z.number().finite() }),
  z.strictObject({ dropsBy: fraction }),
  z.strictObject({ risesBy: fraction }),
])
const alertSchema = z.strictObject({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(300).optional(),
  kpi: z.string().min(1).max(64),
  unit: z.enum(periodUnits).optional(),
  when: thresholdSchema,
  actions: z.array(z.record(z.string(), z.unknown())).min(1).max(100).optional(),
})

function thresholdFilter(when: KpiThreshold): Filter {
  if ('below' in when) return { field: 'body.value', op: 'lt', value: when.below }
  if ('above' in when) return { field: 'body.value', op: 'gt', value: when.above }
  if ('dropsBy' in when) return { field: 'body.change', op: 'lt', value: -when.dropsBy }
  return { field: 'body.change', op: 'gt', value: when.risesBy }
}

/**
 * Builds the automation rule of a KPI alert: triggered by `kpi.computed` for this KPI (and unit), with the threshold
 * as a condition on the event payload in core's filter language, so automation evaluates it like any rule (and
 * `engine.test` explains it). The payload's idempotency key is the KPI period, so an alert fires at most once per
 * period even when the period is computed again.
 *
 * @throws `MARKETING_INVALID_KPI` for a malformed alert (no threshold, two thresholds, a negative drop…).
 *
 * @example
 * ```ts
 * kpiAlertRule({ id: 'repurchase-drop', kpi: 'repurchase-rate', unit: 'month', when: { dropsBy: 0.05 } })
 * // conditions: body.kpi = 'repurchase-rate' ∧ body.unit = 'month' ∧ body.change < -0.05
 * ```
 */
export function kpiAlertRule(input: KpiAlertInput): KpiAlertRule {
  const parsed = alertSchema.safeParse(input)
  if (!parsed.success) {
    throw marketingError('MARKETING_INVALID_KPI', 'Invalid KPI alert', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    })
  }
  const alert = parsed.data as KpiAlertInput
  return {
    id: alert.id,
    name: alert.name ?? `KPI alert: ${alert.kpi}`,
    entity: 'kpiValue',
    trigger: { type: 'event', event: KPI_COMPUTED_EVENT },
    conditions: {
      and: [
        { field: 'body.kpi', op: 'eq', value: alert.kpi },
        ...(alert.unit ? [{ field: 'body.unit', op: 'eq' as const, value: alert.unit }] : []),
        thresholdFilter(alert.when),
      ],
    },
    actions: alert.actions ?? [
      { type: 'emitEvent', event: KPI_ALERT_EVENT, data: { kpi: alert.kpi, alert: alert.id } },
    ],
  }
}
