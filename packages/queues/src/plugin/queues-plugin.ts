import type { CrmPlugin, CrmServices } from '@rapport/core'
import { definePlugin } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { Filter } from '@rapport/core/filter'
import type { ListOptions, Page } from '@rapport/core/services'
import { claimNextRecord, claimRecord, isMember, ownerFieldOf, releaseRecord } from '../claim/claim-record.js'
import type { OwnerFields } from '../queue/owner-hooks.js'
import { checkQueueTakes, ownerHooks, queueHooks } from '../queue/owner-hooks.js'
import type { Queue, QueueMember } from '../queue/queue-entities.js'
import { queueEntity, queueMemberEntity } from '../queue/queue-entities.js'
import { QueuesErrorCodes } from '../queues-error.js'

/** The owner fields queued by default: core's records with an owner, and tickets by their assignee. */
export const DEFAULT_OWNER_FIELDS: OwnerFields = {
  lead: 'ownerId',
  contact: 'ownerId',
  company: 'ownerId',
  deal: 'ownerId',
  ticket: 'assigneeId',
}

/** Options of {@link queuesPlugin}. */
export interface QueuesOptions {
  /**
   * The entities queues may own and the field holding each one's owner (default {@link DEFAULT_OWNER_FIELDS}). A
   * plugin entity with an owner field joins by being listed here.
   */
  readonly ownerFields?: OwnerFields
  /**
   * The actor the plugin reads memberships as (default `{ id: 'queues' }`). With `@rapport/access`, let it read
   * `queueMember`.
   */
  readonly actor?: Actor
}

/** Services to act through (another tenant or actor: `crm.scoped(...)`); default the CRM's own. */
export interface ActingThrough {
  readonly crm?: CrmServices
}

/** Which page of a queue's records `unowned` returns: `list()` options with the owner condition added. */
export interface UnownedOptions extends Omit<ListOptions, 'where'> {
  /** The queued entity, e.g. `lead` or `ticket`. */
  readonly entity: string
  /** Further conditions, ANDed with "owned by the queue". */
  readonly where?: Filter
}

/** What a member can do with queues, as `crm.plugins.queues.as(actor)`. */
export interface QueueMemberActions {
  /**
   * Takes a queued record: the owner becomes the actor, atomically. Of two members claiming the same record at once,
   * one wins and the other gets `QUEUES_ALREADY_CLAIMED`. Non-members get `QUEUES_NOT_A_MEMBER`; records outside the
   * actor's access are `NOT_FOUND`. Emits `queue.claimed`.
   */
  claim(entity: string, recordId: string): Promise<Record<string, unknown>>
  /** Claims the oldest record of the queue that nobody takes first; `null` when the queue is empty. */
  claimNext(queueId: string, entity: string): Promise<Record<string, unknown> | null>
  /** Hands a record the actor owns back to a queue (`QUEUES_NOT_OWNER` otherwise). Emits `queue.released`. */
  release(entity: string, recordId: string, queueId: string): Promise<Record<string, unknown>>
  /** A page of the queue's records visible to the actor, oldest first unless `orderBy` says otherwise. */
  unowned(queueId: string, options: UnownedOptions): Promise<Page<Record<string, unknown>>>
  /** The queues the actor is a member of. */
  queues(): Promise<Queue[]>
}

