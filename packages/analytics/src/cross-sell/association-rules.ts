import { checkNumber, checkOptions } from '../validation/input-checks.js'
import type { FrequentItemsetOptions, Item } from './fp-growth.js'
import { mineItemsets } from './fp-growth.js'

/** An association rule antecedent → consequent. */
export interface AssociationRule {
  /** Items already in the basket. */
  readonly antecedent: readonly Item[]
  /** Items suggested. */
  readonly consequent: readonly Item[]
  /** Baskets holding both sides. */
  readonly count: number
  /** Share of baskets holding both sides. */
  readonly support: number
  /** P(consequent | antecedent). */
  readonly confidence: number
  /** confidence / P(consequent): above 1 the sides go together more often than by chance. */
  readonly lift: number
}

/** Options of {@link associationRules}. */
export interface AssociationRuleOptions extends FrequentItemsetOptions {
  /** Minimum confidence, in [0, 1]; default 0.1. */
  readonly minConfidence?: number
  /** Minimum lift; default 0 (no filter). */
  readonly minLift?: number
}

/**
 * Association rules from baskets: frequent itemsets by FP-Growth, then every split of each itemset into antecedent
 * and consequent, with support, confidence and lift.
 *
 * @param baskets - one array of items per order (see {@link basketsFromLineItems})
 * @param options - minimum support, confidence and lift; maximum itemset length
 * @returns the rules, highest lift first (ties: confidence, then support)
 * @throws AnalyticsError `INVALID_INPUT` for malformed baskets or options
 *
 * @example
 * ```ts
 * import { associationRules } from '@rapport/analytics/cross-sell'
 *
 * const rules = associationRules([['tea', 'cups'], ['tea', 'cups', 'honey'], ['tea'], ['coffee']], {
 *   minSupport: 0.25,
 *   minConfidence: 0.5,
 * })
 * // e.g. { antecedent: ['cups'], consequent: ['tea'], confidence: 1, lift: 1.33… }
 * ```
 */
export function associationRules(
  baskets: readonly (readonly Item[])[],
  options?: AssociationRuleOptions,
): AssociationRule[] {
  const opts = checkOptions<AssociationRuleOptions>(options, 'options', [
    'minSupport',
    'maxLength',
    'minConfidence',
    'minLift',
  ])
  const minConfidence =
    opts.minConfidence === undefined
      ? 0.1
      : checkNumber(opts.minConfidence, 'options.minConfidence', { min: 0, max: 1 })
  const minLift = opts.minLift === undefined ? 0 : checkNumber(opts.minLift, 'options.minLift', { min: 0 })
  const mined = mineItemsets(baskets, { minSupport: opts.minSupport, maxLength: opts.maxLength })
  const key = (items: readonly Item[]) =>
    items
      .map((i) => mined.ranks.get(i)!)
      .sort((x, y) => x - y)
      .join(',')
  const rules: AssociationRule[] = []
  for (const set of mined.itemsets) {
    const k = set.items.length
    if (k < 2) continue
    // Every non-empty proper subset as antecedent (2^k − 2 splits).
    for (let mask = 1; mask < (1 << k) - 1; mask++) {
      const antecedent = set.items.filter((_, i) => mask & (1 << i))
      const consequent = set.items.filter((_, i) => !(mask & (1 << i)))
      const confidence = set.count / mined.countOf.get(key(antecedent))!
      if (confidence < minConfidence) continue
      const lift = confidence / (mined.countOf.get(key(consequent))! / mined.baskets)
      if (lift < minLift) continue
      rules.push({ antecedent, consequent, count: set.count, support: set.support, confidence, lift })
    }
  }
  return rules.sort((x, y) => y.lift - x.lift || y.confidence - x.confidence || y.count - x.count)
}
