/**
 * Campaigns: members targeted from segments with a status each, channels, budget and actual cost, idempotent
 * email-event ingestion (proxy opens kept apart), opt-outs and consent honoured, revenue attribution per (deal,
 * campaign, model) with `@rapport/analytics`, and ROI.
 *
 * @example
 * ```ts
 * const campaigns = crm.plugins.marketing.campaigns
 * const winBack = await campaigns.create({ name: 'Win back', actualCost: { amountMinor: 50_000, currency: 'USD' } })
 * await campaigns.target(winBack.id, atRisk.id)
 * await campaigns.ingest(fromSendGrid(webhookBody))
 * await campaigns.attribute({ model: 'linear' })
 * await campaigns.roi(winBack.id, 'linear')
 * ```
 *
 * @module
 */
export type { AttributeOptions, AttributeReport, DataDrivenModel } from './campaign-attribution.js'
export {
  type CampaignStatus,
  campaignEntity,
  campaignInfluenceEntity,
  campaignMemberEntity,
  campaignStatuses,
  type MemberStatus,
  type MessageEventType,
  memberStatuses,
  messageEventEntity,
  messageEventTypes,
} from './campaign-entities.js'
export { CAMPAIGN_MEMBERSHIPS_RELATION, type CampaignService } from './campaign-service.js'
export type {
  Campaign,
  CampaignInput,
  CampaignMember,
  CampaignRoi,
  CampaignStats,
  ConsentPort,
  IngestReport,
  TargetReport,
} from './campaign-types.js'
