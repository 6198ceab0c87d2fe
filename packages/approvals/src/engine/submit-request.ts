import type { CrmServices } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import { approvalsError } from '../approvals-error.js'
import type { ApprovalRequest } from '../entities/approval-entities.js'
import type { ResolvedPolicy } from '../policy/approval-policy.js'
import { activateStep } from './advance-request.js'
import type { ApprovalsRuntime } from './approvals-runtime.js'
import { books, eventOf, writeLog } from './approvals-runtime.js'
import { recordHash } from './record-hash.js'
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
 * Submits a record for approval, in one transaction: moves a bound status field to its pending value, then opens the
 * request ({@link openRequest}). The record is read as the submitter first, so a record outside their access is
 * `NOT_FOUND`.
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
    const service = tx.entity(policy.entity)
    let record = await service.get(input.recordId)
    const binding = policy.recordStatus
    if (binding && record[binding.field] !== binding.pending) {
      // Written by the system actor before the request exists: the lock lets it through, the bound hook ignores it.
      await refuseIfLockedAfterApproval(tx, policy, input.recordId)
      record = await service.update(input.recordId, { [binding.field]: binding.pending })
    }
    return openRequest(rt, tx, policy, record, submitter.id, input.comment ?? null)
  })
}

async function refuseIfLockedAfterApproval(tx: CrmServices, policy: ResolvedPolicy, recordId: string) {
  const locked = await books(tx).requests.count({
    where: { field: 'lockKey', op: 'eq', value: pendingKeyOf(policy.entity, recordId) },
  })
  if (locked > 0) {
    throw approvalsError('APPROVALS_RECORD_LOCKED', `This ${policy.entity} is locked since its approval`, {
      entity: policy.entity,
      recordId,
      reason: 'approved',
    })
  }
}

/**
 * Opens a request on `record` (as stored, a bound status already pending) inside `tx` (the system actor's services):
 * checks the entry filter, resolves every step's approvers, hashes the record, writes the request, its first tasks
 * and the log. Shared by `submit` and by a writer moving a bound status field to pending.
 */
export async function openRequest(
  rt: ApprovalsRuntime,
  tx: CrmServices,
  policy: ResolvedPolicy,
  record: Readonly<Record<string, unknown>>,
  submittedBy: string,
  comment: string | null,
): Promise<ApprovalRequest> {
  const recordId = String(record['id'])
  if (policy.entryFilter && !(await tx.entity(policy.entity).matcher(policy.entryFilter))(record)) {
    throw approvalsError(
      'APPROVALS_ENTRY_NOT_MET',
      `The record does not meet the entry filter of "${policy.id}"`,
      { policyId: policy.id, recordId },
    )
  }
  const pendingKey = pendingKeyOf(policy.entity, recordId)
  const pending = await books(tx).requests.count({
    where: { field: 'pendingKey', op: 'eq', value: pendingKey },
  })
  if (pending > 0) {
    throw approvalsError('APPROVALS_ALREADY_PENDING', 'The record already has a pending approval request', {
      entity: policy.entity,
      recordId,
    })
  }
  await refuseIfLockedAfterApproval(tx, policy, recordId)
  const plan = await resolvePlan(rt, tx, policy, record, submittedBy)
  const hash = await recordHash(record)
  const request = await books(tx).requests.create({
    policyId: policy.id,
    entity: policy.entity,
    recordId,
    status: 'pending',
    stepIndex: 0,
    round: 0,
    plan,
    submittedBy,
    submittedAt: rt.clock(),
    recordVersion: typeof record['version'] === 'number' ? record['version'] : null,
    pendingKey,
    recordHash: hash,
  })
  await writeLog(rt, tx, request, {
    action: 'submitted',
    actorId: submittedBy,
    stepIndex: null,
    comment,
    recordHash: hash,
  })
  tx.emit('approval.requested', eventOf(request))
  return activateStep(rt, tx, request, 0, 1, submittedBy)
}
