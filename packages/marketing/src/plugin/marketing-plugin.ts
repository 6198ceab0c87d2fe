import type { CrmPlugin, CrmServices } from '@rapport/core'
import { definePlugin, RapportError } from '@rapport/core'
import type { EntityHooks } from '@rapport/core/plugin'
import type { RelationDefinition } from '@rapport/core/storage'
import { isTimeZone } from '@rapport/core/time'
import { partySource } from '@rapport/core/timeline'
import {
  campaignEntity,
  campaignInfluenceEntity,
  campaignMemberEntity,
  messageEventEntity,
} from '../campaigns/campaign-entities.js'
import type { CampaignService } from '../campaigns/campaign-service.js'
import { CAMPAIGN_MEMBERSHIPS_RELATION, createCampaignService } from '../campaigns/campaign-service.js'
import type { ConsentPort } from '../campaigns/campaign-types.js'
import { kpiAlertEntity, kpiDefinitionEntity, kpiValueEntity } from '../kpis/kpi-entities.js'
import type { KpiAutomationPort, KpiService } from '../kpis/kpi-service.js'
import { createKpiService } from '../kpis/kpi-service.js'
import { marketingErrorDescriptions } from '../marketing-error.js'
import {
  SEGMENT_MEMBERSHIPS_RELATION,
  segmentEntity,
  segmentMembershipEntity,
} from '../segments/segment-entities.js'
import type { SegmentService } from '../segments/segment-service.js'
import { createSegmentService } from '../segments/segment-service.js'
import { validateSegment } from '../segments/segment-validation.js'
import { surveyResponseEntity } from '../surveys/survey-entities.js'
import type { SurveyService } from '../surveys/survey-service.js'
import { createSurveyService } from '../surveys/survey-service.js'
import { kpiSurveyOperations } from './kpi-survey-operations.js'
import { marketingOperations } from './marketing-operations.js'

/** Options of {@link marketingPlugin}. */
export interface MarketingOptions {
  /** The entities segments may select (default `contact`, `company`, `lead`). */
  readonly entities?: readonly string[]
  /** The clock of sweeps, events and KPI periods (default `() => new Date()`); share the automation engine's. */
  readonly clock?: () => Date
  /**
   * Consent per purpose and channel, checked when a campaign targets a segment (only `opt_in` is targeted) and told
   * about unsubscribes. Pass `@rapport/privacy`'s: `consent: () => crm.plugins.privacy.consent`.
   */
  readonly consent?: () => ConsentPort
  /**
   * The tenant's IANA time zone (default `UTC`): KPI periods (days, ISO weeks, months) start at local midnight in it,
   * through core's one time-zone implementation. `INVALID_CONFIG` for an unknown zone.
   */
  readonly timeZone?: string
  /** Where KPI alerts are registered as rules: `automation: () => crm.plugins.automation`. */
  readonly automation?: () => KpiAutomationPort | undefined
}

/** The API exposed as `crm.plugins.marketing`. */
export interface MarketingApi {
  readonly segments: SegmentService
  readonly campaigns: CampaignService
  readonly kpis: KpiService
  readonly surveys: SurveyService
}

/** Patches only the plugin itself writes, which need no validation. */
const BOOKKEEPING = new Set(['sweptAt', 'memberCount', 'snapshotAt'])

/**
 * Marketing for Rapport on core's public plugin API: saved segments, campaigns with email-event ingestion and ROI,
 * and KPI series with threshold alerts.
 *
 * @example
 * ```ts
 * import { marketingPlugin } from '@rapport/marketing'
 *
 * const crm = createCrm({ storage, plugins: [marketingPlugin()] as const })
 * const vip = await crm.plugins.marketing.segments.create({
 *   name: 'VIP', kind: 'dynamic', filter: { field: 'tags', op: 'eq', value: 'vip' },
 * })
 * await crm.plugins.marketing.segments.count(vip.id)
 * ```
 */
export function marketingPlugin(options: MarketingOptions = {}): CrmPlugin<'marketing', MarketingApi> {
  const entities = options.entities ?? ['contact', 'company', 'lead']
  const clock = options.clock ?? (() => new Date())
  const timeZone = options.timeZone ?? 'UTC'
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    throw new RapportError('INVALID_CONFIG', `Unknown time zone ${JSON.stringify(timeZone)}`, {
      details: { timeZone },
    })
  }
  const relations: Record<string, Record<string, RelationDefinition>> = {}
  for (const entity of entities) {
    relations[entity] = {
      [SEGMENT_MEMBERSHIPS_RELATION]: { kind: 'hasMany', model: 'segmentMembership', foreignKey: 'recordId' },
      [CAMPAIGN_MEMBERSHIPS_RELATION]: { kind: 'hasMany', model: 'campaignMember', foreignKey: 'recordId' },
    }
  }
  const hooks: Record<string, EntityHooks> = {
    segment: {
      create: {
        before: async (data, ctx) => {
          await validateSegment(data, null, ctx.crm, entities)
          return undefined
        },
      },
      update: {
        before: async (patch, ctx) => {
          if (!Object.keys(patch).every((k) => BOOKKEEPING.has(k))) {
            await validateSegment(patch, ctx.current, ctx.crm, entities)
          }
          return undefined
        },
      },
    },
  }
  const campaignsOn = (crm: () => CrmServices) =>
    createCampaignService(crm, {
      get consent() {
        return options.consent?.()
      },
    })
  return definePlugin({
    id: 'marketing',
    version: '0.1.0',
    schema: {
      entities: [
        segmentEntity,
        segmentMembershipEntity(entities),
        campaignEntity,
        campaignMemberEntity,
        messageEventEntity,
        campaignInfluenceEntity,
        kpiDefinitionEntity,
        kpiValueEntity,
        kpiAlertEntity,
        surveyResponseEntity,
      ],
      relations,
    },
    hooks,
    // Campaign emails on the customer timeline (crm.timeline.page, kind `emailEvent`): each stored provider event
    // (sent, delivered, opened, clicked, bounced, unsubscribed…) of a contact, or of a company and its people.
    timeline: [
      partySource({
        kind: 'emailEvent',
        entity: 'messageEvent',
        at: 'at',
        party: { contact: { field: 'recordId', relation: 'recordContact' }, company: { field: 'recordId' } },
      }),
    ],
    errorCodes: marketingErrorDescriptions,
    api: (ctx) => ({
      segments: createSegmentService(() => ctx.crm, clock),
      campaigns: campaignsOn(() => ctx.crm),
      kpis: createKpiService(() => ctx.crm, { clock, timeZone, automation: options.automation }),
      surveys: createSurveyService(() => ctx.crm, clock),
    }),
    // Segments and campaigns are collections (their hooks check filters and nesting); members, events and
    // attribution are written through the services' rules, so the faces get those as operations, as they get KPIs
    // (definitions, computing, series, alerts) and survey responses (one per ticket and kind, idempotent).
    expose: {
      entities: ['segment', 'campaign'],
      operations: {
        ...marketingOperations({
          segments: (crm) => createSegmentService(() => crm, clock),
          campaigns: (crm) => campaignsOn(() => crm),
        }),
        ...kpiSurveyOperations({
          kpis: (crm) => createKpiService(() => crm, { clock, timeZone, automation: options.automation }),
          surveys: (crm) => createSurveyService(() => crm, clock),
        }),
      },
    },
  })
}
