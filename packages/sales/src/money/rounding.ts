/**
 * How a value exactly between two minor units (or any inexact value, for `down` and `up`) is rounded.
 *
 * - `halfUp`: half away from zero (Odoo `float_round`, the default everywhere in this package);
 * - `halfEven`: banker's rounding;
 * - `halfDown`: half toward zero;
 * - `down`: toward zero (truncate); `up`: away from zero.
 */
export type RoundingMode = 'halfUp' | 'halfEven' | 'halfDown' | 'down' | 'up'

/** The modes {@link RoundingMode} allows, for validation. */
export const roundingModes: readonly RoundingMode[] = ['halfUp', 'halfEven', 'halfDown', 'down', 'up']

/** `numerator / denominator` rounded to an integer with `mode`; `denominator` must be positive. */
export function divRound(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  const quotient = numerator / denominator
  const remainder = numerator % denominator
  if (remainder === 0n) return quotient
  const sign = numerator < 0n ? -1n : 1n
  const twice = (remainder < 0n ? -remainder : remainder) * 2n
  switch (mode) {
    case 'down':
      return quotient
    case 'up':
      return quotient + sign
    case 'halfUp':
      return twice >= denominator ? quotient + sign : quotient
    case 'halfDown':
      return twice > denominator ? quotient + sign : quotient
    case 'halfEven':
      if (twice > denominator) return quotient + sign
      if (twice < denominator) return quotient
      return quotient % 2n === 0n ? quotient : quotient + sign
  }
}

/** `numerator / denominator` rounded toward negative infinity; `denominator` must be positive. */
export function divFloor(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator
  return numerator % denominator !== 0n && numerator < 0n ? quotient - 1n : quotient
}
