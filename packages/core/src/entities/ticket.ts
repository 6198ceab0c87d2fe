import * as z from 'zod'
import { customValuesSchema, refIdSchema, tagsSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** Ticket priorities; SLA policies set targets per priority. */
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const

/** The channels a ticket can arrive through. */
export const ticketChannels = ['email', 'phone', 'chat', 'web', 'social', 'other'] as const

/**
 * The entity declaration of tickets (support cases): a status flow (a `ticket` pipeline; `onHold` stages such as
 * Pending pause the SLA clock), priority, channel, requester and assignee, and SLA due times maintained by core.
 */
export const ticketEntity = defineEntity({
  name: 'ticket',
  idPrefix: 'tkt',
  shape: {
    subject: z.string().min(1).max(500),
    description: z.string().max(100_000).meta({ storage: 'text' }).nullable().optional(),
    priority: z.enum(ticketPriorities).default('normal'),
    channel: z.enum(ticketChannels).default('email'),
    /** The contact who asked. */
    requesterId: refIdSchema.nullable().optional(),
    companyId: refIdSchema.nullable().optional(),
    /** The host user working on it. */
    assigneeId: refIdSchema.nullable().optional(),
    /** The status flow; defaults to the tenant's default ticket pipeline (created from a template). */
    pipelineId: refIdSchema.optional(),
    /** The status; defaults to the first stage of the pipeline. */
    stageId: refIdSchema.optional(),
    /** When the ticket entered its current status (maintained by core). */
    stageEnteredAt: z.date().nullable().optional(),
    /** When the ticket entered a closed (`won`/`lost`) status (maintained by core). */
    closedAt: z.date().nullable().optional(),
    /** The last open status before the ticket was closed (maintained by core). */
    lastOpenStageId: refIdSchema.nullable().optional(),
    /** When an agent first answered; set with `crm.tickets.recordResponse`. */
    firstRespondedAt: z.date().nullable().optional(),
    /** The SLA policy; defaults to the tenant's default policy, if any. */
    slaPolicyId: refIdSchema.nullable().optional(),
    /** When the first response is due (maintained by core; `null` when met or without a policy). */
    firstResponseDueAt: z.date().nullable().optional(),
    /** When the resolution is due (maintained by core; `null` while paused, when met or without a policy). */
    resolutionDueAt: z.date().nullable().optional(),
    /** When `checkSla` first saw the first-response target breached. */
    firstResponseBreachedAt: z.date().nullable().optional(),
    /** When `checkSla` first saw the resolution target breached. */
    resolutionBreachedAt: z.date().nullable().optional(),
    tags: tagsSchema.default([]),
    custom: customValuesSchema.default({}),
  },
  references: {
    pipelineId: { model: 'pipeline', onDelete: 'restrict' },
    requesterId: { model: 'contact', onDelete: 'set null' },
    companyId: { model: 'company', onDelete: 'set null' },
    slaPolicyId: { model: 'slaPolicy', onDelete: 'set null' },
  },
  indexes: [
    { name: 'by_pipeline_stage_entered', fields: ['pipelineId', 'stageId', 'stageEnteredAt'] },
    { name: 'by_assignee_stage', fields: ['assigneeId', 'stageId', 'updatedAt'] },
    { name: 'by_requester', fields: ['requesterId'] },
    { name: 'by_first_response_due', fields: ['firstResponseDueAt'] },
    { name: 'by_resolution_due', fields: ['resolutionDueAt'] },
  ],
  relations: {
    pipeline: { kind: 'belongsTo', model: 'pipeline', localKey: 'pipelineId' },
    requester: { kind: 'belongsTo', model: 'contact', localKey: 'requesterId' },
    company: { kind: 'belongsTo', model: 'company', localKey: 'companyId' },
  },
  searchFields: ['subject', 'description'],
})
