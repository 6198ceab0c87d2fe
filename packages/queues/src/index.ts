/**
 * `@rapport/queues`: an owner is a user or a queue. Records owned by a queue wait there until one of its members
 * claims them (atomically: one winner per record); assignment rules route to a queue by naming its id.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { queuesPlugin } from '@rapport/queues'
 *
 * const crm = createCrm({ storage, plugins: [queuesPlugin()] as const })
 * const support = await crm.plugins.queues.create({ name: 'Support L1', entities: ['ticket'], members: ['ann'] })
 * await crm.tickets.create({ subject: 'Cannot log in', assigneeId: support.id })
 * const next = await crm.plugins.queues.as('ann').claimNext(support.id, 'ticket')
 * ```
 *
 * @packageDocumentation
 */

export {
  type ClaimRuntime,
  claimNextRecord,
  claimRecord,
  isMember,
  ownerFieldOf,
  releaseRecord,
} from './claim/claim-record.js'
export {
  type ActingThrough,
  DEFAULT_OWNER_FIELDS,
  type QueueMemberActions,
  type QueuesApi,
  type QueuesOptions,
  queueMemberScope,
  queuesPlugin,
  type UnownedOptions,
} from './plugin/queues-plugin.js'
export { checkQueueTakes, type OwnerFields, ownerHooks, queueHooks } from './queue/owner-hooks.js'
export {
  isQueueId,
  QUEUE_ID_PREFIX,
  type Queue,
  type QueueMember,
  queueEntity,
  queueMemberEntity,
} from './queue/queue-entities.js'
export { type QueuesErrorCode, QueuesErrorCodes } from './queues-error.js'
