import type { CrmServices } from '@rapport/core'
import type { EntityHooks, HookContext } from '@rapport/core/plugin'
import { queuesError } from '../queues-error.js'
import type { Queue } from './queue-entities.js'
import { isQueueId } from './queue-entities.js'

// Which records a queue may own, checked on every write that puts a queue id into an owner field.

/** Which field holds the owner of each queued entity, e.g. `{ lead: 'ownerId', ticket: 'assigneeId' }`. */
export type OwnerFields = Readonly<Record<string, string>>

/**
 * The queue named by `queueId`, checked to take records of `entity`: it exists (and is visible to the writer: an
 * owner the writer cannot see is `QUEUES_UNKNOWN_QUEUE`, as a link target would be), is active and serves `entity`.
 */
export async function checkQueueTakes(crm: CrmServices, queueId: string, entity: string): Promise<Queue> {
  const queue = await crm.entity<Queue>('queue').find(queueId)
  const details = { queueId, entity }
  if (!queue || queue.archivedAt) throw queuesError('QUEUES_UNKNOWN_QUEUE', `No queue "${queueId}"`, details)
  if (!queue.active)
    throw queuesError('QUEUES_QUEUE_INACTIVE', `The queue "${queue.name}" is inactive`, details)
  if (!queue.entities.includes(entity)) {
    throw queuesError(
      'QUEUES_ENTITY_NOT_SERVED',
      `The queue "${queue.name}" does not take ${entity} records`,
      {
        ...details,
        served: queue.entities,
      },
    )
  }
  return queue
}

/** `queue.routed`, queued when a write puts a record into a queue (delivered after commit). */
function emitRouted(ctx: HookContext, record: Record<string, unknown>, queueId: string, field: string) {
  ctx.crm.emit('queue.routed', { queueId, entity: ctx.entity, recordId: record['id'], field })
}

/**
 * The hooks of one queued entity: a write that sets its owner field to a queue id is checked against the queue
 * (typed error, nothing written) and announced as `queue.routed`. User ids pass untouched: no lookup per write.
 */
export function ownerHooks(field: string): EntityHooks {
  return {
    create: {
      async before(data, ctx) {
        const owner = data[field]
        if (isQueueId(owner)) await checkQueueTakes(ctx.crm, owner, ctx.entity)
        return undefined
      },
      after(record, ctx) {
        const owner = record[field]
        if (isQueueId(owner)) emitRouted(ctx, record, owner, field)
      },
    },
    update: {
      async before(patch, ctx) {
        const owner = patch[field]
        if (isQueueId(owner) && owner !== ctx.current[field])
          await checkQueueTakes(ctx.crm, owner, ctx.entity)
        return undefined
      },
      after(record, ctx) {
        const owner = record[field]
        if (isQueueId(owner) && ctx.changes.includes(field)) emitRouted(ctx, record, owner, field)
      },
    },
  }
}

/**
 * The hooks of the `queue` entity: it may only serve entities with an owner field (`QUEUES_NO_OWNER_FIELD`), and a
 * queue still owning records cannot be deleted (`QUEUES_QUEUE_NOT_EMPTY`): they would be left with a dangling owner.
 */
export function queueHooks(ownerFields: OwnerFields): EntityHooks {
  const checkEntities = (entities: unknown) => {
    for (const entity of Array.isArray(entities) ? entities : []) {
      if (typeof entity === 'string' && !Object.hasOwn(ownerFields, entity)) {
        throw queuesError('QUEUES_NO_OWNER_FIELD', `"${entity}" has no owner field queues can use`, {
          entity,
          queued: Object.keys(ownerFields),
        })
      }
    }
  }
  return {
    create: {
      before(data) {
        checkEntities(data['entities'])
        return undefined
      },
    },
    update: {
      before(patch) {
        checkEntities(patch['entities'])
        return undefined
      },
    },
    delete: {
      async before(record, ctx) {
        for (const [entity, field] of Object.entries(ownerFields)) {
          const held = await ctx.crm
            .entity(entity)
            .count({ where: { field, op: 'eq', value: record['id'] as string }, includeArchived: true })
          if (held > 0) {
            throw queuesError('QUEUES_QUEUE_NOT_EMPTY', `The queue still owns ${held} ${entity} records`, {
              queueId: record['id'],
              entity,
              held,
            })
          }
        }
        return undefined
      },
    },
  }
}
