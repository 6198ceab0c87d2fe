/**
 * Cross-sell from order line items: association rules mined by FP-Growth (support, confidence, lift), "bought X,
 * also bought Y", and next-best offers per customer.
 *
 * @example
 * ```ts
 * import { associationRules, basketsFromLineItems, nextBestOffers } from '@rapport/analytics/cross-sell'
 *
 * const baskets = basketsFromLineItems(lineItems, { order: (l) => l.orderId, product: (l) => l.productId })
 * const rules = associationRules(baskets, { minSupport: 0.001, minConfidence: 0.1 })
 * nextBestOffers(rules, productsOf(customer), { limit: 3 })
 * ```
 *
 * @module
 */
export type { AssociationRule, AssociationRuleOptions } from './association-rules.js'
export { associationRules } from './association-rules.js'
export type { FrequentItemset, FrequentItemsetOptions, Item } from './fp-growth.js'
export { frequentItemsets } from './fp-growth.js'
export type { Offer, OfferOptions } from './recommendations.js'
export { alsoBought, basketsFromLineItems, nextBestOffers } from './recommendations.js'
