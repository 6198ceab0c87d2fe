/**
 * `@rapport/procurement`: buying to order (以销定采) as a core plugin. Suppliers carry categories and ratings; an RFQ
 * is sent to N suppliers for the lines of the sale that triggered it; supplier quotes are totalled on the server;
 * `rankQuotes` compares them (cheapest qualified quote, optionally weighted by rating); the award is written back onto
 * the RFQ, which links to the sale.
 *
 * @example
 * ```ts
 * import { procurementPlugin } from '@rapport/procurement'
 *
 * const crm = createCrm({ storage, plugins: [procurementPlugin()] as const })
 * const rfq = await crm.plugins.procurement.createRfq({
 *   source: { entity: 'deal', id: deal.id },
 *   currency: 'CNY',
 *   lines: [{ key: 'pcb', description: '主板 PCB', quantity: 500, category: '电子元件' }],
 * })
 * ```
 *
 * @packageDocumentation
 */

export {
  type CompareOptions,
  type DisqualifiedBecause,
  type QuoteCandidate,
  type RankedQuote,
  rankQuotes,
} from './comparison/rank-quotes.js'
export {
  type ActingThrough,
  type CreateFromQuoteOptions,
  type CreateRfqInput,
  type ProcurementApi,
  type ProcurementOptions,
  procurementPlugin,
  type SubmitQuoteInput,
} from './plugin/procurement-plugin.js'
export { type ProcurementErrorCode, ProcurementErrorCodes } from './procurement-error.js'
export { quoteTotalMinor } from './rfqs/procurement-hooks.js'
export {
  type QuoteLine,
  quoteLineSchema,
  type Rfq,
  type RfqLine,
  rfqEntity,
  rfqLineSchema,
  rfqStatuses,
  type SupplierQuote,
  supplierQuoteEntity,
  supplierQuoteStatuses,
} from './rfqs/rfq-entities.js'
export { saleLines } from './rfqs/sale-lines.js'
export { type Supplier, supplierEntity } from './suppliers/supplier-entity.js'
