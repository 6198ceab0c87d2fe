import type { EntityId } from '../rfm/compare-ids.js'
import { compareIds } from '../rfm/compare-ids.js'
import { checkArray, checkId, checkNumber, checkOptions } from '../validation/input-checks.js'

/** A product (or SKU, category) in a basket. */
export type Item = EntityId

/** A set of items bought together in at least `minSupport` of the baskets. */
export interface FrequentItemset {
  /** The items, in ascending id order. */
  readonly items: readonly Item[]
  /** Baskets holding all of them. */
  readonly count: number
  /** count / baskets. */
  readonly support: number
}

/** Options of {@link frequentItemsets}. */
export interface FrequentItemsetOptions {
  /** Minimum share of baskets, in (0, 1]; default 0.01. */
  readonly minSupport?: number
  /** Longest itemset to mine; default unlimited. */
  readonly maxLength?: number
}

/** Itemsets keyed by their sorted item ranks, for the rule builder. @internal */
export interface MinedItemsets {
  readonly itemsets: FrequentItemset[]
  readonly countOf: Map<string, number>
  readonly ranks: Map<Item, number>
  readonly baskets: number
}

/**
 * Frequent itemsets by FP-Growth (Han, Pei & Yin 2000): two passes over the baskets build a prefix tree of the
 * frequent items, which is mined recursively through conditional trees, with no candidate generation. An item
 * repeated within a basket counts once.
 *
 * @param baskets - one array of items per order
 * @param options - minimum support and maximum itemset length
 * @returns the frequent itemsets, most frequent first (ties: shorter first, then by items)
 * @throws AnalyticsError `INVALID_INPUT` for malformed baskets or options
 *
 * @example
 * ```ts
 * import { frequentItemsets } from '@rapport/analytics/cross-sell'
 *
 * frequentItemsets([['tea', 'cups'], ['tea', 'cups', 'honey'], ['tea']], { minSupport: 0.5 })
 * // [{ items: ['tea'], count: 3, support: 1 }, { items: ['cups'], … }, { items: ['cups', 'tea'], count: 2, … }]
 * ```
 */
export function frequentItemsets(
  baskets: readonly (readonly Item[])[],
  options?: FrequentItemsetOptions,
): FrequentItemset[] {
  return mineItemsets(baskets, options).itemsets
}

/** {@link frequentItemsets} plus the lookup tables the rule builder needs. @internal */
export function mineItemsets(
  baskets: readonly (readonly Item[])[],
  options?: FrequentItemsetOptions,
): MinedItemsets {
  checkArray(baskets, 'baskets')
  const opts = checkOptions<FrequentItemsetOptions>(options, 'options', ['minSupport', 'maxLength'])
  const minSupport =
    opts.minSupport === undefined
      ? 0.01
      : checkNumber(opts.minSupport, 'options.minSupport', { above: 0, max: 1 })
  const maxLength =
    opts.maxLength === undefined
      ? Number.POSITIVE_INFINITY
      : checkNumber(opts.maxLength, 'options.maxLength', { integer: true, min: 1 })
  const n = baskets.length
  const minCount = Math.max(1, Math.ceil(minSupport * n - 1e-9))
  // Pass 1: item counts (once per basket).
  const counts = new Map<Item, number>()
  const distinct: Item[][] = new Array(n)
  for (let b = 0; b < n; b++) {
    const basket = checkArray<Item>(baskets[b], `baskets[${b}]`)
    const items = [...new Set(basket)]
    for (let i = 0; i < items.length; i++) {
      if (!counts.has(items[i]!)) checkId(items[i], `baskets[${b}][${i}]`)
      counts.set(items[i]!, (counts.get(items[i]!) ?? 0) + 1)
    }
    distinct[b] = items
  }
  const frequent = [...counts]
    .filter(([, c]) => c >= minCount)
    .sort((x, y) => y[1] - x[1] || compareIds(x[0], y[0]))
  const ranks = new Map<Item, number>(frequent.map(([item], rank) => [item, rank]))
  const itemOf = frequent.map(([item]) => item)
  // Pass 2: the FP-tree of each basket's frequent items in rank order.
  const tree = new FpTree(frequent.length)
  const path: number[] = []
  for (const items of distinct) {
    path.length = 0
    for (const item of items) {
      const r = ranks.get(item)
      if (r !== undefined) path.push(r)
    }
    path.sort((x, y) => x - y)
    tree.insert(path, 1)
  }
  const found: { ranks: number[]; count: number }[] = []
  mine(tree, [], minCount, maxLength, found)
  const countOf = new Map<string, number>()
  const itemsets: FrequentItemset[] = found.map(({ ranks: r, count }) => {
    const sorted = [...r].sort((x, y) => x - y)
    countOf.set(sorted.join(','), count)
    return { items: sorted.map((x) => itemOf[x]!).sort(compareIds), count, support: count / n }
  })
  itemsets.sort(
    (x, y) => y.count - x.count || x.items.length - y.items.length || compareItemLists(x.items, y.items),
  )
  return { itemsets, countOf, ranks, baskets: n }
}

function compareItemLists(a: readonly Item[], b: readonly Item[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareIds(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return a.length - b.length
}

/** A prefix tree in flat arrays; node 0 is the root. Items are ranks (0 = most frequent). */
class FpTree {
  readonly item: number[] = [-1]
  readonly count: number[] = [0]
  readonly parent: number[] = [-1]
  readonly children: Map<number, number>[] = [new Map()]
  /** Per item, the nodes holding it. */
  readonly nodes: number[][]
  /** Per item, its total count in the tree. */
  readonly totals: number[]

  constructor(items: number) {
    this.nodes = Array.from({ length: items }, () => [])
    this.totals = new Array(items).fill(0)
  }

  insert(path: readonly number[], count: number): void {
    let node = 0
    for (const item of path) {
      let child = this.children[node]!.get(item)
      if (child === undefined) {
        child = this.item.length
        this.item.push(item)
        this.count.push(0)
        this.parent.push(node)
        this.children.push(new Map())
        this.children[node]!.set(item, child)
        this.nodes[item]!.push(child)
      }
      this.count[child]! += count
      this.totals[item]! += count
      node = child
    }
  }
}

function mine(
  tree: FpTree,
  suffix: number[],
  minCount: number,
  maxLength: number,
  out: { ranks: number[]; count: number }[],
): void {
  // Least frequent first, as in the paper; any order is correct.
  for (let item = tree.nodes.length - 1; item >= 0; item--) {
    const support = tree.totals[item]!
    if (support < minCount) continue
    const itemset = [...suffix, item]
    out.push({ ranks: itemset, count: support })
    if (itemset.length >= maxLength) continue
    // The conditional pattern base: each node's prefix path, weighted by the node's count.
    const base: { path: number[]; count: number }[] = []
    const conditional = new Array<number>(item).fill(0)
    for (const node of tree.nodes[item]!) {
      const path: number[] = []
      for (let p = tree.parent[node]!; p > 0; p = tree.parent[p]!) path.push(tree.item[p]!)
      if (path.length === 0) continue
      path.reverse()
      const count = tree.count[node]!
      for (const x of path) conditional[x]! += count
      base.push({ path, count })
    }
    if (base.length === 0) continue
    const sub = new FpTree(item)
    for (const { path, count } of base)
      sub.insert(
        path.filter((x) => conditional[x]! >= minCount),
        count,
      )
    mine(sub, itemset, minCount, maxLength, out)
  }
}
