import { requireDay } from './calendar-days.js'
import { receivableError } from './receivable-errors.js'

/**
 * One line of an installment plan's terms, Odoo payment-term style: a percentage of the total, a fixed amount, or
 * the balance (what the other lines leave, so it absorbs their rounding). At most one balance line.
 */
export type InstallmentTerm =
  | { readonly percent: number; readonly dueDate: string }
  | { readonly amountMinor: number; readonly dueDate: string }
  | { readonly balance: true; readonly dueDate: string }

/** One installment of a plan: its number (1-based, in term order), due date and amount in minor units. */
export interface PlannedInstallment {
  readonly seq: number
  readonly dueDate: string
  readonly amountMinor: number
}

/** Percentages are exact to 4 decimal places: they are held as parts per million. */
const PPM = 1_000_000n

function percentToPpm(percent: number, index: number): bigint {
  const ppm = Math.round(percent * 10_000)
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100 || Math.abs(ppm - percent * 10_000) > 1e-6) {
    throw receivableError(
      'SALES_INVALID_PLAN',
      `terms[${index}].percent must be in (0, 100] with at most 4 decimals, got ${percent}`,
      { path: ['terms', index, 'percent'], value: percent },
    )
  }
  return BigInt(ppm)
}

/** `round(total × ppm / 10⁶)`, half away from zero (amounts are never negative here), in exact integer arithmetic. */
function percentOf(totalMinor: number, ppm: bigint): number {
  const scaled = BigInt(totalMinor) * ppm
  return Number((scaled * 2n + PPM) / (PPM * 2n))
}

/**
 * Splits `totalMinor` into installments following `terms`: percentage lines are rounded cumulatively (line k gets
 * `round(total × (p₁+…+pₖ)) − round(total × (p₁+…+pₖ₋₁))`, half-up), so each is within one minor unit of exact and
 * together they never exceed the total while their percentages stay within 100 % (rounding each line on its own
 * would: six 10 % lines of 5 minor units are 1 each), fixed lines are taken as they are, and the balance line gets exactly what is left, so the installments always add
 * up to the total. Without a balance line the lines must add up to the total by themselves.
 *
 * @throws `SALES_INVALID_PLAN` for no terms, two balance lines, a percentage outside (0, 100] or with more than 4
 *   decimals, a non-positive or non-integer amount, or a bad date. `SALES_PLAN_TOTAL_MISMATCH` when the lines exceed
 *   the total, or (without a balance line) do not reach it.
 *
 * @example
 * ```ts
 * planInstallments(100_000, [
 *   { percent: 33.3333, dueDate: '2026-01-31' },
 *   { percent: 33.3333, dueDate: '2026-02-28' },
 *   { balance: true, dueDate: '2026-03-31' },
 * ]) // 33 333, 33 334, 33 333
 * ```
 */
export function planInstallments(
  totalMinor: number,
  terms: readonly InstallmentTerm[],
): PlannedInstallment[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) {
    throw receivableError(
      'SALES_INVALID_PLAN',
      `The total must be a non-negative integer, got ${totalMinor}`,
      {
        path: ['totalMinor'],
      },
    )
  }
  if (terms.length === 0) throw receivableError('SALES_INVALID_PLAN', 'A plan needs at least one line', {})
  const balanceLines = terms.flatMap((t, i) => ('balance' in t ? [i] : []))
  if (balanceLines.length > 1) {
    throw receivableError('SALES_INVALID_PLAN', 'A plan has at most one balance line', {
      lines: balanceLines,
    })
  }
  let cumulativePpm = 0n
  let cumulativeMinor = 0
  const amounts = terms.map((term, i): number | null => {
    requireDay(term.dueDate, `terms[${i}].dueDate`)
    if ('balance' in term) return null
    if ('percent' in term) {
      cumulativePpm += percentToPpm(term.percent, i)
      const upToHere = percentOf(totalMinor, cumulativePpm)
      const amount = upToHere - cumulativeMinor
      cumulativeMinor = upToHere
      return amount
    }
    if (!Number.isSafeInteger(term.amountMinor) || term.amountMinor <= 0) {
      throw receivableError(
        'SALES_INVALID_PLAN',
        `terms[${i}].amountMinor must be a positive integer, got ${term.amountMinor}`,
        { path: ['terms', i, 'amountMinor'], value: term.amountMinor },
      )
    }
    return term.amountMinor
  })
  const fixed = amounts.reduce<number>((sum, a) => sum + (a ?? 0), 0)
  const balance = totalMinor - fixed
  if (balance < 0 || (balanceLines.length === 0 && balance !== 0)) {
    throw receivableError(
      'SALES_PLAN_TOTAL_MISMATCH',
      `The plan's lines add up to ${fixed}, the total is ${totalMinor}`,
      { expectedMinor: totalMinor, actualMinor: fixed },
    )
  }
  return terms.map((term, i) => ({ seq: i + 1, dueDate: term.dueDate, amountMinor: amounts[i] ?? balance }))
}

/**
 * Checks that installments (typed in by hand, or edited) add up to the contract amount.
 *
 * @throws `SALES_PLAN_TOTAL_MISMATCH` with `details.expectedMinor` and `details.actualMinor`.
 *
 * @example
 * ```ts
 * assertPlanTotal(100_000, [{ amountMinor: 60_000 }, { amountMinor: 40_000 }]) // passes
 * ```
 */
export function assertPlanTotal(
  totalMinor: number,
  installments: readonly { readonly amountMinor: number }[],
): void {
  const actual = installments.reduce((sum, i) => sum + i.amountMinor, 0)
  if (actual !== totalMinor) {
    throw receivableError(
      'SALES_PLAN_TOTAL_MISMATCH',
      `The installments add up to ${actual}, the contract amount is ${totalMinor}`,
      { expectedMinor: totalMinor, actualMinor: actual },
    )
  }
}
