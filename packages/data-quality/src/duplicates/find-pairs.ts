import type { DuplicateRule } from './duplicate-rule.js'
import { matchKeysOf } from './match-keys.js'
import type { PairScore, PreparedRecord } from './score-pair.js'
import { prepareRecord, scorePrepared } from './score-pair.js'

/** A scored pair of records (by index or id) found by {@link findDuplicatePairs}. */
export interface DuplicatePair<Id> extends PairScore {
  readonly a: Id
  readonly b: Id
}

/**
 * Every duplicate pair among records held in memory (an import file, a test set): blocking on the rule's match keys
 * (blocks larger than `maxBlockSize` are ignored, as in the database lookup), then scoring each candidate pair once.
 * `candidates` counts the pairs scored, for reduction-ratio reports.
 *
 * @example
 * ```ts
 * const { pairs } = findDuplicatePairs(defaultPersonRule, rows, (row, i) => i)
 * ```
 */
export function findDuplicatePairs<T extends Readonly<Record<string, unknown>>, Id>(
  rule: DuplicateRule,
  records: readonly T[],
  idOf: (record: T, index: number) => Id,
  options: { readonly includeNonDuplicates?: boolean } = {},
): { pairs: DuplicatePair<Id>[]; candidates: number } {
  const blocks = new Map<string, number[]>()
  for (const [i, record] of records.entries()) {
    for (const { key, value } of matchKeysOf(rule, record)) {
      const id = `${key}\u0000${value}`
      const block = blocks.get(id)
      if (block) block.push(i)
      else blocks.set(id, [i])
    }
  }
  const seen = new Set<number>()
  const pairs: DuplicatePair<Id>[] = []
  const n = records.length
  // Each record is normalised once, however many candidates it meets.
  const prepared: (PreparedRecord | undefined)[] = new Array(n)
  const prepare = (i: number) => {
    let out = prepared[i]
    if (!out) prepared[i] = out = prepareRecord(rule, records[i] as T)
    return out
  }
  for (const block of blocks.values()) {
    if (block.length < 2 || block.length > rule.maxBlockSize + 1) continue
    for (let x = 0; x < block.length; x++) {
      for (let y = x + 1; y < block.length; y++) {
        const i = block[x] as number
        const j = block[y] as number
        const pairId = i < j ? i * n + j : j * n + i
        if (seen.has(pairId)) continue
        seen.add(pairId)
        const a = records[i] as T
        const b = records[j] as T
        const score = scorePrepared(rule, prepare(i), prepare(j))
        if (score.duplicate || options.includeNonDuplicates)
          pairs.push({ a: idOf(a, i), b: idOf(b, j), ...score })
      }
    }
  }
  return { pairs, candidates: seen.size }
}
