import { compareStringsByCodePoint } from '../storage/compare-storage-values.js'
import type { StorageRow } from '../storage/storage-filter.js'

/** Lower-cases ASCII letters only and splits on anything that is not a letter or a digit. */
export function searchTokens(text: string): string[] {
  return text
    .replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0)
}

/**
 * Ranks rows for a free-text query: a row matches when every query token is a whole token or a prefix of a token
 * in one of `fields`; whole-token hits score 2, prefix hits 1. Best score first, ties by id. Case-insensitive for
 * ASCII letters, like the storage port's `caseInsensitive`.
 */
export function rankSearch(
  rows: Iterable<StorageRow>,
  fields: readonly string[],
  query: string,
): StorageRow[] {
  const terms = [...new Set(searchTokens(query))]
  if (terms.length === 0 || fields.length === 0) return []
  const scored: { row: StorageRow; score: number }[] = []
  for (const row of rows) {
    const tokens: string[] = []
    for (const field of fields) {
      const value = row[field]
      if (typeof value === 'string') tokens.push(...searchTokens(value))
    }
    let score = 0
    for (const term of terms) {
      let best = 0
      for (const token of tokens) {
        if (token === term) best += 2
        else if (token.startsWith(term)) best += 1
      }
      if (best === 0) {
        score = 0
        break
      }
      score += best
    }
    if (score > 0) scored.push({ row, score })
  }
  scored.sort(
    (a, b) => b.score - a.score || compareStringsByCodePoint(String(a.row['id']), String(b.row['id'])),
  )
  return scored.map((entry) => entry.row)
}
