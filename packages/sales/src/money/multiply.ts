import { SalesErrorCodes, salesError } from '../errors.js'
import type { DecimalInput } from './decimal.js'
import { parseDecimal } from './decimal.js'
import type { RoundingMode } from './rounding.js'
import { divRound } from './rounding.js'

/**
 * Multiplies minor units by an exact decimal factor and rounds once: `round(amountMinor × factor)`. The product is
 * exact before the rounding (21.53 × 0.21 = 4.5213, then 4.52), never a float.
 *
 * @param amountMinor - A safe integer of minor units.
 * @param factor - A decimal (`"0.21"`, `"1.5"`, `"7.8123"`).
 * @param mode - The rounding mode; `halfUp` by default.
 * @throws RapportError `SALES_INVALID_AMOUNT`, `SALES_INVALID_DECIMAL`, `SALES_AMOUNT_OUT_OF_RANGE`.
 *
 * @example
 * ```ts
 * import { multiplyMinor } from '@rapport/sales/money'
 *
 * multiplyMinor(2153, '0.21') // 452 (4.5213 EUR rounded to 4.52)
 * multiplyMinor(5, '0.5', 'halfEven') // 2
 * ```
 */
export function multiplyMinor(
  amountMinor: number,
  factor: DecimalInput,
  mode: RoundingMode = 'halfUp',
): number {
  if (!Number.isSafeInteger(amountMinor)) {
    throw salesError(SalesErrorCodes.INVALID_AMOUNT, 'Expected a safe integer of minor units', {
      path: ['amountMinor'],
    })
  }
  const ratio = parseDecimal(factor, ['factor'])
  const product = divRound(BigInt(amountMinor) * ratio.n, ratio.d, mode)
  if (product > BigInt(Number.MAX_SAFE_INTEGER) || product < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw salesError(SalesErrorCodes.AMOUNT_OUT_OF_RANGE, 'The product exceeds a safe integer', {
      path: ['amountMinor'],
    })
  }
  return Number(product)
}
