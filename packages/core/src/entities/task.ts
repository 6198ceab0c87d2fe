import * as z from 'zod'
import { customValuesSchema, refIdSchema, targetSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'

/**
 * A reminder: at a fixed instant (ISO-8601), or a number of minutes before the due time. Core stores them;
 * `@rapport/automation` delivers them (event `task.reminder_due`) through its clock.
 */
export const reminderSchema = z.union([
  z.object({ at: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ minutesBefore: z.int().min(0).max(525_600) }).strict(),
])

/** The entity declaration of tasks (to-dos with a due time and an assignee). */
export const taskEntity = defineEntity({
  name: 'task',
  idPrefix: 'task',
  shape: {
    title: z.string().min(1).max(500),
    description: z.string().max(100_000).meta({ storage: 'text' }).nullable().optional(),
    dueAt: z.date().nullable().optional(),
    status: z.enum(['open', 'in_progress', 'done', 'canceled']).default('open'),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
    assigneeId: refIdSchema.nullable().optional(),
    completedAt: z.date().nullable().optional(),
    reminders: z.array(reminderSchema).max(20).default([]),
    /** The records this task concerns; mirrored into `recordLink` rows. */
    targets: z.array(targetSchema).max(50).default([]),
    custom: customValuesSchema.default({}),
  },
  indexes: [
    { name: 'by_assignee_status_due', fields: ['assigneeId', 'status', 'dueAt'] },
    { name: 'by_status_due', fields: ['status', 'dueAt'] },
  ],
  relations: {
    contacts: {
      kind: 'through',
      model: 'contact',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'task', targetType: 'contact' },
    },
    companies: {
      kind: 'through',
      model: 'company',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'task', targetType: 'company' },
    },
    deals: {
      kind: 'through',
      model: 'deal',
      through: 'recordLink',
      throughFrom: 'sourceId',
      throughTo: 'targetId',
      throughWhere: { sourceType: 'task', targetType: 'deal' },
    },
  },
  searchFields: ['title', 'description'],
})
