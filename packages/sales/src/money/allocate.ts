import { SalesErrorCodes, salesError } from '../errors.js'

/**
 * Splits `total` minor units into parts proportional to `weights`, losing and inventing nothing: the parts always sum
 * to `total` exactly.
 *
 * Each part first gets the floor of its exact share `total × weight / Σweights`; the units left over go one each to
 * the parts with the largest remainders, ties to the earlier index (dinero.js `allocate` gives the same answer). A
 * negative total is split as the negation of the split of its absolute value, so `allocate(-t) = -allocate(t)`. A part
 * with weight 0 always gets 0. Used for header discounts, company-currency line amounts and installment plans.
 *
 * @param total - An amount in minor units (a safe integer, any sign).
 * @param weights - One non-negative safe integer per part; at least one must be positive unless `total` is 0.
 * @returns One safe integer per weight, in the same order, summing to `total`.
 * @throws RapportError `SALES_INVALID_ALLOCATION` when a weight is not a non-negative safe integer or every weight is 0
 * for a non-zero total; `SALES_INVALID_AMOUNT` when `total` is not a safe integer.
 *
 * @example
 * ```ts
 * import { allocateLargestRemainder } from '@rapport/sales/money'
 *
 * allocateLargestRemainder(100, [1, 1, 1]) // [34, 33, 33]
 * allocateLargestRemainder(1003, [50, 50]) // [502, 501]
 * allocateLargestRemainder(100_000, [30, 30, 40]) // three installments of a 1,000.00 plan: [30000, 30000, 40000]
 * ```
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) {
    throw salesError(
      SalesErrorCodes.INVALID_AMOUNT,
      'The total to allocate must be a safe integer of minor units',
      {
        path: ['total'],
      },
    )
  }
  const big: bigint[] = []
  let sum = 0n
  for (const [index, weight] of weights.entries()) {
    if (!Number.isSafeInteger(weight) || weight < 0) {
      throw salesError(
        SalesErrorCodes.INVALID_ALLOCATION,
        `Weight ${index} must be a non-negative safe integer`,
        {
          path: ['weights', index],
        },
      )
    }
    big.push(BigInt(weight))
    sum += BigInt(weight)
  }
  if (total === 0) return weights.map(() => 0)
  if (sum === 0n) {
    throw salesError(
      SalesErrorCodes.INVALID_ALLOCATION,
      'Cannot allocate a non-zero total over no positive weight',
      {
        path: ['weights'],
      },
    )
  }
  return allocateBig(BigInt(total), big, sum).map(Number)
}

/**
 * The bigint core of {@link allocateLargestRemainder}; `sum` must be the (positive) sum of `weights`. Internal to the
 * money module: callers outside it use the validated number version.
 */
export function allocateBig(total: bigint, weights: readonly bigint[], sum: bigint): bigint[] {
  if (total < 0n) return allocateBig(-total, weights, sum).map((part) => -part)
  const parts: bigint[] = []
  const remainders: bigint[] = []
  let left = total
  for (const weight of weights) {
    const product = total * weight
    const part = product / sum
    parts.push(part)
    remainders.push(product % sum)
    left -= part
  }
  if (left > 0n) {
    // Stable: equal remainders keep index order, so ties go to the earlier part.
    const order = remainders
      .map((_, index) => index)
      .sort((a, b) => compareDesc(remainders[a], remainders[b]))
    for (let k = 0; left > 0n; k++, left--) {
      const index = order[k] as number
      parts[index] = (parts[index] as bigint) + 1n
    }
  }
  return parts
}

function compareDesc(a: bigint | undefined, b: bigint | undefined): number {
  const x = a ?? 0n
  const y = b ?? 0n
  return x === y ? 0 : x > y ? -1 : 1
}
