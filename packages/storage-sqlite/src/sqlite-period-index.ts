import type { OrderPeriodUnit } from '@rapport/core/storage'
import type { Expression, RawBuilder } from 'kysely'
import { sql } from 'kysely'

/** `floor(x / n)` for integers, also for negative `x` (SQLite's `/` truncates toward zero). */
function floorDiv(x: RawBuilder<number> | Expression<unknown>, n: number): RawBuilder<number> {
  return sql<number>`((${x}) - ((((${x}) % ${sql.lit(n)}) + ${sql.lit(n)}) % ${sql.lit(n)})) / ${sql.lit(n)}`
}

/**
 * The UTC period index of a `datetime` column (epoch milliseconds on SQLite), exactly `orderPeriodIndex()` of
 * `@rapport/core/storage`: integer arithmetic for days and Monday weeks, `strftime` on the whole day for months.
 *
 * @example
 * ```ts
 * sqlitePeriodIndex(sql.ref('occurred_at'), 'week') // ((day + 3) floor-divided by 7)
 * ```
 */
export function sqlitePeriodIndex(column: Expression<unknown>, unit: OrderPeriodUnit): RawBuilder<number> {
  const day = floorDiv(column, 86_400_000)
  switch (unit) {
    case 'day':
      return day
    case 'week':
      return floorDiv(sql`(${day}) + 3`, 7)
    case 'month': {
      const seconds = sql`(${day}) * 86400`
      return sql<number>`(cast(strftime('%Y', ${seconds}, 'unixepoch') as integer) * 12 + cast(strftime('%m', ${seconds}, 'unixepoch') as integer) - 1)`
    }
  }
}
