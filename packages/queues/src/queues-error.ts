import { RapportError } from '@rapport/core'

/**
 * The error codes of `@rapport/queues` (plugin codes `QUEUES_*`, also listed in `crm.errorCodes`). Each is thrown
 * before anything is written.
 */
export const QueuesErrorCodes = {
  /** An owner field names a queue (`que_…`) that does not exist or is outside the caller's access. */
  QUEUES_UNKNOWN_QUEUE: 'QUEUES_UNKNOWN_QUEUE',
  /** The queue does not serve the record's entity (`queue.entities`). */
  QUEUES_ENTITY_NOT_SERVED: 'QUEUES_ENTITY_NOT_SERVED',
  /** The queue is inactive: it takes no new records. */
  QUEUES_QUEUE_INACTIVE: 'QUEUES_QUEUE_INACTIVE',
  /** A queue that still owns records cannot be deleted (they would keep a dangling owner). */
  QUEUES_QUEUE_NOT_EMPTY: 'QUEUES_QUEUE_NOT_EMPTY',
  /** The entity has no owner field configured in `queuesPlugin({ ownerFields })`. */
  QUEUES_NO_OWNER_FIELD: 'QUEUES_NO_OWNER_FIELD',
  /** The claimer is not a member of the queue that owns the record. */
  QUEUES_NOT_A_MEMBER: 'QUEUES_NOT_A_MEMBER',
  /** The record is not (or no longer) owned by a queue: someone else claimed it first, or it was never queued. */
  QUEUES_ALREADY_CLAIMED: 'QUEUES_ALREADY_CLAIMED',
  /** Only the record's current owner may release it back to a queue. */
  QUEUES_NOT_OWNER: 'QUEUES_NOT_OWNER',
} as const

/** One of the queue error codes. */
export type QueuesErrorCode = keyof typeof QueuesErrorCodes

/** @internal */
export function queuesError(
  code: QueuesErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
