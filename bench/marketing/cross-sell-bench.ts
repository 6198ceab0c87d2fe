/** 1M line items mined by FP-Growth, against brute-force pair counting on the same baskets. */
import * as crossSell from '../../packages/analytics/dist/cross-sell/index.js'

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function lineItems(count: number) {
  const rnd = random(21)
  const lines: { orderId: number; productId: string }[] = []
  for (let order = 0; lines.length < count; order++) {
    const size = 1 + Math.floor(rnd() * 7)
    const anchor = Math.floor(rnd() ** 2 * 500)
    for (let k = 0; k < size && lines.length < count; k++) {
      // Products near the anchor are bought together: a structure for the rules to find.
      const product = k === 0 ? anchor : (anchor + 1 + Math.floor(rnd() ** 3 * 20)) % 500
      lines.push({ orderId: order, productId: `p${product}` })
    }
  }
  return lines
}

function bruteForcePairs(baskets: readonly (readonly string[])[]) {
  const pairs = new Map<string, number>()
  for (const basket of baskets) {
    const items = [...new Set(basket)].sort()
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const key = `${items[i]}|${items[j]}`
        pairs.set(key, (pairs.get(key) ?? 0) + 1)
      }
  }
  return pairs
}

export function runCrossSellBench() {
  const count = Number(process.env['BENCH_LINE_ITEMS'] ?? 1_000_000)
  const minSupport = 0.001
  const lines = lineItems(count)
  const t0 = performance.now()
  const baskets = crossSell.basketsFromLineItems(lines, {
    order: (l) => l.orderId,
    product: (l) => l.productId,
  })
  const rules = crossSell.associationRules(baskets, { minSupport, minConfidence: 0.05 })
  const ms = performance.now() - t0
  const itemsets = crossSell.frequentItemsets(baskets, { minSupport, maxLength: 2 })
  const t1 = performance.now()
  const pairs = bruteForcePairs(baskets as string[][])
  const referenceMs = performance.now() - t1
  const minCount = Math.ceil(minSupport * baskets.length - 1e-9)
  const frequentPairs = [...pairs].filter(([, c]) => c >= minCount)
  const mined = new Map(itemsets.filter((s) => s.items.length === 2).map((s) => [s.items.join('|'), s.count]))
  const agree = frequentPairs.length === mined.size && frequentPairs.every(([k, c]) => mined.get(k) === c)
  return {
    lineItems: count,
    baskets: baskets.length,
    minSupport,
    rules: rules.length,
    ms,
    targetMs: 10_000,
    meetsTarget: ms <= 10_000,
    pairReference: {
      method: 'brute-force pair counting (every pair of every basket in a Map), pairs only',
      ms: referenceMs,
      ratio: referenceMs / ms,
      frequentPairsAgree: agree,
    },
  }
}
