import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

/**
 * One merge, kept for audit and unmerge: the survivor, the losers and the full before-state of every record
 * involved. Subscribers get the same data from the `record.merged` event.
 */
export const mergeEntity = defineEntity({
  name: 'dqMerge',
  idPrefix: 'dqm',
  shape: {
    entity: z.string().min(1).max(100),
    survivorId: z.string().min(1).max(100),
    loserIds: z.array(z.string().min(1).max(100)).min(1).max(5),
    before: z.array(z.record(z.string(), z.unknown())).min(2).max(6),
    reparented: z.record(z.string(), z.int()).default({}),
    droppedLinks: z.int().min(0).default(0),
  },
  indexes: [{ name: 'by_survivor', fields: ['survivorId'] }],
})
