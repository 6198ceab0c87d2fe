import * as z from 'zod'
import { customValuesSchema, refIdSchema, targetSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/** The kinds of activity. */
export const activityTypes = ['call', 'email', 'meeting', 'note', 'visit'] as const

/** Someone who took part in an activity: a contact, a host user, or just an address. */
export const participantSchema = z
  .object({
    contactId: refIdSchema.optional(),
    userId: refIdSchema.optional(),
    email: z.email().optional(),
    name: z.string().max(200).optional(),
    role: z.string().max(50).optional(),
  })
  .strict()

/** The entity declaration of activities: calls, emails, meetings, notes and visits. */
export const activityEntity = defineEntity({
  name: 'activity',
  idPrefix: 'act',
  shape: {
    type: z.enum(activityTypes),
    subject: z.string().max(500).nullable().optional(),
    body: z.string().max(100_000).meta({ storage: 'text' }).nullable().optional(),
    occurredAt: z.date(),
    durationSeconds: z.int().min(0).max(31_536_000).nullable().optional(),
    direction: z.enum(['inbound', 'outbound']).nullable().optional(),
    outcome: z.string().max(200).nullable().optional(),
    participants: z.array(participantSchema).max(200).default([]),
    /** The records this activity concerns; mirrored into `recordLink` rows so `exists` filters can use them. */
    targets: z.array(targetSchema).max(50).default([]),
    ownerId: refIdSchema.nullable().optional(),
    custom: customValuesSchema.default({}),
  },
  indexes: [
    { name: 'by_occurred', fields: ['occurredAt'] },
    { name: 'by_owner', fields: ['ownerId', 'occurredAt'] },
    { name: 'by_type', fields: ['type', 'occurredAt'] },
  ],
  relations: {
    contacts: {
      kind: 'through',
      model: 'contact',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'activity', targetType: 'contact' },
    },
    companies: {
      kind: 'through',
      model: 'company',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'activity', targetType: 'company' },
    },
    deals: {
      kind: 'through',
      model: 'deal',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'activity', targetType: 'deal' },
    },
  },
  searchFields: ['subject', 'body'],
})
