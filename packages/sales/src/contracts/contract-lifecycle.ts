import type { ContractStanding } from '../receivables/installment-status.js'
import { receivableError } from '../receivables/receivable-errors.js'

/** The states of a contract (WukongCRM's check status and SuiteCRM's contract lifecycle, sales-marketing §A3.4). */
export const CONTRACT_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'active',
  'expiring',
  'expired',
  'renewed',
  'terminated',
  'void',
] as const

/** One of {@link CONTRACT_STATUSES}. */
export type ContractStatus = (typeof CONTRACT_STATUSES)[number]

/**
 * The lifecycle: draft → pending approval → approved → active → expiring → expired, renewed or terminated; a
 * rejection or a recall goes back to draft; `void` is reachable from every state but itself.
 */
export const CONTRACT_TRANSITIONS: Readonly<Record<ContractStatus, readonly ContractStatus[]>> = {
  draft: ['pending_approval', 'void'],
  pending_approval: ['approved', 'draft', 'void'],
  approved: ['active', 'void'],
  active: ['expiring', 'expired', 'renewed', 'terminated', 'void'],
  expiring: ['expired', 'renewed', 'terminated', 'void'],
  expired: ['renewed', 'void'],
  renewed: ['void'],
  terminated: ['void'],
  void: [],
}

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
 * Checks a status change against {@link CONTRACT_TRANSITIONS}.
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
