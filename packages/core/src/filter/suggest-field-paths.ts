/**
 * Close matches for a misspelt field path, best first: the same spelling in another case, then small edit distances
 * (Damerau–Levenshtein, so a swapped pair of letters costs 1; at most a third of the length rounded up, at most 3),
 * then paths whose start is such a close match (a misspelt prefix, "ownr" for "ownerId"), then paths that contain
 * the input or are contained by it. Bounded work: full distances are only computed for candidates whose length is
 * within the allowed distance, and every distance computation gives up early. Used for "did you mean" in filter
 * errors and for import header mapping.
 *
 * @example
 * ```ts
 * suggestFieldPaths('frstName', ['firstName', 'lastName']) // ['firstName']
 * ```
 */
export function suggestFieldPaths(input: string, candidates: readonly string[], max = 5): string[] {
  const lower = input.toLowerCase()
  const allowed = Math.min(3, Math.max(1, Math.ceil(input.length / 3)))
  const scored: { path: string; score: number }[] = []
  for (const path of candidates) {
    const candidate = path.toLowerCase()
    if (candidate === lower) {
      scored.push({ path, score: 0 })
      continue
    }
    if (Math.abs(candidate.length - lower.length) <= allowed) {
      const distance = editDistance(lower, candidate, allowed)
      if (distance <= allowed) {
        scored.push({ path, score: distance })
        continue
      }
    }
    // A misspelt prefix ("ownr" for "ownerId"): compare with the candidate's start.
    if (candidate.length > lower.length) {
      const distance = editDistance(lower, candidate.slice(0, lower.length), allowed)
      if (distance <= allowed - 1 || (distance <= allowed && lower.length >= 4)) {
        scored.push({ path, score: distance + 1 })
        continue
      }
    }
    if (lower.length >= 3 && (candidate.includes(lower) || lower.includes(candidate))) {
      scored.push({ path, score: allowed + 1 })
    }
  }
  scored.sort((a, b) => a.score - b.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return scored.slice(0, max).map((entry) => entry.path)
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up (returning `limit + 1`)
 * once every cell of a row exceeds `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  let beforePrevious: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, beforePrevious[j - 2]! + 1)
      }
      current.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin > limit) return limit + 1
    beforePrevious = previous
    previous = current
  }
  return previous[b.length]!
}
