import type { Filter } from '../filter/filter-types.js'

/**
 * Core's one rule for due times: something due at `dueAt` is **past due** at `now` exactly when `dueAt < now`. The
 * due instant itself is still in time, as for SLA targets (`checkSla` marks a breach only once the due time has
 * passed) and the overdue lists of the guides (`dueAt lt now`). Automation's "before `dueAt`" triggers use the same
 * rule: they fire from `dueAt − offset` up to and including `dueAt`, and never for what is already past due.
 *
 * @example
 * ```ts
 * isPastDue(new Date('2026-03-02T09:00Z'), new Date('2026-03-02T09:00Z')) // false: due now, still in time
 * isPastDue(new Date('2026-03-02T08:59Z'), new Date('2026-03-02T09:00Z')) // true
 * ```
 */
export function isPastDue(dueAt: Date, now: Date): boolean {
  return dueAt.getTime() < now.getTime()
}

/** The comparison of a due time with `now` that means past due (`dueAt lt now`). @internal */
export const PAST_DUE_OP = 'lt' as const

/**
 * The filter form of {@link isPastDue}: records whose `field` is past due at `now` (`field lt now`), or, with
 * `pastDue: false`, those not past due yet (`field gte now`; a record without a due time matches neither).
 *
 * @example
 * ```ts
 * const overdue = await crm.tasks.list({ where: dueTimeFilter('dueAt', new Date()) })
 * const upcoming = await crm.tasks.list({ where: dueTimeFilter('dueAt', new Date(), { pastDue: false }) })
 * ```
 */
export function dueTimeFilter(
  field: string,
  now: Date,
  options: { readonly pastDue?: boolean } = {},
): Filter {
  return { field, op: options.pastDue === false ? 'gte' : PAST_DUE_OP, value: now }
}