/** The API of the plugin, as `crm.plugins.queues`. */
export interface QueuesApi {
  /** The entities queues may own, and their owner fields. */
  readonly ownerFields: OwnerFields
  /** Creates a queue with its first members. */
  create(
    input: { name: string; entities: string[]; description?: string; members?: readonly string[] },
    options?: ActingThrough,
  ): Promise<Queue>
  /** Adds a member (idempotent: an existing member is returned as is). */
  addMember(queueId: string, userId: string, options?: ActingThrough): Promise<QueueMember>
  /** Removes a member; `false` when they were not one. */
  removeMember(queueId: string, userId: string, options?: ActingThrough): Promise<boolean>
  /** The user ids of a queue's members. */
  members(queueId: string, options?: ActingThrough): Promise<string[]>
  /** Whether `userId` is a member of `queueId`. */
  isMember(queueId: string, userId: string, options?: ActingThrough): Promise<boolean>
  /** A page of the records the queue owns (nobody has claimed them yet), oldest first by default. */
  unowned(queueId: string, options: UnownedOptions & ActingThrough): Promise<Page<Record<string, unknown>>>
  /** Puts a record into a queue (the owner field becomes the queue id; the queue must take the entity). */
  route(
    entity: string,
    recordId: string,
    queueId: string,
    options?: ActingThrough,
  ): Promise<Record<string, unknown>>
  /** The actions of `actor` (a user id or an actor), in the CRM's tenant or `options.tenantId`. */
  as(actor: Actor | string, options?: { readonly tenantId?: string }): QueueMemberActions
}

async function unownedPage(
  crm: CrmServices,
  ownerFields: OwnerFields,
  queueId: string,
  options: UnownedOptions,
): Promise<Page<Record<string, unknown>>> {
  const { entity, where, ...list } = options
  const field = ownerFieldOf(ownerFields, entity)
  const owned: Filter = { field, op: 'eq', value: queueId }
  return crm.entity(entity).list({
    orderBy: [{ field: 'createdAt', direction: 'asc' }],
    ...list,
    where: where ? { and: [owned, where] } : owned,
  })
}

/**
 * Queues (Salesforce-style): an owner is a user or a queue. A record whose owner field holds a queue id (`que_…`)
 * sits in the queue, unowned by any user; queue members list and claim it, atomically. Assignment rules route to a
 * queue by naming its id as the owner (`@rapport/automation`'s `{ kind: 'queue', queueId }` strategy). Every write
 * naming a queue is checked: the queue exists, is active and takes the entity.
 *
 * @example
 * ```ts
 * import { queuesPlugin, queueMemberScope } from '@rapport/queues'
 *
 * const crm = createCrm({ storage, plugins: [queuesPlugin()] as const })
 * const triage = await crm.plugins.queues.create({ name: 'Triage', entities: ['lead'], members: ['ann', 'bob'] })
 * const lead = await crm.leads.create({ lastName: 'Wu', ownerId: triage.id })
 * const mine = await crm.plugins.queues.as('ann').claim('lead', lead.id) // ownerId: 'ann'
 * await crm.plugins.queues.as('bob').claim('lead', lead.id) // QUEUES_ALREADY_CLAIMED
 * ```
 */
