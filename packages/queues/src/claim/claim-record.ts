import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { OwnerFields } from '../queue/owner-hooks.js'
import { isQueueId } from '../queue/queue-entities.js'
import { queuesError } from '../queues-error.js'

// Claiming: a member takes a record out of its queue. The write is a compare-and-set on the record's version, so of
// two members claiming the same record at once exactly one wins; the other gets QUEUES_ALREADY_CLAIMED.

/** What claims and releases run with. */
export interface ClaimRuntime {
  readonly ownerFields: OwnerFields
  /** Services of the tenant acting for the claimer (their access applies to the record). */
  readonly asActor: CrmServices
  /** Services of the tenant acting as the plugin's system actor (membership lookups). */
  readonly asSystem: CrmServices
  readonly actor: Actor
}

/** The owner field of `entity`, or `QUEUES_NO_OWNER_FIELD`. */
export function ownerFieldOf(ownerFields: OwnerFields, entity: string): string {
  const field = Object.hasOwn(ownerFields, entity) ? ownerFields[entity] : undefined
  if (!field) {
    throw queuesError('QUEUES_NO_OWNER_FIELD', `"${entity}" has no owner field queues can use`, {
      entity,
      queued: Object.keys(ownerFields),
    })
  }
  return field
}

/** Whether `userId` is a member of `queueId`. */
export async function isMember(asSystem: CrmServices, queueId: string, userId: string): Promise<boolean> {
  const held = await asSystem.entity('queueMember').count({
    where: {
      and: [
        { field: 'queueId', op: 'eq', value: queueId },
        { field: 'userId', op: 'eq', value: userId },
      ],
    },
  })
  return held > 0
}

const claimed = (entity: string, recordId: string) =>
  queuesError('QUEUES_ALREADY_CLAIMED', `The ${entity} "${recordId}" is not in a queue (claimed already?)`, {
    entity,
    recordId,
  })

/** A write lost to a concurrent one: its version moved on, or it left the writer's scope. */
const lostRace = (error: unknown) =>
  isRapportError(error) && (error.code === 'VERSION_CONFLICT' || error.code === 'NOT_FOUND')

/**
 * Claims a queued record for the actor: it must be visible to them (`NOT_FOUND` otherwise), owned by a queue
 * (`QUEUES_ALREADY_CLAIMED` otherwise) of which they are a member (`QUEUES_NOT_A_MEMBER`). The owner becomes the
 * actor in one versioned update, and `queue.claimed` is emitted with it.
 */
export async function claimRecord(
  rt: ClaimRuntime,
  entity: string,
  recordId: string,
): Promise<Record<string, unknown>> {
  const field = ownerFieldOf(rt.ownerFields, entity)
  const record = await rt.asActor.entity(entity).get(recordId)
  const queueId = record[field]
  if (!isQueueId(queueId)) throw claimed(entity, recordId)
  if (!(await isMember(rt.asSystem, queueId, rt.actor.id))) {
    throw queuesError('QUEUES_NOT_A_MEMBER', `Only members of the queue may claim its records`, {
      queueId,
      entity,
      recordId,
      userId: rt.actor.id,
    })
  }
  try {
    return await rt.asActor.transaction(async (tx) => {
      const after = await tx
        .entity(entity)
        .update(recordId, { [field]: rt.actor.id }, { expectedVersion: record['version'] as number })
      tx.emit('queue.claimed', { queueId, entity, recordId, userId: rt.actor.id })
      return after
    })
  } catch (error) {
    // The record changed between the read and the write. Whoever changed it, if it is still queued the caller may
    // try again; most often another member claimed it, which is what the caller is told.
    if (lostRace(error)) throw claimed(entity, recordId)
    throw error
  }
}

/**
 * The oldest records of a queue (by `createdAt`, then id) that the actor can claim, claimed one at a time until one
 * succeeds: a record another member takes first is skipped. `null` when the queue is empty.
 */
export async function claimNextRecord(
  rt: ClaimRuntime,
  queueId: string,
  entity: string,
): Promise<Record<string, unknown> | null> {
  const field = ownerFieldOf(rt.ownerFields, entity)
  if (!(await isMember(rt.asSystem, queueId, rt.actor.id))) {
    throw queuesError('QUEUES_NOT_A_MEMBER', `Only members of the queue may claim its records`, {
      queueId,
      entity,
      userId: rt.actor.id,
    })
  }
  let cursor: string | null = null
  for (;;) {
    const page = await rt.asActor.entity(entity).list({
      where: { field, op: 'eq', value: queueId },
      orderBy: [{ field: 'createdAt', direction: 'asc' }],
      limit: 20,
      cursor,
    })
    for (const candidate of page.items) {
      try {
        return await claimRecord(rt, entity, candidate['id'] as string)
      } catch (error) {
        if (!isRapportError(error) || error.code !== 'QUEUES_ALREADY_CLAIMED') throw error
      }
    }
    if (!page.hasMore) return null
    cursor = page.nextCursor
  }
}

/**
 * Hands a record the actor owns back to a queue (`QUEUES_NOT_OWNER` when they do not own it); the queue must take
 * the entity (the owner hooks check it). Emits `queue.released`.
 */
export async function releaseRecord(
  rt: ClaimRuntime,
  entity: string,
  recordId: string,
  queueId: string,
): Promise<Record<string, unknown>> {
  const field = ownerFieldOf(rt.ownerFields, entity)
  const record = await rt.asActor.entity(entity).get(recordId)
  if (record[field] !== rt.actor.id) {
    throw queuesError('QUEUES_NOT_OWNER', `Only the owner may release the ${entity} "${recordId}"`, {
      entity,
      recordId,
      userId: rt.actor.id,
    })
  }
  return rt.asActor.transaction(async (tx) => {
    const after = await tx
      .entity(entity)
      .update(recordId, { [field]: queueId }, { expectedVersion: record['version'] as number })
    tx.emit('queue.released', { queueId, entity, recordId, userId: rt.actor.id })
    return after
  })
}
