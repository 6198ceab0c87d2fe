/**
 * `@rapport/approvals`: approvals for any entity, as a core plugin. A policy picks records with core's filter
 * language and approves them in steps; each step resolves its approvers (a user, a role, the submitter's manager N
 * levels up, a record field, a resolver function) and decides `sequential`, `all` or `any`. A pending request locks
 * its record, only resolved approvers decide, submitters recall, approvers delegate, timeouts remind, escalate or
 * decide through automation's clock, and every step lands in an append-only log.
 *
 * @example
 * ```ts
 * import { approvalsPlugin } from '@rapport/approvals'
 *
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     approvalsPlugin({
 *       policies: [{ id: 'deal-review', entity: 'deal', steps: [{ name: 'owner', approvers: [{ field: 'ownerId' }] }] }],
 *     }),
 *   ] as const,
 * })
 * const request = await crm.plugins.approvals.as('usr_ray').submit({ policyId: 'deal-review', recordId: deal.id })
 * await crm.deals.update(deal.id, { name: 'x' }) // throws APPROVALS_RECORD_LOCKED
 * ```
 *
 * @packageDocumentation
 */

export { type ApprovalsErrorCode, ApprovalsErrorCodes } from './approvals-error.js'
export { type ApproverDirectory, accessDirectory, emptyDirectory } from './directory/approver-directory.js'
export type { ApproverResolverFn, FinalDecisionHook, ResolverContext } from './engine/approvals-runtime.js'
export type { DecisionOptions, TimeoutOutcome } from './engine/decide-request.js'
export { recordHash } from './engine/record-hash.js'
export type { SubmitInput } from './engine/submit-request.js'
export {
  type ApprovalLogEntry,
  type ApprovalRequest,
  type ApprovalTask,
  approvalEntities,
  approvalLogEntity,
  approvalRequestEntity,
  approvalTaskEntity,
  logActions,
  requestStatuses,
  taskStatuses,
} from './entities/approval-entities.js'
export {
  type ActingAs,
  type ApprovalActions,
  type ApprovalsApi,
  type ApprovalsOptions,
  approvalsPlugin,
} from './plugin/approvals-plugin.js'
export {
  type ApprovalPolicy,
  type ApprovalStep,
  type ApproverResolver,
  approvalPolicySchema,
  type RecordStatusBinding,
  type ResolvedPolicy,
  type ResolvedStep,
  type StepMode,
  type StepTimeout,
} from './policy/approval-policy.js'
export { type SlotAnswer, type StepState, stepState } from './policy/step-outcome.js'
export {
  APPROVAL_TIMEOUT_FUNCTION,
  approvalTimeoutFunctions,
  approvalTimeoutRules,
} from './timeouts/timeout-rules.js'