export function queuesPlugin(options: QueuesOptions = {}): CrmPlugin<'queues', QueuesApi> {
  const ownerFields = options.ownerFields ?? DEFAULT_OWNER_FIELDS
  const systemActor: Actor = options.actor ?? { id: 'queues' }
  return definePlugin({
    id: 'queues',
    schema: {
      entities: [queueEntity, queueMemberEntity],
      relations: Object.fromEntries(
        Object.entries(ownerFields).map(([entity, field]) => [
          entity,
          { ownerQueue: { kind: 'belongsTo', model: 'queue', localKey: field } },
        ]),
      ),
    },
    hooks: {
      queue: queueHooks(ownerFields),
      ...Object.fromEntries(
        Object.entries(ownerFields).map(([entity, field]) => [entity, ownerHooks(field)]),
      ),
    },
    errorCodes: Object.fromEntries(
      Object.keys(QueuesErrorCodes).map((code) => [code.replace(/^QUEUES_/, ''), code]),
    ),
    expose: { entities: ['queue', 'queueMember'] },
    api(ctx): QueuesApi {
      const through = (o?: ActingThrough) => o?.crm ?? ctx.crm
      const memberships = (crm: CrmServices) => crm.entity<QueueMember>('queueMember')
      const membershipOf = async (crm: CrmServices, queueId: string, userId: string) =>
        (
          await memberships(crm).list({
            where: {
              and: [
                { field: 'queueId', op: 'eq', value: queueId },
                { field: 'userId', op: 'eq', value: userId },
              ],
            },
            limit: 1,
          })
        ).items[0] ?? null
      return {
        ownerFields,
        async create(input, o) {
          const { members = [], ...queue } = input
          return through(o).transaction(async (tx) => {
            const created = await tx.entity<Queue>('queue').create(queue)
            await memberships(tx).createMany(
              [...new Set(members)].map((userId) => ({ queueId: created.id, userId })),
            )
            return created
          })
        },
        async addMember(queueId, userId, o) {
          const crm = through(o)
          await crm.entity('queue').get(queueId)
          return (await membershipOf(crm, queueId, userId)) ?? memberships(crm).create({ queueId, userId })
        },
        async removeMember(queueId, userId, o) {
          const crm = through(o)
          const membership = await membershipOf(crm, queueId, userId)
          if (!membership) return false
          await memberships(crm).delete(membership.id)
          return true
        },
        async members(queueId, o) {
          const out: string[] = []
          for await (const m of memberships(through(o)).iterate({
            where: { field: 'queueId', op: 'eq', value: queueId },
            orderBy: [{ field: 'userId', direction: 'asc' }],
          })) {
            out.push(m.userId)
          }
          return out
        },
        isMember: (queueId, userId, o) => isMember(through(o), queueId, userId),
        unowned: (queueId, o) => unownedPage(through(o), ownerFields, queueId, o),
        async route(entity, recordId, queueId, o) {
          const crm = through(o)
          await checkQueueTakes(crm, queueId, entity)
          return crm.entity(entity).update(recordId, { [ownerFieldOf(ownerFields, entity)]: queueId })
        },
        as(who, where) {
          const actor: Actor = typeof who === 'string' ? { id: who } : who
          const tenantId = where?.tenantId ?? ctx.crm.tenantId
          const rt = {
            ownerFields,
            actor,
            asActor: ctx.scoped({ tenantId, actor }),
            asSystem: ctx.scoped({ tenantId, actor: systemActor }),
          }
          return {
            claim: (entity, recordId) => claimRecord(rt, entity, recordId),
            claimNext: (queueId, entity) => claimNextRecord(rt, queueId, entity),
            release: (entity, recordId, queueId) => releaseRecord(rt, entity, recordId, queueId),
            unowned: (queueId, o) => unownedPage(rt.asActor, ownerFields, queueId, o),
            async queues() {
              const ids: string[] = []
              for await (const m of memberships(rt.asSystem).iterate({
                where: { field: 'userId', op: 'eq', value: actor.id },
              })) {
                ids.push(m.queueId)
              }
              if (ids.length === 0) return []
              const page = await rt.asSystem.entity<Queue>('queue').list({
                where: { field: 'id', op: 'in', value: ids },
                orderBy: [{ field: 'name', direction: 'asc' }],
                limit: 1000,
              })
              return page.items
            },
          }
        },
      }
    },
  })
}

/**
 * The access-policy filter "owned by a queue `userId` is a member of", for a host's scope: OR it with the usual
 * "owned by me" so members see (and may claim) their queues' records. Core applies the read scopes of `queue` and
 * `queueMember` inside it too, so the actor must be allowed to read those.
 *
 * @example
 * ```ts
 * const policy: AccessPolicy = {
 *   scope: ({ actor, entity }) =>
 *     entity === 'lead' && actor
 *       ? { or: [{ field: 'ownerId', op: 'eq', value: actor.id }, queueMemberScope(actor.id)] }
 *       : null,
 * }
 * ```
 */
export function queueMemberScope(userId: string): Filter {
  return {
    exists: 'ownerQueue',
    where: { exists: 'members', where: { field: 'userId', op: 'eq', value: userId } },
  }
}
