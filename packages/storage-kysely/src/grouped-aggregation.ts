import { RapportError } from '@rapport/core'
import type { AggregateGroupRow, AggregateRowsArgs, FieldRef } from '@rapport/core/storage'
import type { RawBuilder } from 'kysely'
import { sql } from 'kysely'
import { FilterCompiler } from './filter-compiler.js'
import type { OrderAggregationContext } from './order-aggregation.js'

/**
 * What {@link aggregateRowsSql} needs from the operations it is part of: the same dialect, mappings and runner as
 * order aggregation (`periodIndex` aside, which grouping does not use).
 */
export type GroupedAggregationContext = OrderAggregationContext

const ALIAS = '_t'

/**
 * `StorageOperations.aggregate` in one `SELECT … GROUP BY` statement: a `field` key is the column, a `case` key is
 * `CASE WHEN <filter 0> THEN 0 WHEN <filter 1> THEN 1 … ELSE n END` with the filters compiled by the same
 * {@link FilterCompiler} as every `WHERE`, so the buckets mean exactly what the filters mean; `count(*)` and
 * `coalesce(sum(col), 0)` are the measures. Keys are grouped by position. The database returns one row per group.
 *
 * @example
 * ```ts
 * const groups = await aggregateRowsSql(args, { dialect, mappings, run })
 * ```
 */
export async function aggregateRowsSql(
  args: AggregateRowsArgs,
  ctx: GroupedAggregationContext,
): Promise<AggregateGroupRow[]> {
  const { dialect, mappings } = ctx
  const mapping = mappings.get(args.model)
  const column = (ref: FieldRef): RawBuilder<unknown> => {
    const c = mapping.byField.get(ref.field)
    if (!c || ref.path) {
      throw new RapportError(
        'INVALID_CONFIG',
        `Model "${args.model.name}" has no plain field "${ref.field}".`,
        {
          details: { model: args.model.name, field: ref.field },
        },
      )
    }
    return sql`${sql.id(ALIAS, c.column)}`
  }
  if (args.measures.length === 0) {
    throw new RapportError('INVALID_CONFIG', 'An aggregate needs at least one measure.', { details: {} })
  }
  const compiler = new FilterCompiler({
    dialect,
    mappings,
    schema: args.schema,
    tenantId: args.tenantId,
    readsEveryRow: true,
  })
  const keys = args.groupBy.map((key, i) => {
    const expr =
      key.kind === 'field'
        ? column(key.ref)
        : sql`case ${sql.join(
            key.cases.map(
              (filter, j) => sql`when ${compiler.where(mapping, ALIAS, filter)} then ${sql.lit(j)}`,
            ),
            sql` `,
          )} else ${sql.lit(key.cases.length)} end`
    return sql`${expr} as ${sql.id(`k${i}`)}`
  })
  const values = args.measures.map((measure, i) => {
    const expr = measure.kind === 'count' ? sql`count(*)` : sql`coalesce(sum(${column(measure.ref)}), 0)`
    return sql`${expr} as ${sql.id(`m${i}`)}`
  })
  const tenant = column({ field: 'tenantId', type: 'string' })
  const where = compiler.where(mapping, ALIAS, args.where)
  const groupBy =
    keys.length === 0
      ? sql``
      : sql`group by ${sql.join(
          keys.map((_, i) => sql.lit(i + 1)),
          sql`, `,
        )}`
  const query = sql<Record<string, unknown>>`select ${sql.join([...keys, ...values], sql`, `)}
from ${sql.table(mapping.table)} as ${sql.id(ALIAS)}
where ${tenant} = ${args.tenantId} and ${where}
${groupBy}`
  const rows = await ctx.run(mapping, async (db) => (await query.execute(db)).rows)
  return rows.map((row) => ({
    keys: args.groupBy.map((key, i) => {
      const value = row[`k${i}`]
      if (key.kind === 'case') return Number(value)
      if (value === null || value === undefined) return null
      const field = args.model.fields[key.ref.field]
      return field ? dialect.decodeValue(value, field) : (value as string)
    }),
    values: args.measures.map((_, i) => Number(row[`m${i}`] ?? 0)),
  }))
}
