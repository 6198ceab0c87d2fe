import type { EntityId } from '../rfm/compare-ids.js'
import type { TimeInput } from '../rfm/to-epoch-ms.js'
import { toEpochMs } from '../rfm/to-epoch-ms.js'
import { checkArray, checkId, checkObject, checkOptions } from '../validation/input-checks.js'
import { monthIndex, monthKey } from './calendar-period.js'

/** An order for cohort analysis. */
export interface CohortOrder {
  /** The customer. */
  readonly customerId: EntityId
  /** When the order happened. */
  readonly at: TimeInput
}

/** Options of {@link cohortRetention}. */
export interface CohortRetentionOptions {
  /** Last month observed (orders after it are ignored); default the month of the latest order. */
  readonly asOf?: TimeInput
}

/** One acquisition cohort. */
export interface CohortRow {
  /** First-order month, `'YYYY-MM'` (UTC). */
  readonly cohort: string
  /** Customers whose first order fell in that month. */
  readonly size: number
  /** `active[k]`: cohort customers with at least one order in month `cohort + k` (`active[0] = size`). */
  readonly active: readonly number[]
  /** `active[k] / size`. */
  readonly retention: readonly number[]
}

/**
 * Cohort retention table: customers are grouped by the UTC month of their first order; for each month offset
 * k = 0, 1, … up to the last observed month, the table counts cohort members who ordered in that month. Younger
 * cohorts have shorter rows (a triangle).
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for a malformed order (customer id, date), an invalid `asOf` or an
 * unknown option.
 *
 * @example
 * ```ts
 * import { cohortRetention } from '@rapport/analytics/pipeline'
 *
 * for (const c of cohortRetention(orders)) console.log(c.cohort, c.retention.map((r) => r.toFixed(2)).join(' '))
 * ```
 */
export function cohortRetention(
  orders: readonly CohortOrder[],
  options: CohortRetentionOptions = {},
): CohortRow[] {
  checkArray(orders, 'orders')
  checkOptions(options, 'options', ['asOf'])
  const limit = options.asOf === undefined ? Infinity : monthIndex(toEpochMs(options.asOf, 'asOf'))
  const months = new Map<EntityId, Set<number>>()
  let last = -Infinity
  orders.forEach((o, index) => {
    checkObject(o, `orders[${index}]`)
    checkId(o.customerId, `orders[${index}].customerId`, { index })
    const m = monthIndex(toEpochMs(o.at, `orders[${index}].at`, { index }))
    if (m > limit) return
    let set = months.get(o.customerId)
    if (!set) months.set(o.customerId, (set = new Set()))
    set.add(m)
    if (m > last) last = m
  })
  const end = Number.isFinite(limit) ? limit : last
  const cohorts = new Map<number, Set<number>[]>()
  for (const set of months.values()) {
    const first = Math.min(...set)
    let list = cohorts.get(first)
    if (!list) cohorts.set(first, (list = []))
    list.push(set)
  }
  return [...cohorts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([first, members]) => {
      const active = Array.from({ length: end - first + 1 }, (_, k) =>
        members.reduce((n, set) => n + (set.has(first + k) ? 1 : 0), 0),
      )
      return {
        cohort: monthKey(first),
        size: members.length,
        active,
        retention: active.map((a) => a / members.length),
      }
    })
}
