/**
 * A quote's effective discount in basis points (1 % = 100): its line and header discounts together over its gross
 * (`discountMinor / grossMinor`), rounded up, so "more than 15 %" is exactly `discountBasisPoints > 1500` however close
 * to the threshold the amounts fall. Exact in bigint; a quote without a positive gross has no discount (0).
 *
 * @example
 * ```ts
 * effectiveDiscountBasisPoints(30_000, 4_501) // 1501: 15.0033 % rounds up, so it is over 15 %
 * ```
 */
export function effectiveDiscountBasisPoints(grossMinor: number, discountMinor: number): number {
  if (!(grossMinor > 0) || !(discountMinor > 0)) return 0
  const gross = BigInt(grossMinor)
  const scaled = BigInt(discountMinor) * 10_000n
  return Number((scaled + gross - 1n) / gross)
}
