import type { Actor } from '@rapport/core/events'
import { approvalsError } from '../approvals-error.js'
import type { ApprovalRequest } from '../entities/approval-entities.js'
import { activateStep } from './advance-request.js'
import type { ApprovalsRuntime } from './approvals-runtime.js'
import { books, eventOf, writeLog } from './approvals-runtime.js'
import { resolvePlan } from './resolve-approvers.js'

/** What `submit` takes. */
export interface SubmitInput {
  /** The policy's id. */
  readonly policyId: string
  /** The record to approve (an entity of the policy's `entity`). */
  readonly recordId: string
  readonly comment?: string
}

/** The key of the unique index that allows one pending request per record. */
export const pendingKeyOf = (entity: string, recordId: string) => `${entity}:${recordId}`

/**
 * Submits a record for approval, in one transaction: checks the entry filter, resolves every step's approvers, writes
 * the request, its first tasks and the log, and locks the record. The record is read as the submitter, so a record
 * outside their access is `NOT_FOUND`.
 */
export async function submitRequest(
  rt: ApprovalsRuntime,
  tenantId: string,
  submitter: Actor,
  input: SubmitInput,
): Promise<ApprovalRequest> {
  const policy = rt.policies.get(input.policyId)
  if (!policy) {
    throw approvalsError('APPROVALS_UNKNOWN_POLICY', `No approval policy "${String(input.policyId)}"`, {
      policyId: input.policyId,
      known: [...rt.policies.keys()],
    })
  }
  await rt.services(tenantId, submitter).entity(policy.entity).get(input.recordId)
  return rt.services(tenantId).transaction(async (tx) => {
    const record = await tx.entity(policy.entity).get(input.recordId)
    if (policy.entryFilter && !(await tx.entity(policy.entity).matcher(policy.entryFilter))(record)) {
      throw approvalsError(
        'APPROVALS_ENTRY_NOT_MET',
        `The record does not meet the entry filter of "${policy.id}"`,
        {
          policyId: policy.id,
          recordId: input.recordId,
        },
      )
    }
    const pendingKey = pendingKeyOf(policy.entity, input.recordId)
    const pending = await books(tx).requests.count({
      where: { field: 'pendingKey', op: 'eq', value: pendingKey },
    })
    if (pending > 0) {
      throw approvalsError('APPROVALS_ALREADY_PENDING', 'The record already has a pending approval request', {
        entity: policy.entity,
        recordId: input.recordId,
      })
    }
    const plan = await resolvePlan(rt, tx, policy, record, submitter.id)
    const request = await books(tx).requests.create({
      policyId: policy.id,
      entity: policy.entity,
      recordId: input.recordId,
      status: 'pending',
      stepIndex: 0,
      round: 0,
      plan,
      submittedBy: submitter.id,
      submittedAt: rt.clock(),
      recordVersion: typeof record['version'] === 'number' ? record['version'] : null,
      pendingKey,
    })
    await writeLog(rt, tx, request, {
      action: 'submitted',
      actorId: submitter.id,
      stepIndex: null,
      comment: input.comment ?? null,
    })
    tx.emit('approval.requested', eventOf(request))
    return activateStep(rt, tx, request, 0, 1, submitter.id)
  })
}
