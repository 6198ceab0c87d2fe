/**
 * How a contract's `status` moves with its approval request (`recordStatus` of an `@rapport/approvals` policy):
 * submitting moves it to `pending_approval`, the final approval to `approved`, a rejection or a recall back to
 * `draft`.
 */
export const CONTRACT_APPROVAL_STATUS = {
  field: 'status',
  pending: 'pending_approval',
  approved: 'approved',
  rejected: 'draft',
  recalled: 'draft',
} as const

/**
 * An `@rapport/approvals` policy for contracts: the steps (and any other policy option) you give, on the `contract`
 * entity, with the contract's status bound to the request ({@link CONTRACT_APPROVAL_STATUS}). With it installed, a
 * contract moved to `pending_approval` opens an approval request in the same transaction (its writer is the
 * submitter), the contract is locked while it is pending (`APPROVALS_RECORD_LOCKED`), only a resolved approver
 * decides (`APPROVALS_NOT_APPROVER`, `APPROVALS_SELF_APPROVAL`), approval moves it to `approved` and rejection or
 * recall back to `draft`; nobody moves it to `approved` by hand (`APPROVALS_APPROVAL_REQUIRED`). The result is plain
 * data, so `@rapport/sales` does not depend on `@rapport/approvals`.
 *
 * @example
 * ```ts
 * import { accessDirectory, approvalsPlugin } from '@rapport/approvals'
 * import { contractApprovalPolicy } from '@rapport/sales/contracts'
 * import { receivablesPlugin } from '@rapport/sales/receivables'
 *
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     receivablesPlugin(),
 *     approvalsPlugin({
 *       directory: accessDirectory(accessPolicy),
 *       policies: [contractApprovalPolicy({ steps: [{ name: 'manager', approvers: [{ managerOf: 'submitter' }] }] })],
 *     }),
 *   ] as const,
 * })
 * await crm.scoped({ actor: { id: 'usr_ray' } }).entity('contract').update(id, { status: 'pending_approval' })
 * await crm.plugins.approvals.as('usr_mia').approve(request.id) // the contract is now approved
 * ```
 */
export function contractApprovalPolicy<
  const P extends { readonly steps: readonly unknown[]; readonly id?: string },
>(
  policy: P,
): Omit<P, 'id'> & {
  readonly id: string
  readonly entity: 'contract'
  readonly recordStatus: typeof CONTRACT_APPROVAL_STATUS
} {
  return {
    ...policy,
    id: policy.id ?? 'contract-approval',
    entity: 'contract',
    recordStatus: CONTRACT_APPROVAL_STATUS,
  }
}
