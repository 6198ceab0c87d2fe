import type { OrderPeriodUnit } from '@rapport/core/storage'
import type { Expression, RawBuilder } from 'kysely'
import { sql } from 'kysely'

/**
 * The UTC period index of a `timestamptz` column, exactly `orderPeriodIndex()` of `@rapport/core/storage`: floored
 * days since the epoch, Monday weeks `floor((day + 3) / 7)`, and `year * 12 + month - 1` read in UTC.
 *
 * @example
 * ```ts
 * postgresPeriodIndex(sql.ref('occurred_at'), 'month')
 * ```
 */
export function postgresPeriodIndex(column: Expression<unknown>, unit: OrderPeriodUnit): RawBuilder<number> {
  const day = sql<number>`floor(extract(epoch from ${column}) / 86400)::bigint`
  switch (unit) {
    case 'day':
      return day
    case 'week':
      return sql<number>`floor((${day} + 3)::numeric / 7)::bigint`
    case 'month': {
      const utc = sql`(${column} at time zone 'UTC')`
      return sql<number>`(extract(year from ${utc})::bigint * 12 + extract(month from ${utc})::bigint - 1)`
    }
  }
}
