import { compareIds } from '../rfm/compare-ids.js'
import {
  checkArray,
  checkFunction,
  checkId,
  checkNumber,
  checkOptions,
  optionalEnum,
} from '../validation/input-checks.js'
import type { AssociationRule } from './association-rules.js'
import type { Item } from './fp-growth.js'

/**
 * Groups order line items into baskets, one per order, in first-seen order.
 *
 * @param lineItems - the line items
 * @param keys - how to read the order id and the product of a line item
 * @returns one array of products per order
 * @throws AnalyticsError `INVALID_INPUT` when a key is missing or not a string/number id
 *
 * @example
 * ```ts
 * import { basketsFromLineItems } from '@rapport/analytics/cross-sell'
 *
 * basketsFromLineItems(lines, { order: (l) => l.orderId, product: (l) => l.productId })
 * ```
 */
export function basketsFromLineItems<L>(
  lineItems: readonly L[],
  keys: { readonly order: (line: L) => Item; readonly product: (line: L) => Item },
): Item[][] {
  checkArray(lineItems, 'lineItems')
  const order = checkFunction<(line: L) => Item>(keys?.order, 'keys.order')
  const product = checkFunction<(line: L) => Item>(keys?.product, 'keys.product')
  const baskets = new Map<Item, Item[]>()
  for (let i = 0; i < lineItems.length; i++) {
    const id = order(lineItems[i]!)
    const item = product(lineItems[i]!)
    let basket = baskets.get(id)
    if (basket === undefined) {
      checkId(id, `lineItems[${i}] order`)
      basket = []
      baskets.set(id, basket)
    }
    if (typeof item !== 'string' && typeof item !== 'number') checkId(item, `lineItems[${i}] product`)
    basket.push(item)
  }
  return [...baskets.values()]
}

/** A suggested product. */
export interface Offer {
  /** The product. */
  readonly item: Item
  /** The ranking metric's value (confidence or lift of the best rule). */
  readonly score: number
  /** Confidence of the best rule suggesting it. */
  readonly confidence: number
  /** Lift of that rule. */
  readonly lift: number
  /** The rule. */
  readonly rule: AssociationRule
}

/** Options of {@link nextBestOffers} and {@link alsoBought}. */
export interface OfferOptions {
  /** How many offers; default 5. */
  readonly limit?: number
  /** Rank by `confidence` (default: the likeliest next purchase) or `lift` (the most specific to what they own). */
  readonly rankBy?: 'confidence' | 'lift'
  /** Ignore rules with lift ≤ this; default 1 (only positive association). */
  readonly minLift?: number
}

/**
 * Next-best offers for one customer: products they do not own yet, each scored by the best rule whose antecedent
 * they own entirely (a product suggested by several rules keeps its best).
 *
 * @param rules - from {@link associationRules}
 * @param owned - the customer's products so far
 * @param options - limit, ranking metric and lift floor
 * @returns the offers, best first (ties by item id)
 * @throws AnalyticsError `INVALID_INPUT` for malformed options
 *
 * @example
 * ```ts
 * import { associationRules, nextBestOffers } from '@rapport/analytics/cross-sell'
 *
 * const rules = associationRules(baskets, { minSupport: 0.01, minConfidence: 0.2 })
 * nextBestOffers(rules, ['tea'], { limit: 3 }) // [{ item: 'cups', confidence: 0.66, … }, …]
 * ```
 */
export function nextBestOffers(
  rules: readonly AssociationRule[],
  owned: readonly Item[],
  options?: OfferOptions,
): Offer[] {
  checkArray(rules, 'rules')
  checkArray(owned, 'owned')
  const opts = checkOptions<OfferOptions>(options, 'options', ['limit', 'rankBy', 'minLift'])
  const limit =
    opts.limit === undefined ? 5 : checkNumber(opts.limit, 'options.limit', { integer: true, min: 0 })
  const rankBy = optionalEnum(opts.rankBy, 'options.rankBy', ['confidence', 'lift'], 'confidence')
  const minLift = opts.minLift === undefined ? 1 : checkNumber(opts.minLift, 'options.minLift', { min: 0 })
  const have = new Set(owned)
  const best = new Map<Item, Offer>()
  for (const rule of rules) {
    if (rule.lift <= minLift || !rule.antecedent.every((i) => have.has(i))) continue
    for (const item of rule.consequent) {
      if (have.has(item)) continue
      const score = rankBy === 'lift' ? rule.lift : rule.confidence
      const current = best.get(item)
      if (current === undefined || score > current.score) {
        best.set(item, { item, score, confidence: rule.confidence, lift: rule.lift, rule })
      }
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || compareIds(a.item, b.item)).slice(0, limit)
}

/**
 * "Bought X, also bought Y": the products most often bought with `item`, from the rules whose antecedent is
 * exactly `[item]`.
 *
 * @param rules - from {@link associationRules}
 * @param item - the product being viewed
 * @param options - limit, ranking metric and lift floor
 * @returns the offers, best first
 * @throws AnalyticsError `INVALID_INPUT` for malformed options
 *
 * @example
 * ```ts
 * import { alsoBought } from '@rapport/analytics/cross-sell'
 *
 * alsoBought(rules, 'tea', { limit: 3 })
 * ```
 */
export function alsoBought(rules: readonly AssociationRule[], item: Item, options?: OfferOptions): Offer[] {
  checkArray(rules, 'rules')
  checkId(item, 'item')
  return nextBestOffers(
    rules.filter((r) => r.antecedent.length === 1 && r.antecedent[0] === item),
    [item],
    options,
  )
}
