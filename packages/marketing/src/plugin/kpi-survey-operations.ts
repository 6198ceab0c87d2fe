import type { CrmServices } from '@rapport/core'
import type { CrmOperation } from '@rapport/core/plugin'
import { defineOperation } from '@rapport/core/plugin'
import * as z from 'zod'
import { kpiMetrics } from '../kpis/kpi-entities.js'
import { periodUnits } from '../kpis/kpi-periods.js'
import type { KpiDefinitionInput, KpiService } from '../kpis/kpi-service.js'
import { surveyChannels, surveyKinds } from '../surveys/survey-entities.js'
import type { SurveyService } from '../surveys/survey-service.js'

const key = z.string().min(1).max(64).describe('The KPI key, e.g. `repurchase-rate`')
const unit = z.enum(periodUnits).describe('The period unit')
const instant = z.iso.datetime({ offset: true })
// Kept as ISO strings in the schema (faces may check an input more than once, so no transform) and read by `dateOf`.
const optionalDate = (description: string) => instant.optional().describe(description)
const dateOf = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso))

/** Builds the KPI and survey services on the caller's scoped CRM, so operations run under its access policy. */
export interface KpiSurveyServicesOf {
  kpis(crm: CrmServices): KpiService
  surveys(crm: CrmServices): SurveyService
}

/**
 * KPIs and survey responses as operations for the outside faces (REST routes under `/plugins/marketing/…`, MCP tools
 * `marketing_*`). Reads: KPI definitions, series and alerts, survey responses; writes (opt-in on MCP): defining and
 * computing a KPI, registering an alert, recording a response. Every input is checked by the services, so a bad
 * KPI, period or score is the same typed error on every face, and writes nothing.
 *
 * @internal
 */
export function kpiSurveyOperations(services: KpiSurveyServicesOf): Readonly<Record<string, CrmOperation>> {
  return {
    defineKpi: defineOperation({
      description:
        'Stores a KPI definition (metric, parameters, period units); a taken key is MARKETING_INVALID_KPI',
      effect: 'write',
      input: z.strictObject({
        key,
        name: z.string().min(1).max(200),
        metric: z.enum(kpiMetrics).describe('What the KPI measures'),
        params: z.record(z.string(), z.unknown()).optional().describe('The metric’s parameters'),
        units: z.array(unit).min(1).max(3).optional().describe('Units kpis.tick() computes (default month)'),
      }),
      // The service checks the parameters against the metric (MARKETING_INVALID_KPI otherwise).
      run: (input, { crm }) => services.kpis(crm).define(input as KpiDefinitionInput),
    }),
    listKpis: defineOperation({
      description: 'Every KPI definition',
      effect: 'read',
      input: z.strictObject({}),
      run: async (_input, { crm }) => ({ data: await services.kpis(crm).list() }),
    }),
    computeKpi: defineOperation({
      description:
        'Computes a KPI over one closed period in the database and stores it as a point of its series (default: the last closed period)',
      effect: 'write',
      input: z.strictObject({
        key,
        unit,
        start: optionalDate('The period’s start, on a boundary in the tenant’s time zone'),
      }),
      run: ({ key: kpi, unit: u, start }, { crm }) =>
        services.kpis(crm).compute(kpi, { unit: u, ...(start ? { start: dateOf(start)! } : {}) }),
    }),
    kpiSeries: defineOperation({
      description:
        'The stored points of a KPI and unit, oldest first, with the change against the previous period',
      effect: 'read',
      input: z.strictObject({
        key,
        unit,
        from: optionalDate('Only periods starting at or after this instant'),
        to: optionalDate('Only periods starting before this instant'),
      }),
      run: async ({ key: kpi, unit: u, from, to }, { crm }) => ({
        data: await services.kpis(crm).series(kpi, {
          unit: u,
          ...(from ? { from: dateOf(from)! } : {}),
          ...(to ? { to: dateOf(to)! } : {}),
        }),
      }),
    }),
    alertKpi: defineOperation({
      description:
        'Registers a threshold alert on a KPI (below / above a value, or dropsBy / risesBy a fraction of the previous period) as an automation rule',
      effect: 'write',
      input: z.strictObject({
        id: z.string().min(1).max(100).describe('The automation rule id'),
        name: z.string().min(1).max(200).optional(),
        kpi: key,
        unit: unit.optional(),
        when: z.record(z.string(), z.number()).describe('{ below | above | dropsBy | risesBy: number }'),
        actions: z
          .array(z.record(z.string(), z.unknown()))
          .max(20)
          .optional()
          .describe('Automation actions; default: emit kpi.alert'),
      }),
      run: (input, { crm }) => services.kpis(crm).alert(input as Parameters<KpiService['alert']>[0]),
    }),
    listKpiAlerts: defineOperation({
      description: 'The KPI alerts registered with automation (stored ones included)',
      effect: 'read',
      input: z.strictObject({ kpi: key.optional() }),
      run: async ({ kpi }, { crm }) => ({ data: await services.kpis(crm).alerts(kpi) }),
    }),
    removeKpiAlert: defineOperation({
      description: 'Removes a stored KPI alert and its automation rule',
      effect: 'write',
      input: z.strictObject({ id: z.string().min(1).max(100).describe('The alert’s rule id') }),
      run: async ({ id }, { crm }) => {
        await services.kpis(crm).removeAlert(id)
        return { removed: id }
      },
    }),
    recordSurveyResponse: defineOperation({
      description:
        'Stores a CSAT (1–5) or NPS (0–10) response to a ticket’s survey; the same response again is not stored twice',
      effect: 'write',
      input: z.strictObject({
        ticketId: z.string().min(1).max(100),
        kind: z.enum(surveyKinds).optional().describe('Default csat'),
        score: z.int().describe('CSAT 1–5, NPS 0–10'),
        comment: z.string().max(5000).nullable().optional(),
        channel: z.enum(surveyChannels).optional().describe('Default email'),
        respondedAt: optionalDate('Default: now'),
      }),
      run: ({ respondedAt, ...input }, { crm }) =>
        services
          .surveys(crm)
          .record({ ...input, ...(respondedAt ? { respondedAt: dateOf(respondedAt)! } : {}) }),
    }),
    listSurveyResponses: defineOperation({
      description: 'One keyset page of survey responses, optionally of one ticket or kind',
      effect: 'read',
      input: z.strictObject({
        ticketId: z.string().min(1).max(100).optional(),
        kind: z.enum(surveyKinds).optional(),
        limit: z.int().min(1).max(500).optional().describe('Page size (default 50)'),
        cursor: z.string().min(1).max(2000).nullable().optional().describe('nextCursor of the previous page'),
      }),
      run: async ({ ticketId, kind, limit, cursor }, { crm }) => {
        const where = [
          ...(ticketId ? [{ field: 'ticketId', op: 'eq' as const, value: ticketId }] : []),
          ...(kind ? [{ field: 'kind', op: 'eq' as const, value: kind }] : []),
        ]
        const page = await crm.entity('surveyResponse').list({
          where: { and: where },
          limit: limit ?? 50,
          ...(cursor ? { cursor } : {}),
        })
        return { data: page.items, nextCursor: page.nextCursor }
      },
    }),
  }
}
