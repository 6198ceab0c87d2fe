import { AnalyticsError } from '../clv/analytics-error.js'
import { checkArray, checkNumber } from '../validation/input-checks.js'

/**
 * Splits an amount of money, given in integer minor units (cents, fen, yen), in proportion to `weights` by the
 * largest-remainder method: every part is the floor of its exact quota, and the units left over go one each to the
 * parts with the largest fractional remainders (ties to the earlier part). The parts always sum exactly to `total`,
 * no minor unit is lost or invented, and each part differs from its exact quota by less than one unit.
 *
 * A negative `total` (a refund) is split like its absolute value and negated. Parts with weight 0 get 0.
 *
 * @param total - a safe integer amount in minor units
 * @param weights - finite, non-negative weights; at least one must be positive unless `total` is 0
 * @returns one integer per weight, summing to `total`
 * @throws AnalyticsError `INVALID_INPUT` for a non-integer total, a negative or non-finite weight, or all-zero
 *   weights with a non-zero total
 *
 * @example
 * ```ts
 * import { allocateMinorUnits } from '@rapport/analytics/attribution'
 *
 * allocateMinorUnits(100, [1, 1, 1]) // [34, 33, 33]
 * allocateMinorUnits(1003, [1, 1]) // [502, 501]
 * ```
 */
export function allocateMinorUnits(total: number, weights: readonly number[]): number[] {
  checkNumber(total, 'total', { integer: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })
  checkArray<number>(weights, 'weights')
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += checkNumber(weights[i], `weights[${i}]`, { min: 0 })
  return allocateUnchecked(total, weights, sum)
}

/**
 * {@link allocateMinorUnits} without input checks, for callers that built the weights themselves; `sum` is their
 * sum. @internal
 */
export function allocateUnchecked(total: number, weights: ArrayLike<number>, sum: number): number[] {
  const n = weights.length
  if (total === 0 || n === 0) {
    if (total !== 0) throw noWeights(total)
    return new Array<number>(n).fill(0)
  }
  if (!(sum > 0) || !Number.isFinite(sum)) throw noWeights(total)
  const sign = total < 0 ? -1 : 1
  const amount = Math.abs(total)
  if (remainders.length < n) remainders = new Float64Array(Math.max(n, remainders.length * 2))
  const parts: number[] = []
  let assigned = 0
  for (let i = 0; i < n; i++) {
    const quota = (amount * weights[i]!) / sum
    const floor = Math.floor(quota)
    parts.push(floor)
    remainders[i] = quota - floor
    assigned += floor
  }
  let left = amount - assigned
  if (left !== 0) {
    // Indexes by remainder, largest first (earlier index on ties): the order leftover units are handed out in.
    const order = byRemainder(n)
    // Floating-point quotas can leave more than n units or a unit too many; both loops stay exact.
    for (let k = 0; left > 0; k = (k + 1) % n) {
      const i = order[k]!
      if (weights[i]! > 0) {
        parts[i]! += 1
        left--
      }
    }
    for (let k = n - 1; left < 0; k = (k - 1 + n) % n) {
      const i = order[k]!
      if (parts[i]! > 0) {
        parts[i]! -= 1
        left++
      }
    }
  }
  if (sign < 0) for (let i = 0; i < n; i++) parts[i] = -parts[i]! || 0
  return parts
}

/** Scratch space of {@link allocateUnchecked} (synchronous, so one buffer serves every call). */
let remainders = new Float64Array(64)
const scratchOrder = new Int32Array(24)

/**
 * The indexes 0…n−1 of `remainders`, largest remainder first, earlier index on ties (a total order, so any correct
 * sort gives the same result): insertion sort into a scratch array for the short journeys of attribution, the
 * engine's sort for long weight lists.
 */
function byRemainder(n: number): ArrayLike<number> {
  if (n > 24) {
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => remainders[b]! - remainders[a]! || a - b)
  }
  const order = scratchOrder
  for (let i = 0; i < n; i++) {
    const r = remainders[i]!
    let k = i
    // Equal remainders keep their index order: only strictly smaller ones move behind i.
    while (k > 0 && remainders[order[k - 1]!]! < r) {
      order[k] = order[k - 1]!
      k--
    }
    order[k] = i
  }
  return order
}

function noWeights(total: number): AnalyticsError {
  return new AnalyticsError(
    'INVALID_INPUT',
    `cannot split ${total} minor units: no part has a positive weight`,
    { field: 'weights', value: total },
  )
}
