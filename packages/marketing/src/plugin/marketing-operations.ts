import { RULE_BASED_MODELS } from '@rapport/analytics/attribution'
import type { CrmServices } from '@rapport/core'
import type { CrmOperation } from '@rapport/core/plugin'
import { defineOperation } from '@rapport/core/plugin'
import * as z from 'zod'
import type { CampaignService } from '../campaigns/campaign-service.js'
import { emailEventInputSchema } from '../email-events/email-event-input.js'
import type { SegmentService } from '../segments/segment-service.js'
import { MAX_MEMBERS_PER_CALL } from '../segments/segment-service.js'

const id = z.string().min(1).max(200)
const recordIds = z.array(id).max(MAX_MEMBERS_PER_CALL).describe('Ids of records of the segment’s entity')

/** Builds the marketing services on the caller's scoped CRM, so operations run under its access policy. */
export interface MarketingServicesOf {
  segments(crm: CrmServices): SegmentService
  campaigns(crm: CrmServices): CampaignService
}

/**
 * The segment and campaign APIs as operations for the outside faces (REST routes under `/segments` and
 * `/campaigns`, MCP tools `marketing_*`). Reads: member counts and pages, campaign stats and ROI; writes (opt-in on
 * MCP): static members, snapshots, sweeps, targeting, event ingestion and attribution. Segments and campaigns
 * themselves are plain collections (their hooks validate filters and nesting).
 *
 * @internal
 */
export function marketingOperations(services: MarketingServicesOf): Readonly<Record<string, CrmOperation>> {
  return {
    countMembers: defineOperation({
      description: 'The number of records in the segment now (one count query)',
      effect: 'read',
      entity: 'segment',
      record: true,
      input: z.strictObject({ id }),
      output: z.object({ count: z.int() }),
      run: async ({ id: segmentId }, { crm }) => ({ count: await services.segments(crm).count(segmentId) }),
    }),
    listMembers: defineOperation({
      description: 'One keyset page of the records in the segment now',
      effect: 'read',
      entity: 'segment',
      record: true,
      input: z.strictObject({
        id,
        limit: z.int().min(1).max(500).optional().describe('Page size (default 50)'),
        cursor: z.string().min(1).max(2000).nullable().optional().describe('nextCursor of the previous page'),
      }),
      run: async ({ id: segmentId, ...page }, { crm }) => {
        const result = await services.segments(crm).list(segmentId, page)
        return { data: result.items, nextCursor: result.nextCursor }
      },
    }),
    addMembers: defineOperation({
      description: 'Adds records to a static segment; answers how many were new',
      effect: 'write',
      entity: 'segment',
      record: true,
      input: z.strictObject({ id, recordIds }),
      output: z.object({ added: z.int() }),
      run: async ({ id: segmentId, recordIds: ids }, { crm }) => ({
        added: await services.segments(crm).add(segmentId, ids),
      }),
    }),
    removeMembers: defineOperation({
      description: 'Removes records from a static segment; answers how many were members',
      effect: 'write',
      entity: 'segment',
      record: true,
      input: z.strictObject({ id, recordIds }),
      output: z.object({ removed: z.int() }),
      run: async ({ id: segmentId, recordIds: ids }, { crm }) => ({
        removed: await services.segments(crm).remove(segmentId, ids),
      }),
    }),
    snapshot: defineOperation({
      description: 'Freezes a snapshot segment’s members now',
      effect: 'write',
      entity: 'segment',
      record: true,
      input: z.strictObject({ id }),
      run: ({ id: segmentId }, { crm }) => services.segments(crm).snapshot(segmentId),
    }),
    sweep: defineOperation({
      description:
        'Reconciles a dynamic segment’s stored membership and emits segment.entered / segment.left',
      effect: 'write',
      entity: 'segment',
      record: true,
      input: z.strictObject({ id }),
      run: ({ id: segmentId }, { crm }) => services.segments(crm).sweep(segmentId),
    }),
    target: defineOperation({
      description:
        'Adds a segment’s members to the campaign as targeted, leaving out unsubscribed records and those without consent',
      effect: 'write',
      entity: 'campaign',
      record: true,
      input: z.strictObject({ id, segmentId: id.describe('The segment whose members are targeted') }),
      run: ({ id: campaignId, segmentId }, { crm }) => services.campaigns(crm).target(campaignId, segmentId),
    }),
    stats: defineOperation({
      description: 'Unique members per outcome (sent, opened, clicked, responded…) and rates over sent',
      effect: 'read',
      entity: 'campaign',
      record: true,
      input: z.strictObject({ id }),
      run: ({ id: campaignId }, { crm }) => services.campaigns(crm).stats(campaignId),
    }),
    roi: defineOperation({
      description: 'Revenue attributed to the campaign under one model against its actual cost',
      effect: 'read',
      entity: 'campaign',
      record: true,
      input: z.strictObject({ id, model: z.enum(RULE_BASED_MODELS).describe('The attribution model') }),
      run: ({ id: campaignId, model }, { crm }) => services.campaigns(crm).roi(campaignId, model),
    }),
    ingestEvents: defineOperation({
      description:
        'Stores email events (idempotent on providerEventId) and moves their members’ status; one bad event writes nothing',
      effect: 'write',
      entity: 'campaign',
      input: z.strictObject({ events: z.array(emailEventInputSchema).min(1).max(10_000) }),
      run: ({ events }, { crm }) => services.campaigns(crm).ingest(events),
    }),
    attribute: defineOperation({
      description: 'Credits won deals to the campaigns their contacts responded to, with a rule-based model',
      effect: 'write',
      entity: 'campaign',
      input: z.strictObject({ model: z.enum(RULE_BASED_MODELS).describe('The attribution model') }),
      run: ({ model }, { crm }) => services.campaigns(crm).attribute({ model }),
    }),
  }
}
