import { RapportError } from '@rapport/core'

/**
 * The error codes of `@rapport/approvals` (plugin codes `APPROVALS_*`, also listed in `crm.errorCodes`). Every one of
 * them is thrown before anything is written.
 */
export const ApprovalsErrorCodes = {
  /** A policy is malformed, names an unknown entity, or its filters do not compile; `details.issues` says where. */
  APPROVALS_INVALID_POLICY: 'APPROVALS_INVALID_POLICY',
  /** `submit` named a policy that is not configured. */
  APPROVALS_UNKNOWN_POLICY: 'APPROVALS_UNKNOWN_POLICY',
  /** The record does not match the policy's entry filter. */
  APPROVALS_ENTRY_NOT_MET: 'APPROVALS_ENTRY_NOT_MET',
  /** The record already has a pending request. */
  APPROVALS_ALREADY_PENDING: 'APPROVALS_ALREADY_PENDING',
  /** A step resolved to no approver and its `onNoApprover` is `error`. */
  APPROVALS_NO_APPROVER: 'APPROVALS_NO_APPROVER',
  /** The record is locked by a pending request (or an approved one under `afterApproval: 'lock'`): updates and deletes are refused. */
  APPROVALS_RECORD_LOCKED: 'APPROVALS_RECORD_LOCKED',
  /** The caller holds no open task of the request's current step. */
  APPROVALS_NOT_APPROVER: 'APPROVALS_NOT_APPROVER',
  /** The request is no longer pending (approved, rejected or recalled). */
  APPROVALS_NOT_PENDING: 'APPROVALS_NOT_PENDING',
  /** Only the submitter may recall a request. */
  APPROVALS_NOT_SUBMITTER: 'APPROVALS_NOT_SUBMITTER',
  /** The step does not allow delegation, or the delegate is invalid (the approver themself, or already assigned). */
  APPROVALS_DELEGATION_REFUSED: 'APPROVALS_DELEGATION_REFUSED',
  /** The submitter tried to decide their own request under a policy with `selfApproval: 'refuse'` (the default). */
  APPROVALS_SELF_APPROVAL: 'APPROVALS_SELF_APPROVAL',
  /**
   * The record no longer hashes as it did when submitted (`details.submittedHash`, `details.currentHash`): the
   * decision would not apply to what was reviewed. Recall and submit again.
   */
  APPROVALS_RECORD_CHANGED: 'APPROVALS_RECORD_CHANGED',
  /** Only an approval moves a bound status field to its approved value (`recordStatus.approved`). */
  APPROVALS_APPROVAL_REQUIRED: 'APPROVALS_APPROVAL_REQUIRED',
  /** Approval requests, tasks and log entries are written by the plugin only; log entries are never changed. */
  APPROVALS_READ_ONLY: 'APPROVALS_READ_ONLY',
} as const

/** One of the approvals error codes. */
export type ApprovalsErrorCode = keyof typeof ApprovalsErrorCodes

/** @internal */
export function approvalsError(
  code: ApprovalsErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): RapportError {
  return new RapportError(code, message, { details })
}
