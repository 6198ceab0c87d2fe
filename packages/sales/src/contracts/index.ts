/**
 * `@rapport/sales/contracts`: the contract entity and its lifecycle (draft → pending approval → approved → active →
 * expiring → expired, renewed or terminated; rejection back to draft; void from anywhere). The entity is registered
 * by the receivables plugin (`@rapport/sales/receivables`).
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
export {
  assertContractTransition,
  CONTRACT_STATUSES,
  CONTRACT_TRANSITIONS,
  type ContractStatus,
  contractStanding,
  DUNNING_CONTRACT_STATUSES,
  EDITABLE_CONTRACT_STATUSES,
  EFFECTIVE_CONTRACT_STATUSES,
} from './contract-lifecycle.js'
export { type RenewalReminderOptions, renewalReminderRule } from './renewal-rules.js'
