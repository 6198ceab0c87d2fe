import { RapportError } from '@rapport/core'
import { receivableError } from './receivable-errors.js'

/** An installment a payment may go to: what it still owes, and the keys that order it (oldest due first). */
export interface OpenInstallment {
  readonly id: string
  readonly dueDate: string
  readonly seq: number
  /** What the installment still owes, in minor units (≥ 0). */
  readonly outstandingMinor: number
}

/** One part of a payment applied to one installment. */
export interface Allocation {
  readonly installmentId: string
  readonly amountMinor: number
}

/** How a payment was spread: the allocations, and what was left over (an over-payment, kept as a credit). */
export interface PaymentSpread {
  readonly allocations: readonly Allocation[]
  /** The part of the payment no installment needed; never negative. */
  readonly unallocatedMinor: number
}

/** Oldest due first; ties by installment number, then id, so the order is total and the same everywhere. */
export function compareOpenInstallments(a: OpenInstallment, b: OpenInstallment): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1
  if (a.seq !== b.seq) return a.seq - b.seq
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * Spreads a payment over installments, oldest due first (FIFO, what collections expect): each installment gets
 * `min(rest, outstanding)`. A partial payment leaves the last touched installment partly paid; an over-payment leaves
 * `unallocatedMinor > 0`, which the caller keeps on the payment as a credit.
 *
 * @example
 * ```ts
 * spreadPayment(50_000, [
 *   { id: 'i1', seq: 1, dueDate: '2026-01-31', outstandingMinor: 30_000 },
 *   { id: 'i2', seq: 2, dueDate: '2026-02-28', outstandingMinor: 30_000 },
 * ]) // allocations i1 30 000, i2 20 000; unallocatedMinor 0
 * ```
 */
export function spreadPayment(amountMinor: number, open: readonly OpenInstallment[]): PaymentSpread {
  checkAmount(amountMinor, 'amountMinor')
  let rest = amountMinor
  const allocations: Allocation[] = []
  for (const installment of [...open].sort(compareOpenInstallments)) {
    if (rest === 0) break
    const take = Math.min(rest, installment.outstandingMinor)
    if (take <= 0) continue
    allocations.push({ installmentId: installment.id, amountMinor: take })
    rest -= take
  }
  return { allocations, unallocatedMinor: rest }
}

/**
 * Checks allocations chosen by hand: each amount positive, none above what its installment still owes (several
 * allocations to one installment count together), and together not above what the payment has left.
 *
 * @throws `SALES_ALLOCATION_EXCEEDS_OUTSTANDING` (with `details.installmentId`, `outstandingMinor`, `requestedMinor`),
 *   `SALES_ALLOCATION_EXCEEDS_PAYMENT` (with `details.unallocatedMinor`, `requestedMinor`), or `VALIDATION_FAILED`
 *   for a non-positive amount.
 *
 * @example
 * ```ts
 * checkAllocations([{ installmentId: 'i1', amountMinor: 10_000 }], new Map([['i1', 5_000]]), 20_000) // throws
 * ```
 */
export function checkAllocations(
  requested: readonly Allocation[],
  outstandingById: ReadonlyMap<string, number>,
  unallocatedMinor: number,
): void {
  const perInstallment = new Map<string, number>()
  let total = 0
  for (const [i, allocation] of requested.entries()) {
    checkAmount(allocation.amountMinor, `allocations[${i}].amountMinor`)
    const sum = (perInstallment.get(allocation.installmentId) ?? 0) + allocation.amountMinor
    perInstallment.set(allocation.installmentId, sum)
    total += allocation.amountMinor
    const outstanding = outstandingById.get(allocation.installmentId) ?? 0
    if (sum > outstanding) {
      throw receivableError(
        'SALES_ALLOCATION_EXCEEDS_OUTSTANDING',
        `Installment ${allocation.installmentId} owes ${outstanding}, ${sum} was allocated to it`,
        { installmentId: allocation.installmentId, outstandingMinor: outstanding, requestedMinor: sum },
      )
    }
  }
  if (total > unallocatedMinor) {
    throw receivableError(
      'SALES_ALLOCATION_EXCEEDS_PAYMENT',
      `The payment has ${unallocatedMinor} left to allocate, ${total} was asked for`,
      { unallocatedMinor, requestedMinor: total },
    )
  }
}

function checkAmount(amount: number, path: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    const message = `${path} must be a positive integer (minor units), got ${amount}`
    const issuePath = path.split(/[.[\]]+/).filter(Boolean)
    throw new RapportError('VALIDATION_FAILED', message, {
      details: { issues: [{ path: issuePath, message, code: 'invalid_value' }] },
    })
  }
}
