/**
 * `@rapport/sales/quotes`: quotes with exact totals on core's pipeline machine. A quote is a `staged` plugin entity
 * (draft → in_review → sent → accepted | rejected | expired; superseded by a revision); the server recomputes every
 * total from the lines with `calculateDocument` on every write and refuses totals sent by the caller; accepting
 * creates the contract; `quoteDocument(id)` is the structured view a host renders.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { quotesPlugin } from '@rapport/sales/quotes'
 * import { receivablesPlugin } from '@rapport/sales/receivables'
 *
 * const crm = createCrm({ storage, plugins: [receivablesPlugin(), quotesPlugin()] as const })
 * const quote = await crm.plugins.quotes.create({
 *   title: 'Acme rollout',
 *   currency: 'EUR',
 *   lines: [{ quantity: '3', unitPriceMinor: 10_000, taxRate: '20' }],
 * })
 * const doc = await crm.plugins.quotes.quoteDocument(quote.id)
 * ```
 *
 * @module
 */
export {
  QUOTE_DISCOUNT_APPROVAL_STATUS,
  type QuoteDiscountPolicyOptions,
  quoteDiscountApprovalPolicy,
} from './quote-approval.js'
export { computeQuoteTotals, type QuoteTotals, quoteDocumentInput } from './quote-calculation.js'
export { effectiveDiscountBasisPoints } from './quote-discount.js'
export type { QuoteDocument, QuoteDocumentLine } from './quote-document.js'
export { COMPUTED_QUOTE_FIELDS, type QuoteLineInput, quoteEntity, quoteLineSchema } from './quote-entity.js'
export { quoteHooks, quoteTransitionGuards } from './quote-hooks.js'
export {
  EDITABLE_QUOTE_STATUSES,
  FINAL_QUOTE_STATUSES,
  QUOTE_STATUSES,
  type QuoteStatus,
  quoteLifecycle,
  quotePipelineTemplate,
  REVISABLE_QUOTE_STATUSES,
} from './quote-lifecycle.js'
export {
  type LinePriceSource,
  type PriceOverridePolicy,
  priceQuoteLines,
  type QuoteLinePricingOptions,
  quoteDateOf,
} from './quote-line-pricing.js'
export { withLinePricing } from './quote-pricing-hooks.js'
export { type PurchaseLine, quoteRfqLines } from './quote-rfq-lines.js'
export type { AcceptQuoteOptions, QuoteRecord, QuotesApi } from './quote-service.js'
export { quotesPlugin } from './quotes-plugin.js'
