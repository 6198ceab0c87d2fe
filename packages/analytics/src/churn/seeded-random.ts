/**
 * Mulberry32: a tiny, fast, seedable PRNG returning floats in [0, 1). Same seed, same sequence, on every platform.
 *
 * @internal
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Splits indices 0…n−1 into train and holdout with a seeded shuffle, stratified by label so both keep the base rate:
 * `round(fraction · count)` of each class goes to the holdout. Both lists are returned sorted.
 *
 * @internal
 */
export function stratifiedSplit(
  labels: readonly boolean[],
  fraction: number,
  seed: number,
): { train: number[]; holdout: number[] } {
  const random = mulberry32(seed)
  const train: number[] = []
  const holdout: number[] = []
  for (const cls of [true, false]) {
    const idx = labels.flatMap((l, i) => (l === cls ? [i] : []))
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[idx[i], idx[j]] = [idx[j]!, idx[i]!]
    }
    const cut = Math.round(fraction * idx.length)
    holdout.push(...idx.slice(0, cut))
    train.push(...idx.slice(cut))
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) }
}
