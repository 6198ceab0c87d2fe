import type { CrmServices } from '@rapport/core'
import type { KpiAlertInput, KpiAlertRule } from './kpi-alerts.js'
import { kpiAlertRule } from './kpi-alerts.js'

/** Where alerts are registered: `@rapport/automation`'s engine (`() => crm.plugins.automation`). */
export interface KpiAutomationPort {
  register(rule: KpiAlertRule): void
  /** Removes a rule (an alert removed in this or another process). */
  unregister?(ruleId: string): void
  /** The registered rules, for listing the KPI alerts among them. */
  rules?(): readonly { readonly id: string; readonly entity: string; readonly trigger: unknown }[]
}

/** A stored alert row. */
interface StoredAlert {
  readonly id: string
  readonly ruleId: string
  readonly kpiKey: string
  readonly definition: KpiAlertInput
}

/**
 * The alerts each engine got from the store, by rule id with the definition it was built from: a later sync then
 * re-registers an alert changed elsewhere and drops one removed elsewhere, and leaves rules it did not add alone.
 */
const loadedBy = new WeakMap<KpiAutomationPort, Map<string, string>>()

function loadedOf(engine: KpiAutomationPort): Map<string, string> {
  let loaded = loadedBy.get(engine)
  if (!loaded) {
    loaded = new Map()
    loadedBy.set(engine, loaded)
  }
  return loaded
}

/** The stored alerts, by rule id. */
export async function storedAlerts(crm: CrmServices): Promise<StoredAlert[]> {
  const all: StoredAlert[] = []
  for await (const row of crm
    .entity<StoredAlert>('kpiAlert')
    .iterate({ orderBy: [{ field: 'ruleId', direction: 'asc' }] }))
    all.push(row)
  return all
}

/** Notes that this engine holds the rule of a stored alert (registered by `kpis.alert` in this process). */
export function markLoaded(engine: KpiAutomationPort, input: KpiAlertInput): void {
  loadedOf(engine).set(input.id, JSON.stringify(input))
}

/** Forgets a removed alert's rule in this engine. */
export function dropLoaded(engine: KpiAutomationPort, ruleId: string): void {
  const loaded = loadedOf(engine)
  if (loaded.delete(ruleId)) engine.unregister?.(ruleId)
}

/**
 * Brings the engine's KPI alert rules in step with the store: registers stored alerts it lacks, re-registers those
 * changed since it loaded them, and unregisters those it loaded that are no longer stored. A rule the host
 * registered itself under the same id is left alone, and so is a stored alert the engine now refuses (its rule
 * stays out; `kpis.alerts()` does not list it), so computing KPIs never fails on one bad alert.
 */
export async function syncAlerts(crm: CrmServices, engine: KpiAutomationPort): Promise<void> {
  const stored = await storedAlerts(crm)
  const loaded = loadedOf(engine)
  const registered = new Set((engine.rules?.() ?? []).map((r) => r.id))
  const current = new Set<string>()
  for (const { ruleId, definition } of stored) {
    current.add(ruleId)
    const json = JSON.stringify(definition)
    const mine = loaded.get(ruleId)
    if (registered.has(ruleId) && (mine === undefined || mine === json)) continue
    try {
      const rule = kpiAlertRule(definition)
      if (registered.has(ruleId)) engine.unregister?.(ruleId)
      engine.register(rule)
      loaded.set(ruleId, json)
    } catch {
      loaded.delete(ruleId)
    }
  }
  for (const ruleId of [...loaded.keys()]) {
    if (!current.has(ruleId)) dropLoaded(engine, ruleId)
  }
}
