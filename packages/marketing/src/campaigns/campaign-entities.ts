import { defineEntity, moneySchema } from '@rapport/core/entities'
import * as z from 'zod'

const id = z.string().min(1).max(200)

/** Campaign lifecycle, as EspoCRM's. */
export const campaignStatuses = ['planning', 'active', 'inactive', 'complete'] as const

/** One of {@link campaignStatuses}. */
export type CampaignStatus = (typeof campaignStatuses)[number]

/**
 * A member's status, in the order it can only move forward: `targeted` → `sent` → `opened` → `clicked` →
 * `responded`. `bounced` and `unsubscribed` end the member's journey (nothing moves them back).
 */
export const memberStatuses = [
  'targeted',
  'sent',
  'opened',
  'clicked',
  'responded',
  'bounced',
  'unsubscribed',
] as const

/** One of {@link memberStatuses}. */
export type MemberStatus = (typeof memberStatuses)[number]

/** A campaign: channels, budget and actual cost (money), dates, an optional parent. */
export const campaignEntity = defineEntity({
  name: 'campaign',
  idPrefix: 'cmp',
  table: 'marketing_campaign',
  shape: {
    name: z.string().min(1).max(300),
    status: z.enum(campaignStatuses).default('planning'),
    /** Channels the campaign uses, e.g. `email`, `sms`, `web`. */
    channels: z.array(z.string().min(1).max(50)).max(20).default(['email']),
    /** The consent purpose messages serve (checked with the consent port), e.g. `newsletter`. */
    purpose: z.string().min(1).max(100).default('marketing'),
    budget: moneySchema.nullable().optional(),
    actualCost: moneySchema.nullable().optional(),
    startsAt: z.date().nullable().optional(),
    endsAt: z.date().nullable().optional(),
    parentId: id.nullable().optional(),
  },
  references: { parentId: { model: 'campaign', onDelete: 'set null' } },
})

/** One targeted record of a campaign (unique per campaign), with its status and first response. */
export const campaignMemberEntity = defineEntity({
  name: 'campaignMember',
  idPrefix: 'cmm',
  table: 'marketing_campaign_member',
  shape: {
    campaignId: id,
    recordId: id,
    /** The segment it was targeted from, if any. */
    segmentId: id.nullable().optional(),
    status: z.enum(memberStatuses).default('targeted'),
    responded: z.boolean().default(false),
    firstRespondedAt: z.date().nullable().optional(),
    sentAt: z.date().nullable().optional(),
    openedAt: z.date().nullable().optional(),
    /** A proxy open (Apple Mail Privacy Protection…) was seen: not counted as an open. */
    machineOpenedAt: z.date().nullable().optional(),
    clickedAt: z.date().nullable().optional(),
    bouncedAt: z.date().nullable().optional(),
    unsubscribedAt: z.date().nullable().optional(),
  },
  references: { campaignId: { model: 'campaign', onDelete: 'cascade' } },
  indexes: [
    { name: 'by_campaign_record', fields: ['campaignId', 'recordId'], unique: true },
    { name: 'by_record', fields: ['recordId', 'status'] },
    { name: 'by_campaign_status', fields: ['campaignId', 'status'] },
  ],
})

/** Email event types, after mapping a provider's names (SendGrid `open` → `opened`, `spamreport` → `complained`). */
export const messageEventTypes = [
  'sent',
  'delivered',
  'deferred',
  'dropped',
  'bounced',
  'opened',
  'clicked',
  'responded',
  'unsubscribed',
  'complained',
] as const

/** One of {@link messageEventTypes}. */
export type MessageEventType = (typeof messageEventTypes)[number]

/** One provider event, stored once: `providerEventId` is unique per tenant, so a redelivery is never counted twice. */
export const messageEventEntity = defineEntity({
  name: 'messageEvent',
  idPrefix: 'mev',
  table: 'marketing_message_event',
  shape: {
    campaignId: id,
    memberId: id,
    recordId: id,
    type: z.enum(messageEventTypes),
    /** A proxy open (SendGrid `sg_machine_open`, Apple MPP). */
    machine: z.boolean().default(false),
    bounceKind: z.enum(['hard', 'soft']).nullable().optional(),
    url: z.string().max(2000).nullable().optional(),
    at: z.date(),
    providerEventId: z.string().min(1).max(200),
    provider: z.string().max(50).default('generic'),
  },
  references: { campaignId: { model: 'campaign', onDelete: 'cascade' } },
  indexes: [
    { name: 'by_provider_event', fields: ['providerEventId'], unique: true },
    { name: 'by_member', fields: ['memberId', 'type'] },
    // The customer timeline's `emailEvent` entries: a contact's or company's events newest first.
    { name: 'by_record_at', fields: ['recordId', 'at'] },
  ],
  // The contact the event is about, when the member is a contact (ids are prefixed, so only a contact id matches).
  relations: { recordContact: { kind: 'belongsTo', model: 'contact', localKey: 'recordId' } },
})

/**
 * Revenue credited to a campaign for a won deal under one attribution model, as Salesforce's `CampaignInfluence`:
 * unique per (deal, campaign, model), recomputed in place.
 */
export const campaignInfluenceEntity = defineEntity({
  name: 'campaignInfluence',
  idPrefix: 'cinf',
  table: 'marketing_campaign_influence',
  shape: {
    dealId: id,
    campaignId: id,
    model: z.string().min(1).max(50),
    /** The campaign's share of the deal, 0–1. */
    influence: z.number().min(0).max(1),
    revenue: moneySchema,
  },
  references: { campaignId: { model: 'campaign', onDelete: 'cascade' } },
  indexes: [
    { name: 'by_deal_campaign_model', fields: ['dealId', 'campaignId', 'model'], unique: true },
    { name: 'by_campaign_model', fields: ['campaignId', 'model'] },
  ],
})
