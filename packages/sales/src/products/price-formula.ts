import type { DecimalInput, Ratio } from '../money/decimal.js'
import { parseDecimal } from '../money/decimal.js'
import type { RoundingMode } from '../money/rounding.js'
import { divRound } from '../money/rounding.js'

/**
 * How a derived price book turns a base price into its own (Odoo's `product.pricelist.item` formula, in minor units
 * of the book's currency). The steps, in this order:
 * 1. `price = base × (1 − discountPercent / 100)`, exact (a negative discount is a markup);
 * 2. rounded to a multiple of `roundingMinor` (Odoo `price_round`), or to one minor unit without it, half up;
 * 3. `+ surchargeMinor` (may be negative: rounding 1000 with surcharge −1 gives x9.99 prices);
 * 4. held within `[base + minMarginMinor, base + maxMarginMinor]` (each bound only when given);
 * 5. never below zero.
 */
export interface PriceFormula {
  /** A decimal percentage at most 100 (`"15"`, `"-10"` for a 10 % markup); default 0. */
  readonly discountPercent?: DecimalInput | null | undefined
  /** Round the discounted price to a multiple of this many minor units (≥ 1), e.g. `1000` for whole tens of EUR. */
  readonly roundingMinor?: number | null | undefined
  /** Added after rounding; may be negative. */
  readonly surchargeMinor?: number | null | undefined
  /** The price is at least `base + minMarginMinor`. */
  readonly minMarginMinor?: number | null | undefined
  /** The price is at most `base + maxMarginMinor`. */
  readonly maxMarginMinor?: number | null | undefined
}

const ZERO: Ratio = { n: 0n, d: 1n }

/**
 * The price a {@link PriceFormula} gives for `baseMinor`, in integer minor units. Every step is exact (bigint
 * arithmetic); `mode` (default `halfUp`, as Odoo's `float_round`) rounds step 2.
 *
 * @example
 * ```ts
 * // Golden vector #10: base 123.00, round to 10.00, surcharge −0.01 → 119.99
 * applyPriceFormula(12_300, { roundingMinor: 1_000, surchargeMinor: -1 }) // 11_999
 * applyPriceFormula(10_000, { discountPercent: '15' }) // 8_500
 * ```
 */
export function applyPriceFormula(
  baseMinor: number,
  formula: PriceFormula,
  mode: RoundingMode = 'halfUp',
): number {
  const base = BigInt(baseMinor)
  const discount =
    formula.discountPercent == null ? ZERO : parseDecimal(formula.discountPercent, ['discountPercent'])
  // base × (100 − discount) / 100, with discount = n / d: base × (100d − n) / (100d)
  const numerator = base * (100n * discount.d - discount.n)
  const denominator = 100n * discount.d
  const step = BigInt(formula.roundingMinor ?? 1)
  let price = divRound(numerator, denominator * step, mode) * step
  if (formula.surchargeMinor != null) price += BigInt(formula.surchargeMinor)
  if (formula.minMarginMinor != null) {
    const floor = base + BigInt(formula.minMarginMinor)
    if (price < floor) price = floor
  }
  if (formula.maxMarginMinor != null) {
    const ceiling = base + BigInt(formula.maxMarginMinor)
    if (price > ceiling) price = ceiling
  }
  return price < 0n ? 0 : Number(price)
}
