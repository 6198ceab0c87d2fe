import type { Actor } from '@rapport/core/events'
import type { CommitContext, EntityHooks, HookContext, QueuedEvent } from '@rapport/core/plugin'
import { approvalsError } from '../approvals-error.js'
import { pendingKeyOf } from '../engine/submit-request.js'

/**
 * The lock on an approved entity: while its record has a pending request, an update or a delete is refused with
 * `APPROVALS_RECORD_LOCKED` and writes nothing. The lookup runs as the plugin's system actor in the writer's
 * transaction (`ctx.actingAs`), so writers need no rights on approval requests to be stopped by them.
 */
export function lockHooks(entity: string, systemActor: Actor): EntityHooks {
  const refuseIfLocked = async (recordId: unknown, ctx: HookContext) => {
    if (typeof recordId !== 'string') return
    const pending = await ctx
      .actingAs(systemActor)
      .entity('approvalRequest')
      .count({ where: { field: 'pendingKey', op: 'eq', value: pendingKeyOf(entity, recordId) } })
    if (pending > 0) {
      throw approvalsError(
        'APPROVALS_RECORD_LOCKED',
        `This ${entity} is locked by a pending approval request`,
        {
          entity,
          recordId,
        },
      )
    }
  }
  return {
    update: {
      before: async (_patch, ctx) => {
        await refuseIfLocked(ctx.current['id'], ctx)
        return undefined
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
 * of a record with a pending request rolls the whole write back with `APPROVALS_RECORD_LOCKED`. It reads the
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
    const pending = await ctx.storage.count({
      model,
      tenantId,
      schema: ctx.schema,
      where: {
        kind: 'compare',
        ref: { field: 'pendingKey', type: 'string' },
        op: 'eq',
        value: pendingKeyOf(entity, id),
      },
    })
    if (pending > 0) {
      throw approvalsError(
        'APPROVALS_RECORD_LOCKED',
        `This ${entity} is locked by a pending approval request`,
        {
          entity,
          recordId: id,
        },
      )
    }
  }
}
