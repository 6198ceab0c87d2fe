import * as z from 'zod'
import { refIdSchema } from './common-schemas.js'
import { defineEntity } from './entity-definition.js'
import { ticketPriorities } from './ticket.js'

/** The first-response and resolution targets of one priority, in business minutes. */
export const slaTargetSchema = z
  .object({
    priority: z.enum(ticketPriorities),
    firstResponseMinutes: z.int().min(1).max(525_600).nullable().optional(),
    resolutionMinutes: z.int().min(1).max(5_256_000).nullable().optional(),
  })
  .strict()

/** The targets of one priority. */
export type SlaTarget = z.output<typeof slaTargetSchema>

/**
 * The entity declaration of SLA policies: targets by priority, counted in the business hours of a calendar (around
 * the clock without one). A ticket is "at risk" once it has used `atRiskPercent` of a target.
 */
export const slaPolicyEntity = defineEntity({
  name: 'slaPolicy',
  idPrefix: 'sla',
  table: 'sla_policy',
  shape: {
    name: z.string().min(1).max(200),
    /** Tickets without an explicit policy use the default one. */
    isDefault: z.boolean().default(false),
    /** The business calendar; `null` counts every hour of every day. */
    calendarId: refIdSchema.nullable().optional(),
    targets: z.array(slaTargetSchema).max(ticketPriorities.length),
    atRiskPercent: z.int().min(1).max(100).default(75),
  },
  references: { calendarId: { model: 'businessCalendar', onDelete: 'restrict' } },
  indexes: [{ name: 'by_default', fields: ['isDefault'] }],
  validate(record) {
    const seen = new Set<string>()
    const issues = []
    for (const [i, target] of ((record['targets'] as { priority: string }[] | undefined) ?? []).entries()) {
      if (seen.has(target.priority)) {
        issues.push({
          path: ['targets', i, 'priority'],
          message: `Duplicate target for "${target.priority}"`,
          code: 'custom',
        })
      }
      seen.add(target.priority)
    }
    return issues
  },
})
