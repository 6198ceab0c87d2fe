import type { Filter } from '@rapport/core/filter'
import { SalesErrorCodes, salesError } from '../errors.js'

/**
 * How a quote's status moves with its discount approval (`recordStatus` of an `@rapport/approvals` policy): moving a
 * quote whose discount is over the threshold to `in_review` opens the request and locks it; the final approval sends
 * it (`sent`); a rejection or a recall returns it to `draft`. Quotes under the threshold are outside the policy
 * (`outsideEntry: 'free'`): they go through review and out without a request.
 */
export const QUOTE_DISCOUNT_APPROVAL_STATUS = {
  field: 'status',
  pending: 'in_review',
  approved: 'sent',
  rejected: 'draft',
  recalled: 'draft',
  outsideEntry: 'free',
} as const

/** The options of {@link quoteDiscountApprovalPolicy}: a threshold, the steps and any other policy option. */
export interface QuoteDiscountPolicyOptions {
  /**
   * The largest effective discount (line and header discounts over the gross, in percent, at most two decimals) a
   * quote may carry without approval: a quote over it needs one. `15` means 15.00 %.
   */
  readonly maxDiscountPercent: number
  readonly steps: readonly unknown[]
  readonly id?: string
  /** Further conditions; a quote needs approval when its discount is over the threshold AND it matches this. */
  readonly entryFilter?: Filter
}

/**
 * An `@rapport/approvals` policy for quote discounts over a threshold (issue 11 §3): a quote whose effective discount
 * (`discountBasisPoints`, computed by the server from its lines) is over `maxDiscountPercent` cannot be sent until
 * approved. Submitting it for review opens the request in the same transaction (its writer is the submitter) and
 * locks the quote (`APPROVALS_RECORD_LOCKED`); only a resolved approver decides; approval sends it, rejection or
 * recall returns it to draft; nobody sends it by hand (`APPROVALS_APPROVAL_REQUIRED`, through `send`, `moveStage`
 * or a written status alike). Quotes at or under the threshold are not touched. Plain data, so `@rapport/sales`
 * does not depend on `@rapport/approvals`.
 *
 * @throws `SALES_INVALID_DISCOUNT` when `maxDiscountPercent` is not a number from 0 to 100 with at most two decimals.
 *
 * @example
 * ```ts
 * import { approvalsPlugin } from '@rapport/approvals'
 * import { quoteDiscountApprovalPolicy, quotesPlugin } from '@rapport/sales/quotes'
 * import { receivablesPlugin } from '@rapport/sales/receivables'
 *
 * const crm = createCrm({
 *   storage,
 *   plugins: [
 *     receivablesPlugin(),
 *     quotesPlugin(),
 *     approvalsPlugin({
 *       policies: [quoteDiscountApprovalPolicy({ maxDiscountPercent: 15, steps: [{ name: 'manager', approvers: [{ user: 'usr_mia' }] }] })],
 *     }),
 *   ] as const,
 * })
 * const quotes = crm.scoped({ actor: { id: 'usr_ray' } }).plugins.quotes
 * await quotes.submitForReview(quote.id) // 20 % off: the request opens, the quote is locked
 * await crm.plugins.approvals.as('usr_mia').approve(request.id) // the quote is now sent
 * ```
 */
export function quoteDiscountApprovalPolicy<const P extends QuoteDiscountPolicyOptions>(
  policy: P,
): Omit<P, 'id' | 'maxDiscountPercent' | 'entryFilter'> & {
  readonly id: string
  readonly entity: 'quote'
  readonly entryFilter: Filter
  readonly recordStatus: typeof QUOTE_DISCOUNT_APPROVAL_STATUS
} {
  const { maxDiscountPercent, entryFilter, id, ...rest } = policy
  const basisPoints = maxDiscountPercent * 100
  if (
    typeof maxDiscountPercent !== 'number' ||
    !(maxDiscountPercent >= 0 && maxDiscountPercent <= 100) ||
    Math.abs(basisPoints - Math.round(basisPoints)) > 1e-9
  ) {
    throw salesError(
      SalesErrorCodes.INVALID_DISCOUNT,
      'maxDiscountPercent must be a number from 0 to 100 with at most two decimals',
      { path: ['maxDiscountPercent'], value: maxDiscountPercent },
    )
  }
  const overThreshold: Filter = { field: 'discountBasisPoints', op: 'gt', value: Math.round(basisPoints) }
  return {
    ...rest,
    id: id ?? 'quote-discount',
    entity: 'quote',
    entryFilter: entryFilter ? { and: [overThreshold, entryFilter] } : overThreshold,
    recordStatus: QUOTE_DISCOUNT_APPROVAL_STATUS,
  }
}
