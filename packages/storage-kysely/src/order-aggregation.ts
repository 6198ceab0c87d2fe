import { RapportError } from '@rapport/core'
import type { AggregateCustomerOrdersArgs, CustomerOrderAggregate } from '@rapport/core/storage'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { FilterCompiler } from './filter-compiler.js'
import type { ModelMapping, ModelMappings } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'

/** What {@link aggregateCustomerOrdersSql} needs from the operations it is part of. */
export interface OrderAggregationContext {
  /** The engine; must implement {@link SqlDialect.periodIndex}. */
  readonly dialect: SqlDialect
  /** Model → table and column names. */
  readonly mappings: ModelMappings
  /** Runs the statement (serialised, retried and error-mapped like every other read). */
  run<T>(mapping: ModelMapping, work: (db: Kysely<any>) => Promise<T>): Promise<T>
}

const ALIAS = '_t'

/**
 * `StorageOperations.aggregateCustomerOrders` in one SQL statement: orders are bucketed into periods with
 * {@link SqlDialect.periodIndex}, summed per (customer, period, calibration/holdout) in a CTE, the first calibration
 * period is found with a window `min() over (partition by customer)`, and the outer `GROUP BY` customer sums the rest,
 * so the repeat total excludes the first period. The database returns one row per customer; no order row ever
 * reaches JavaScript.
 *
 * @example
 * ```ts
 * const rows = await aggregateCustomerOrdersSql(args, { dialect, mappings, run })
 * ```
 */
export async function aggregateCustomerOrdersSql(
  args: AggregateCustomerOrdersArgs,
  ctx: OrderAggregationContext,
): Promise<CustomerOrderAggregate[]> {
  const { dialect, mappings } = ctx
  const periodIndex = dialect.periodIndex
  if (!periodIndex) {
    throw new RapportError(
      'STORAGE_FAILURE',
      `The ${dialect.name} dialect cannot bucket dates into periods.`,
      {
        details: { dialect: dialect.name },
      },
    )
  }
  const mapping = mappings.get(args.model)
  const column = (field: string) => {
    const c = mapping.byField.get(field)
    if (!c) {
      throw new RapportError('INVALID_CONFIG', `Model "${args.model.name}" has no field "${field}".`, {
        details: { model: args.model.name, field },
      })
    }
    return sql.id(ALIAS, c.column)
  }
  const tenant = column('tenantId')
  const type = column(args.fields.customerType)
  const id = column(args.fields.customerId)
  const at = column(args.fields.occurredAt)
  const amount = column(args.fields.amount)
  const compiler = new FilterCompiler({ dialect, mappings, schema: args.schema })
  const where = compiler.where(mapping, ALIAS, args.where)
  const calEnd = dialect.encodeValue(args.calibrationEnd, { type: 'datetime' })
  const ref = (name: string) => sql.ref(name)
  const query = sql<Record<string, unknown>>`
with ${sql.id('o')} as (
  select ${type} as ${sql.id('ct')}, ${id} as ${sql.id('cid')}, ${at} as ${sql.id('at')},
    ${amount} as ${sql.id('amt')}, ${periodIndex(at, args.unit)} as ${sql.id('p')},
    case when ${at} <= ${calEnd} then 1 else 0 end as ${sql.id('cal')}
  from ${sql.table(mapping.table)} as ${sql.id(ALIAS)}
  where ${tenant} = ${args.tenantId} and ${where}
), ${sql.id('g')} as (
  select ${ref('ct')}, ${ref('cid')}, ${ref('p')}, ${ref('cal')}, count(*) as ${sql.id('n')},
    coalesce(sum(${ref('amt')}), 0) as ${sql.id('s')}, min(${ref('at')}) as ${sql.id('f')},
    max(${ref('at')}) as ${sql.id('l')}
  from ${sql.id('o')}
  group by ${ref('ct')}, ${ref('cid')}, ${ref('p')}, ${ref('cal')}
), ${sql.id('w')} as (
  select ${sql.id('g')}.*,
    min(case when ${ref('cal')} = 1 then ${ref('p')} end) over (partition by ${ref('ct')}, ${ref('cid')}) as ${sql.id('fp')}
  from ${sql.id('g')}
)
select ${ref('ct')} as ${sql.id('customerType')}, ${ref('cid')} as ${sql.id('customerId')},
  min(case when ${ref('cal')} = 1 then ${ref('f')} end) as ${sql.id('firstAt')},
  max(case when ${ref('cal')} = 1 then ${ref('l')} end) as ${sql.id('lastAt')},
  sum(case when ${ref('cal')} = 1 then ${ref('n')} else 0 end) as ${sql.id('orders')},
  sum(case when ${ref('cal')} = 1 then ${ref('s')} else 0 end) as ${sql.id('total')},
  sum(${ref('cal')}) as ${sql.id('periods')},
  min(${ref('fp')}) as ${sql.id('firstPeriod')},
  max(case when ${ref('cal')} = 1 then ${ref('p')} end) as ${sql.id('lastPeriod')},
  sum(case when ${ref('cal')} = 1 and ${ref('p')} <> ${ref('fp')} then ${ref('s')} else 0 end) as ${sql.id('repeatTotal')},
  sum(case when ${ref('cal')} = 0 then ${ref('n')} else 0 end) as ${sql.id('holdoutOrders')},
  sum(1 - ${ref('cal')}) as ${sql.id('holdoutPeriods')},
  sum(case when ${ref('cal')} = 0 then ${ref('s')} else 0 end) as ${sql.id('holdoutTotal')}
from ${sql.id('w')}
group by ${ref('ct')}, ${ref('cid')}
having sum(${ref('cal')}) > 0`
  const rows = await ctx.run(mapping, async (db) => (await query.execute(db)).rows)
  const date = (value: unknown) => dialect.decodeValue(value, { type: 'datetime' }) as Date
  return rows.map((row) => ({
    customerType: String(row['customerType']),
    customerId: String(row['customerId']),
    firstAt: date(row['firstAt']),
    lastAt: date(row['lastAt']),
    orders: Number(row['orders']),
    total: Number(row['total']),
    periods: Number(row['periods']),
    firstPeriod: Number(row['firstPeriod']),
    lastPeriod: Number(row['lastPeriod']),
    repeatTotal: Number(row['repeatTotal']),
    holdoutOrders: Number(row['holdoutOrders']),
    holdoutPeriods: Number(row['holdoutPeriods']),
    holdoutTotal: Number(row['holdoutTotal']),
  }))
}
