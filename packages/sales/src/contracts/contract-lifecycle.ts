import type { StagedPipelineTemplate } from '@rapport/core/entities'
import { stagedLifecycle } from '../lifecycle/staged-lifecycle.js'
import type { ContractStanding } from '../receivables/installment-status.js'
import { receivableError } from '../receivables/receivable-errors.js'

/**
 * The contract lifecycle (WukongCRM's check status and SuiteCRM's contract lifecycle, sales-marketing §A3.4), declared
 * once: draft → pending approval → approved → active → expiring → expired, renewed or terminated; a rejection or a
 * recall goes back to draft; `void` is reachable from every state but itself. Renewed is won; expired, terminated and
 * void are lost (the pipeline lets a closed contract move on along these edges: expired → renewed, anything → void).
 */
export const contractLifecycle = stagedLifecycle({
  name: 'Contracts',
  allowReopen: true,
  stages: [
    { key: 'draft', name: 'Draft' },
    { key: 'pending_approval', name: 'Pending approval' },
    { key: 'approved', name: 'Approved' },
    { key: 'active', name: 'Active' },
    { key: 'expiring', name: 'Expiring' },
    { key: 'expired', name: 'Expired', kind: 'lost', forecastCategory: 'omitted' },
    { key: 'renewed', name: 'Renewed', kind: 'won', probability: 100, forecastCategory: 'closed' },
    { key: 'terminated', name: 'Terminated', kind: 'lost', forecastCategory: 'omitted' },
    { key: 'void', name: 'Void', kind: 'lost', forecastCategory: 'omitted' },
  ],
  next: {
    draft: ['pending_approval', 'void'],
    pending_approval: ['approved', 'draft', 'void'],
    approved: ['active', 'void'],
    active: ['expiring', 'expired', 'renewed', 'terminated', 'void'],
    expiring: ['expired', 'renewed', 'terminated', 'void'],
    expired: ['renewed', 'void'],
    renewed: ['void'],
    terminated: ['void'],
    void: [],
  },
})

/** The states of a contract: the stage keys of {@link contractLifecycle}, in order. */
export const CONTRACT_STATUSES = contractLifecycle.statuses

/** One of {@link CONTRACT_STATUSES}. */
export type ContractStatus = (typeof CONTRACT_STATUSES)[number]

/** Where each status may move to: the edges of {@link contractPipelineTemplate}. */
export const CONTRACT_TRANSITIONS: Readonly<Record<ContractStatus, readonly ContractStatus[]>> =
  contractLifecycle.transitions

/**
 * The contract pipeline a tenant gets on its first contract (the `contract` entity's `staged.defaultPipeline`).
 * A tenant's own contract pipeline must key its stages with {@link CONTRACT_STATUSES}: receivables read the status
 * (the transition guard `contractStageIsStatus` refuses any other key).
 *
 * @example
 * ```ts
 * await crm.pipelines.create({ ...contractPipelineTemplate, name: 'Framework agreements', entityType: 'contract' })
 * ```
 */
export const contractPipelineTemplate: StagedPipelineTemplate = contractLifecycle.template

/** States in which a contract's terms (amount, dates, currency, parties) may still be edited. */
export const EDITABLE_CONTRACT_STATUSES: readonly ContractStatus[] = ['draft']

/**
 * Whether a contract in `status` makes its receivables count: before approval they are not effective, once voided
 * they are void, otherwise (approved and later) effective.
 *
 * @example
 * ```ts
 * contractStanding('pending_approval') // 'notEffective'
 * ```
 */
export function contractStanding(status: ContractStatus): ContractStanding {
  if (status === 'void') return 'void'
  return status === 'draft' || status === 'pending_approval' ? 'notEffective' : 'effective'
}

/** The statuses whose receivables are effective (owed, aged, dunned). */
export const EFFECTIVE_CONTRACT_STATUSES: readonly ContractStatus[] = CONTRACT_STATUSES.filter(
  (s) => contractStanding(s) === 'effective',
)

/**
 * The statuses whose unpaid installments are dunned: the effective ones except `terminated`. A terminated contract's
 * receivables stay owed (aging shows them), but reminders stop: what is left goes to collections, not to the
 * customer's inbox. Void and not-yet-approved contracts owe nothing.
 */
export const DUNNING_CONTRACT_STATUSES: readonly ContractStatus[] = EFFECTIVE_CONTRACT_STATUSES.filter(
  (s) => s !== 'terminated',
)

/**
 * Checks a status change against {@link CONTRACT_TRANSITIONS}, the default pipeline's edges, before trying it (the
 * write itself is checked by core's machine against the contract's own pipeline: `INVALID_TRANSITION`).
 *
 * @throws `SALES_INVALID_TRANSITION` with `details.from`, `details.to` and `details.allowed`.
 *
 * @example
 * ```ts
 * assertContractTransition('draft', 'active') // throws: draft → active skips the approval
 * ```
 */
export function assertContractTransition(from: ContractStatus, to: ContractStatus): void {
  const allowed = CONTRACT_TRANSITIONS[from]
  if (!allowed.includes(to)) {
    throw receivableError('SALES_INVALID_TRANSITION', `A contract cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed,
    })
  }
}
