import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

/** The survey kinds: CSAT (score 1–5, satisfied at 4 or 5) and NPS (score 0–10, promoters 9–10, detractors 0–6). */
export const surveyKinds = ['csat', 'nps'] as const

/** Where a survey was answered. */
export const surveyChannels = ['email', 'web', 'sms', 'chat', 'phone', 'in_app', 'other'] as const

/** One survey response about one ticket: at most one per ticket and kind (unique index). */
export const surveyResponseEntity = defineEntity({
  name: 'surveyResponse',
  idPrefix: 'srv',
  table: 'marketing_survey_response',
  shape: {
    ticketId: z.string().min(1).max(100),
    kind: z.enum(surveyKinds),
    score: z.int().min(0).max(10),
    comment: z.string().max(5000).nullable().optional(),
    channel: z.enum(surveyChannels).default('email'),
    /** The ticket's requester, copied so CSAT can be read per contact. */
    contactId: z.string().max(100).nullable().optional(),
    respondedAt: z.date(),
  },
  indexes: [
    { name: 'by_ticket_kind', fields: ['ticketId', 'kind'], unique: true },
    { name: 'by_kind_responded', fields: ['kind', 'respondedAt'] },
  ],
  relations: {
    ticket: { kind: 'belongsTo', model: 'ticket', localKey: 'ticketId' },
  },
})
