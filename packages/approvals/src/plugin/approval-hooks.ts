import type { Actor } from '@rapport/core/events'
import type { CommitContext, EntityHooks, HookContext, QueuedEvent } from '@rapport/core/plugin'
import { approvalsError } from '../approvals-error.js'
import type { ApprovalsRuntime } from '../engine/approvals-runtime.js'
import { openRequest, pendingKeyOf } from '../engine/submit-request.js'
import type { ResolvedPolicy } from '../policy/approval-policy.js'

/**
 * The lock on an approved entity: while its record has a pending request (or an approved one under
 * `afterApproval: 'lock'`), an update or a delete is refused with `APPROVALS_RECORD_LOCKED` and writes nothing. The
 * lookup runs as the plugin's system actor in the writer's transaction (`ctx.actingAs`), so writers need no rights on
 * approval requests to be stopped by them.
 *
 * With policies binding a status field (`recordStatus`), a writer moving the field to its pending value opens the
 * request in the same transaction, as its submitter, and only the plugin moves it to the approved value
 * (`APPROVALS_APPROVAL_REQUIRED`).
 */
export function lockHooks(
  entity: string,
  systemActor: Actor,
  bound: readonly ResolvedPolicy[],
  runtime: () => ApprovalsRuntime,
): EntityHooks {
  const refuseIfLocked = async (recordId: unknown, ctx: HookContext) => {
    if (typeof recordId !== 'string') return
    const key = pendingKeyOf(entity, recordId)
    const requests = ctx.actingAs(systemActor).entity('approvalRequest')
    const pending = await requests.count({ where: { field: 'pendingKey', op: 'eq', value: key } })
    const approved =
      pending > 0 ? 0 : await requests.count({ where: { field: 'lockKey', op: 'eq', value: key } })
    if (pending > 0 || approved > 0) {
      throw approvalsError(
        'APPROVALS_RECORD_LOCKED',
        pending > 0
          ? `This ${entity} is locked by a pending approval request`
          : `This ${entity} is locked since its approval`,
        { entity, recordId, reason: pending > 0 ? 'pending' : 'approved' },
      )
    }
  }
  const isSystem = (ctx: HookContext) => ctx.actor?.id === systemActor.id
  // Whether a record needs the policy's approval: always, unless the binding leaves records outside the entry filter
  // free. Read as the system actor, so the writer's access does not change the answer.
  const needsApproval = async (
    policy: ResolvedPolicy,
    record: Readonly<Record<string, unknown>>,
    ctx: HookContext,
  ) => {
    const filter = policy.entryFilter
    if (policy.recordStatus?.outsideEntry !== 'free' || !filter) return true
    return (await ctx.actingAs(systemActor).entity(entity).matcher(filter))(record)
  }
  // Checked on the record as written, not on the patch: a staged entity reaches its approved stage through a written
  // status, a stageId or moveStage alike, and the record's status field says where it ended up.
  const refuseApprovedByHand = async (
    record: Readonly<Record<string, unknown>>,
    before: Readonly<Record<string, unknown>> | null,
    ctx: HookContext,
  ) => {
    if (isSystem(ctx)) return
    for (const policy of bound) {
      const binding = policy.recordStatus
      if (!binding) continue
      const value = record[binding.field]
      if (before !== null && before[binding.field] === value) continue
      if (value !== binding.approved && !(before === null && value === binding.pending)) continue
      if (!(await needsApproval(policy, record, ctx))) continue
      throw approvalsError(
        'APPROVALS_APPROVAL_REQUIRED',
        `Only an approval under "${policy.id}" sets ${entity}.${binding.field} to "${String(value)}"`,
        { entity, policyId: policy.id, field: binding.field, value },
      )
    }
  }
  return {
    create: {
      // A record cannot be born approved or pending: create it, then submit it.
      after: (record, ctx) => refuseApprovedByHand(record, null, ctx),
    },
    update: {
      before: async (_patch, ctx) => {
        await refuseIfLocked(ctx.current['id'], ctx)
        return undefined
      },
      after: async (record, ctx) => {
        await refuseApprovedByHand(record, ctx.before, ctx)
        if (isSystem(ctx)) return
        const entering: ResolvedPolicy[] = []
        for (const p of bound) {
          const b = p.recordStatus
          if (!b || record[b.field] !== b.pending || ctx.before[b.field] === b.pending) continue
          if (await needsApproval(p, record, ctx)) entering.push(p)
        }
        if (entering.length === 0) return
        // The writer submits: the request is opened in their write's transaction, by the system actor's services.
        const rt = runtime()
        const tx = ctx.actingAs(systemActor)
        let policy = entering[0] as ResolvedPolicy
        for (const candidate of entering) {
          const filter = candidate.entryFilter
          if (!filter || (await tx.entity(entity).matcher(filter))(record)) {
            policy = candidate
            break
          }
        }
        await openRequest(rt, tx, policy, record, ctx.actor?.id ?? 'anonymous', null)
      },
    },
    delete: {
      before: async (record, ctx) => {
        await refuseIfLocked(record['id'], ctx)
        return undefined
      },
    },
  }
}

/**
 * Requests and tasks are written by the plugin (its system actor) only; log entries are created by it and never
 * updated or deleted by anyone. Anything else is `APPROVALS_READ_ONLY`.
 */
export function bookHooks(entity: string, systemActor: Actor, appendOnly: boolean): EntityHooks {
  const refuse = (ctx: HookContext, operation: string, always: boolean) => {
    if (always || ctx.actor?.id !== systemActor.id) {
      throw approvalsError(
        'APPROVALS_READ_ONLY',
        `${entity} records are written by the approvals plugin only`,
        {
          entity,
          operation,
        },
      )
    }
  }
  return {
    create: {
      before: (_data, ctx) => {
        refuse(ctx, 'create', false)
        return undefined
      },
    },
    update: {
      before: (_patch, ctx) => {
        refuse(ctx, 'update', appendOnly)
        return undefined
      },
    },
    delete: {
      before: (_record, ctx) => {
        refuse(ctx, 'delete', appendOnly)
        return undefined
      },
    },
  }
}

/**
 * Archiving runs no entity hooks, so the lock on archives is checked just before commit: an `<entity>.archived` event
 * of a record with a pending request (or locked since its approval) rolls the whole write back with `APPROVALS_RECORD_LOCKED`. It reads the
 * transaction's own storage, so no actor's access hides the request.
 */
export async function refuseLockedArchives(
  lockedEntities: ReadonlySet<string>,
  events: readonly QueuedEvent[],
  ctx: CommitContext,
): Promise<void> {
  const model = ctx.schema.models['approvalRequest']
  if (!model) return
  for (const event of events) {
    const [entity, verb] = event.type.split('.')
    if (verb !== 'archived' || entity === undefined || !lockedEntities.has(entity)) continue
    const { id, tenantId } = event.payload as { id?: unknown; tenantId?: unknown }
    if (typeof id !== 'string' || typeof tenantId !== 'string') continue
    let locks = 0
    for (const field of ['pendingKey', 'lockKey']) {
      locks += await ctx.storage.count({
        model,
        tenantId,
        schema: ctx.schema,
        where: { kind: 'compare', ref: { field, type: 'string' }, op: 'eq', value: pendingKeyOf(entity, id) },
      })
    }
    if (locks > 0) {
      throw approvalsError('APPROVALS_RECORD_LOCKED', `This ${entity} is locked by an approval request`, {
        entity,
        recordId: id,
      })
    }
  }
}
