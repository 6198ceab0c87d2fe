import { RapportError } from '@rapport/core'
import type { StorageFilter, StorageOperations, StorageRow, UpdateByIdsArgs } from '@rapport/core/storage'
import type { Kysely, RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import { FilterCompiler } from './filter-compiler.js'
import type { ModelMapping, ModelMappings } from './model-mapping.js'
import { encodeRow, rowDecoder } from './row-codec.js'
import type { SqlDialect } from './sql-dialect.js'

/** What {@link updateByIdsSql} needs from the operations it belongs to. */
export interface UpdateByIdsContext {
  readonly dialect: SqlDialect
  readonly mappings: ModelMappings
  /** The table alias of every statement. */
  readonly alias: string
  readonly run: <T>(mapping: ModelMapping, work: (db: Kysely<any>) => Promise<T>) => Promise<T>
  /** The operations' own `updateById`, for dialects without a column-array source. */
  readonly updateById: StorageOperations['updateById']
}

/** The alias of the row source's columns: `k` the id, `d<i>` the data columns, `m<i>` the match columns. */
const SOURCE = '_v'

/**
 * `StorageOperations.updateByIds`: with the dialect's {@link SqlDialect.columnArraySource}, ONE statement for the
 * batch, `update t set c = _v.d0, … from unnest(…) as _v(k, d0, …, m0, …) where t.tenant = ? and t.id = _v.k and
 * t.version = _v.m0 … and <guard> returning t.*`, with a fixed parameter count whatever the row count. Otherwise one
 * `updateById` per row (SQLite: in-process statements, no round trip), with the same semantics.
 */
export async function updateByIdsSql(args: UpdateByIdsArgs, ctx: UpdateByIdsContext): Promise<StorageRow[]> {
  const { dialect, mappings, alias } = ctx
  const rows = args.rows
  if (rows.length === 0) return []
  if (!dialect.columnArraySource) {
    const out: StorageRow[] = []
    for (const row of rows) {
      const updated = await ctx.updateById({
        model: args.model,
        schema: args.schema,
        tenantId: args.tenantId,
        id: row.id,
        data: row.data,
        guard: guardOf(row.match, args.guard, mappings.get(args.model)),
      })
      if (updated) out.push(updated)
    }
    return out
  }
  const mapping = mappings.get(args.model)
  const dataFields = definedKeys(rows[0]!.data)
  const matchFields = definedKeys(rows[0]!.match ?? {})
  for (const key of ['id', 'tenantId']) {
    if (dataFields.includes(key)) {
      throw new RapportError('VALIDATION_FAILED', `"${key}" cannot be changed.`, {
        details: { issues: [{ path: [key], message: 'Immutable field', code: 'invalid_value' }] },
      })
    }
  }
  const columnOf = (field: string) => {
    const column = mapping.byField.get(field)
    if (!column) {
      throw new RapportError('VALIDATION_FAILED', `Model "${mapping.model.name}" has no field "${field}".`, {
        details: { issues: [{ path: [field], message: 'Unknown field', code: 'unrecognized_keys' }] },
      })
    }
    return column
  }
  const idColumn = columnOf('id')
  const dataColumns = dataFields.map(columnOf)
  const matchColumns = matchFields.map(columnOf)
  // The same refusals as the row-by-row path (a match is a non-null scalar).
  guardOf(rows[0]!.match, undefined, mapping)
  const arrays: unknown[][] = [
    new Array<unknown>(rows.length),
    ...dataColumns.map(() => new Array<unknown>(rows.length)),
    ...matchColumns.map(() => new Array<unknown>(rows.length)),
  ]
  const seen = new Set<string>()
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]!
    if (seen.has(row.id)) {
      throw new RapportError('INVALID_CONFIG', `updateByIds got the id "${row.id}" twice.`, {
        details: { model: mapping.model.name, id: row.id },
      })
    }
    seen.add(row.id)
    arrays[0]![k] = row.id
    // encodeRow checks each value's type (a typed VALIDATION_FAILED, before anything is sent).
    const data = encodeRow(mapping, row.data, dialect)
    const match = encodeRow(mapping, row.match ?? {}, dialect)
    if (Object.values(match).includes(null)) guardOf(row.match, undefined, mapping)
    if (
      Object.keys(data).length !== dataColumns.length ||
      Object.keys(match).length !== matchColumns.length
    ) {
      throw new RapportError('INVALID_CONFIG', 'updateByIds rows must give the same data and match fields.', {
        details: { model: mapping.model.name, id: row.id },
      })
    }
    dataColumns.forEach((c, i) => {
      arrays[1 + i]![k] = c.column in data ? data[c.column] : missing(mapping, row.id)
    })
    matchColumns.forEach((c, i) => {
      arrays[1 + dataColumns.length + i]![k] = c.column in match ? match[c.column] : missing(mapping, row.id)
    })
  }
  const names = ['k', ...dataColumns.map((_, i) => `d${i}`), ...matchColumns.map((_, i) => `m${i}`)]
  const source = dialect.columnArraySource(
    [idColumn, ...dataColumns, ...matchColumns].map((c) => c.definition),
    arrays,
  )
  const compiler = new FilterCompiler({ dialect, mappings, schema: args.schema, tenantId: args.tenantId })
  const target = (column: string) => sql.id(alias, column)
  const conditions: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`${target(columnOf('tenantId').column)} = ${args.tenantId}`,
    sql<SqlBool>`${target(idColumn.column)} = ${sql.id(SOURCE, 'k')}`,
    ...matchColumns.map((c, i) => sql<SqlBool>`${target(c.column)} = ${sql.id(SOURCE, `m${i}`)}`),
  ]
  if (args.guard) conditions.push(compiler.where(mapping, alias, args.guard))
  const assignments = dataColumns.map((c, i) => sql`${sql.id(c.column)} = ${sql.id(SOURCE, `d${i}`)}`)
  return ctx.run(mapping, async (db) => {
    const statement = sql`update ${sql.table(mapping.table)} as ${sql.id(alias)} set ${sql.join(assignments)} from ${source} as ${sql.id(SOURCE)}(${sql.join(names.map((n) => sql.id(n)))}) where ${sql.join(conditions, sql` and `)} returning ${sql.id(alias)}.*`
    const result = await statement.execute(db)
    const decode = rowDecoder(mapping, dialect)
    return result.rows.map((r) => decode(r as Record<string, unknown>))
  })
}

