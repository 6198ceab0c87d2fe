/**
 * `@rapport/sales/contracts`: the contract entity and its lifecycle on core's pipeline machine (draft → pending
 * approval → approved → active → expiring → expired, renewed or terminated; rejection back to draft; void from
 * anywhere), its approval policy and renewal rule. The entity is registered by the receivables plugin
 * (`@rapport/sales/receivables`); `crm.staged('contract')` moves it and reads its stage history.
 *
 * @example
 * ```ts
 * import { assertContractTransition, contractStanding } from '@rapport/sales/contracts'
 *
 * contractStanding('approved') // 'effective'
 * assertContractTransition('draft', 'active') // throws SALES_INVALID_TRANSITION
 * ```
 *
 * @module
 */
export { CONTRACT_APPROVAL_STATUS, contractApprovalPolicy } from './contract-approval.js'
export { contractEntity } from './contract-entity.js'
export { contractTransitionGuards } from './contract-guards.js'
export {
  assertContractTransition,
  CONTRACT_STATUSES,
  CONTRACT_TRANSITIONS,
  type ContractStatus,
  contractLifecycle,
  contractPipelineTemplate,
  contractStanding,
  DUNNING_CONTRACT_STATUSES,
  EDITABLE_CONTRACT_STATUSES,
  EFFECTIVE_CONTRACT_STATUSES,
} from './contract-lifecycle.js'
export { type RenewalReminderOptions, renewalReminderRule } from './renewal-rules.js'
