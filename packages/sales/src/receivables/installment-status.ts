import { requireDay } from './calendar-days.js'

/**
 * Whether a contract's receivables count yet: `notEffective` before approval (draft, pending approval), `void` once
 * voided, `effective` otherwise (approved, active, expiring, expired, renewed, terminated: what was invoiced stays
 * owed).
 */
export type ContractStanding = 'effective' | 'notEffective' | 'void'

/**
 * The status of an installment, never stored: derived from the contract's standing, what was allocated to it and an
 * as-of date every time it is read, so no job has to flip it and none can forget to (WukongCRM's overdue job never
 * fires).
 */
export type InstallmentStatus = 'pending' | 'partial' | 'paid' | 'overdue' | 'void' | 'notEffective'

/** Every {@link InstallmentStatus}, in a stable order. */
export const INSTALLMENT_STATUSES: readonly InstallmentStatus[] = [
  'pending',
  'partial',
  'paid',
  'overdue',
  'void',
  'notEffective',
]

/** What {@link installmentStatus} reads. */
export interface InstallmentFacts {
  readonly amountMinor: number
  /** The sum of the allocations to the installment. */
  readonly paidMinor: number
  readonly dueDate: string
  readonly standing: ContractStanding
}

/**
 * Days from the due date to the as-of date (both `YYYY-MM-DD`): 0 on the due date, negative before it.
 *
 * @example
 * ```ts
 * daysPastDue('2026-01-31', '2026-02-02') // 2
 * ```
 */
export function daysPastDue(dueDate: string, asOf: string): number {
  return requireDay(asOf, 'asOf') - requireDay(dueDate, 'dueDate')
}

/**
 * The status of an installment on `asOf` (a `YYYY-MM-DD` date; see `asOfDate` for instants and time zones), in this
 * order: `void` and `notEffective` follow the contract; then `paid` when nothing is owed; `overdue` when something
 * is owed and the due date has passed (a partly paid installment past due is overdue: what matters is that money is
 * late); `partial` when some was paid; `pending` otherwise. An installment is due through its whole due date.
 *
 * @example
 * ```ts
 * const facts = { amountMinor: 100_000, paidMinor: 40_000, dueDate: '2026-01-31', standing: 'effective' } as const
 * installmentStatus(facts, '2026-01-31') // 'partial'
 * installmentStatus(facts, '2026-02-01') // 'overdue'
 * ```
 */
export function installmentStatus(facts: InstallmentFacts, asOf: string): InstallmentStatus {
  if (facts.standing === 'void') return 'void'
  if (facts.standing === 'notEffective') return 'notEffective'
  if (facts.paidMinor >= facts.amountMinor) return 'paid'
  if (daysPastDue(facts.dueDate, asOf) > 0) return 'overdue'
  return facts.paidMinor > 0 ? 'partial' : 'pending'
}
