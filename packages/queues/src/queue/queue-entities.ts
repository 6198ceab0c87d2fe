import type { EntityRecord } from '@rapport/core/entities'
import { defineEntity } from '@rapport/core/entities'
import * as z from 'zod'

/** The id prefix of queues: an owner field holding `que_…` names a queue, anything else a user. */
export const QUEUE_ID_PREFIX = 'que'

/**
 * A queue (`crm.entity('queue')`): a named owner for records of the entities it serves (`lead`, `ticket`…). A record
 * whose owner field holds the queue's id is in the queue, unowned by any user, until a member claims it.
 */
export const queueEntity = defineEntity({
  name: 'queue',
  idPrefix: QUEUE_ID_PREFIX,
  shape: {
    name: z.string().min(1).max(200),
    /** The entities whose records the queue may own, e.g. `['lead', 'ticket']`. */
    entities: z.array(z.string().min(1).max(100)).min(1).max(100),
    description: z.string().max(2000).nullable().optional(),
    /** An inactive queue keeps its records but takes no new ones. */
    active: z.boolean().default(true),
  },
  relations: { members: { kind: 'hasMany', model: 'queueMember', foreignKey: 'queueId' } },
  indexes: [{ name: 'by_name', fields: ['name'], unique: true }],
  searchFields: ['name'],
})

/** A queue as stored. */
export type Queue = EntityRecord<typeof queueEntity>

/** A user's membership of a queue (`crm.entity('queueMember')`): members may claim the queue's records. */
export const queueMemberEntity = defineEntity({
  name: 'queueMember',
  idPrefix: 'qmem',
  shape: {
    queueId: z.string().min(1).max(100),
    /** The host's user id (the `Actor.id` that claims). */
    userId: z.string().min(1).max(100),
  },
  references: { queueId: { model: 'queue', onDelete: 'cascade' } },
  indexes: [
    { name: 'by_queue_user', fields: ['queueId', 'userId'], unique: true },
    { name: 'by_user', fields: ['userId'] },
  ],
})

/** A membership as stored. */
export type QueueMember = EntityRecord<typeof queueMemberEntity>

/** Whether an owner value names a queue (`que_…`) rather than a user. */
export function isQueueId(owner: unknown): owner is string {
  return typeof owner === 'string' && owner.startsWith(`${QUEUE_ID_PREFIX}_`)
}
