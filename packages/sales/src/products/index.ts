/**
 * `@rapport/sales/products`: a product catalogue and price books (a default book per currency, price lists per
 * customer or segment, tiers, validity periods) as the `products` core plugin, with one documented answer to "what
 * does this product cost": `crm.plugins.products.lookupPrice`, and the pure `choosePrice` behind it.
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { productsPlugin } from '@rapport/sales/products'
 *
 * const crm = createCrm({ storage, plugins: [productsPlugin()] as const })
 * const price = await crm.plugins.products.lookupPrice({
 *   productId, quantity: '12', customerId: companyId, segmentIds: ['seg_vip'], date: '2026-03-01', currency: 'EUR',
 * })
 * price.source // 'customer' | 'segment' | 'default'
 * ```
 *
 * @module
 */
export { applyPriceFormula, type PriceFormula } from './price-formula.js'
export {
  choosePrice,
  MAX_PRICE_RULE_DEPTH,
  PRICE_PRECEDENCE,
  type PriceAnswer,
  type PriceBookView,
  type PriceEntryView,
  type PriceQuestion,
  type PriceRule,
} from './price-lookup.js'
export {
  PRICE_BOOK_KINDS,
  type PriceBookKind,
  priceBookEntity,
  priceBookEntryEntity,
  priceRuleSchema,
  productEntity,
} from './product-entities.js'
export { type ProductErrorCode, ProductErrorCodes, productError } from './product-errors.js'
export { productHooks } from './product-hooks.js'
export { productOperations } from './product-operations.js'
export { productsPlugin } from './products-plugin.js'
export {
  type PriceLookupInput,
  type ProductsApi,
  parsePriceQuery,
  productsService,
} from './products-service.js'
export {
  intersectPeriods,
  periodCovers,
  periodLength,
  periodsOverlap,
  type ValidityPeriod,
} from './validity-period.js'
