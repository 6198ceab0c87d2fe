import * as z from 'zod'
import { defineEntity } from './entity-definition.js'

/**
 * A polymorphic link from an activity or task (the source) to the record it concerns (the target). Core keeps
 * these rows in step with the `targets` arrays, so relation filters like "contacts with a call this week" work on
 * every adapter.
 */
export const recordLinkEntity = defineEntity({
  name: 'recordLink',
  idPrefix: 'lnk',
  table: 'record_link',
  shape: {
    sourceType: z.string().min(1).max(50),
    sourceId: z.string().min(1).max(100),
    targetType: z.string().min(1).max(50),
    targetId: z.string().min(1).max(100),
    /**
     * When the source happened (an activity's `occurredAt`, a task's `createdAt`), kept in step by core on every
     * write of the source: the customer timeline reads a contact's newest activities as one range of `by_target_at`
     * instead of reading every linked activity and sorting. `null` on links written before this field existed.
     */
    sourceAt: z.date().nullable().optional(),
  },
  indexes: [
    { name: 'by_target', fields: ['targetType', 'targetId', 'sourceType'] },
    { name: 'by_target_at', fields: ['targetType', 'targetId', 'sourceType', 'sourceAt', 'sourceId'] },
    { name: 'by_source', fields: ['sourceType', 'sourceId'] },
    // The links still without a date, by id: what `crm.migrate()` looks for (one range, empty once all are dated).
    { name: 'by_source_at', fields: ['sourceAt'] },
  ],
  // Ids are prefixed per entity, so each relation only matches links of its own type; access policies use them to
  // show a link exactly when both of its ends are visible.
  relations: {
    sourceActivity: { kind: 'belongsTo', model: 'activity', localKey: 'sourceId' },
    sourceTask: { kind: 'belongsTo', model: 'task', localKey: 'sourceId' },
    targetContact: { kind: 'belongsTo', model: 'contact', localKey: 'targetId' },
    targetCompany: { kind: 'belongsTo', model: 'company', localKey: 'targetId' },
    targetDeal: { kind: 'belongsTo', model: 'deal', localKey: 'targetId' },
    targetLead: { kind: 'belongsTo', model: 'lead', localKey: 'targetId' },
    targetTicket: { kind: 'belongsTo', model: 'ticket', localKey: 'targetId' },
  },
})