function definedKeys(row: StorageRow): string[] {
  return Object.keys(row).filter((k) => row[k] !== undefined)
}

function missing(mapping: ModelMapping, id: string): never {
  throw new RapportError('INVALID_CONFIG', 'updateByIds rows must give the same data and match fields.', {
    details: { model: mapping.model.name, id },
  })
}

/** A row's `match` as a filter of equalities, with the call's `guard`. */
function guardOf(
  match: StorageRow | undefined,
  guard: UpdateByIdsArgs['guard'],
  mapping: ModelMapping,
): UpdateByIdsArgs['guard'] {
  const filters: StorageFilter[] = []
  for (const [field, value] of Object.entries(match ?? {})) {
    if (value === undefined) continue
    const column = mapping.byField.get(field)
    if (!column || value === null || column.definition.type === 'json') {
      throw new RapportError(
        'INVALID_CONFIG',
        `updateByIds can only match "${field}" on a non-null scalar.`,
        {
          details: { model: mapping.model.name, field },
        },
      )
    }
    filters.push({ kind: 'compare', ref: { field, type: column.definition.type }, op: 'eq', value })
  }
  if (guard) filters.push(guard)
  if (filters.length === 0) return undefined
  return filters.length === 1 ? filters[0] : { kind: 'and', filters }
}
