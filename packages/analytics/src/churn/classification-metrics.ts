import { AnalyticsError } from '../clv/analytics-error.js'

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
 * one half (the Mann-Whitney U statistic over n₁·n₀, computed from mid-ranks in O(n log n)). `null` when either
 * class is absent.
 *
 * @example
 * ```ts
 * rocAuc([0.9, 0.8, 0.3, 0.1], [true, false, true, false]) // 0.75
 * ```
 */
export function rocAuc(scores: readonly number[], labels: readonly (boolean | 0 | 1)[]): number | null {
  checkAligned(scores, labels)
  const order = scores
    .map((s, i) => ({ s, pos: labels[i] === true || labels[i] === 1 }))
    .sort((a, b) => a.s - b.s)
  let rankSumPositives = 0
  let positives = 0
  let i = 0
  while (i < order.length) {
    let j = i
    while (j + 1 < order.length && order[j + 1]!.s === order[i]!.s) j++
    const midRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) {
      if (order[k]!.pos) {
        rankSumPositives += midRank
        positives++
      }
    }
    i = j + 1
  }
  const negatives = order.length - positives
  if (positives === 0 || negatives === 0) return null
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Brier score: mean squared difference between predicted probabilities and outcomes (0 is perfect, 0.25 is a
 * constant 0.5 guess). `null` for no data.
 *
 * @example
 * ```ts
 * brierScore([0.9, 0.2], [true, false]) // 0.025
 * ```
 */
export function brierScore(
  probabilities: readonly number[],
  labels: readonly (boolean | 0 | 1)[],
): number | null {
  checkAligned(probabilities, labels)
  if (probabilities.length === 0) return null
  let s = 0
  probabilities.forEach((p, i) => {
    const y = labels[i] === true || labels[i] === 1 ? 1 : 0
    s += (p - y) ** 2
  })
  return s / probabilities.length
}

function checkAligned(values: readonly number[], labels: readonly unknown[]): void {
  if (values.length !== labels.length) {
    throw new AnalyticsError('INVALID_INPUT', 'scores and labels must have the same length', {
      scores: values.length,
      labels: labels.length,
    })
  }
  values.forEach((v, index) => {
    if (!Number.isFinite(v))
      throw new AnalyticsError('INVALID_INPUT', `score ${index} is not finite`, { index })
  })
}
