import type { FindManyArgs } from '@rapport/core/storage'
import type { Kysely, RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import { FilterCompiler } from './filter-compiler.js'
import type { ModelMapping, ModelMappings } from './model-mapping.js'
import type { RowProjection } from './row-projection.js'
import type { SqlDialect } from './sql-dialect.js'
import type { CachedStatement, ShapeInputs } from './statement-shape.js'
import { bindStatement, filterShape, orderShape, ParameterRecorder } from './statement-shape.js'

/** What building a `findMany` statement needs from the operations: the engine, the mapping and the table parts. */
export interface FindManyStatementContext {
  readonly dialect: SqlDialect
  readonly mappings: ModelMappings
  /** The alias every statement gives the model's table. */
  readonly alias: string
  /** `<table> as <alias>`. */
  readonly tableOf: (mapping: ModelMapping) => RawBuilder<unknown>
  /** What a read selects: every column, or only the projection's. */
  readonly selectList: (projection: RowProjection) => RawBuilder<unknown>
}

/** Where the tenant and the paging values sit among a statement's {@link ShapeInputs}. */
const TENANT_INPUT = {}
const PAGE_INPUT = {}
const unchanged = (value: unknown) => value

/** The statements of one storage's {@link ModelMappings}, by projection, then by shape (`null`: not cacheable). */
const caches = new WeakMap<ModelMappings, WeakMap<RowProjection, Map<string, CachedStatement | null>>>()

/**
 * The `findMany` statement of a call, as a function of the Kysely instance that compiles it (called only when the
 * statement is not already cached). Throws, as the uncached build does, on a filter or sort the model cannot take.
 *
 * @example
 * ```ts
 * const statement = findManyStatements({ dialect, mappings, alias: '_t', tableOf, selectList })
 * const { sql, parameters } = statement(args, mapping, projection)(db)
 * ```
 */
export function findManyStatements(
  ctx: FindManyStatementContext,
): (
  args: FindManyArgs,
  mapping: ModelMapping,
  projection: RowProjection,
) => (db: Kysely<any>) => CachedStatement {
  const { dialect, mappings, alias, tableOf, selectList } = ctx
  let shapes = caches.get(mappings)
  if (!shapes) {
    shapes = new WeakMap()
    caches.set(mappings, shapes)
  }
  const byProjection = shapes

  /**
   * The `findMany` statement, built (and compiled) through Kysely once per shape: the model's columns, the sort keys
   * and the filter's structure, with the tenant, the filter's values, the limit and the offset left out of the key
   * and bound per call ({@link filterShape}). A page repeated with other values then costs a key, a map lookup and
   * the values' encoding. Filters the shape walk does not cover are built per call, as before.
   */
  const statement = (
    args: FindManyArgs,
    mapping: ModelMapping,
    projection: RowProjection,
  ): ((db: Kysely<any>) => CachedStatement) => {
    let cache = byProjection.get(projection)
    if (!cache) {
      cache = new Map()
      byProjection.set(projection, cache)
    }
    const inputs: ShapeInputs = { values: [args.tenantId], starts: new Map([[TENANT_INPUT, 0]]) }
    const filterKey = args.where ? filterShape(args.where, inputs) : ''
    if (filterKey === undefined) {
      const query = buildFindMany(args, mapping, projection)
      return (db) => query.compile(db)
    }
    inputs.starts.set(PAGE_INPUT, inputs.values.length)
    inputs.values.push(args.limit ?? Number.MAX_SAFE_INTEGER, args.offset)
    const key = `${orderShape(args.orderBy)}\u0000${filterKey}\u0000${args.limit !== undefined ? 'L' : ''}${args.offset !== undefined ? 'O' : ''}`
    const cached = cache.get(key)
    if (cached) {
      const bound = { sql: cached.sql, parameters: bindStatement(cached, inputs.values) }
      return () => bound
    }
    if (cached === null) {
      const query = buildFindMany(args, mapping, projection)
      return (db) => query.compile(db)
    }
    const recorder = new ParameterRecorder(inputs)
    const query = buildFindMany(args, mapping, projection, recorder)
    const known = cache
    return (db) => {
      const compiled = query.compile(db)
      const recorded = { sql: compiled.sql, parameters: compiled.parameters }
      // Bounded: shapes come from code, but a caller could build endless ones from input.
      if (known.size >= 256) known.delete(known.keys().next().value as string)
      known.set(key, recorder.usable ? recorded : null)
      return { sql: compiled.sql, parameters: bindStatement(recorded, undefined) }
    }
  }

  /** The `findMany` query; with a recorder, every bound value is a slot naming the input it came from. */
  const buildFindMany = (
    args: FindManyArgs,
    mapping: ModelMapping,
    projection: RowProjection,
    recorder?: ParameterRecorder,
  ): RawBuilder<unknown> => {
    const compiler = new FilterCompiler({
      dialect,
      mappings,
      schema: args.schema,
      tenantId: args.tenantId,
      ...(recorder ? { parameters: recorder } : {}),
    })
    const bind = (node: object, at: number, value: unknown) =>
      recorder ? recorder.slot(node, at, value, unchanged) : value
    const tenantColumn = mapping.byField.get('tenantId')!.column
    const tenant = sql<SqlBool>`${sql.id(alias, tenantColumn)} = ${bind(TENANT_INPUT, 0, args.tenantId)}`
    const predicate = args.where
      ? sql<SqlBool>`${tenant} and ${compiler.where(mapping, alias, args.where)}`
      : tenant
    const order = args.orderBy?.length
      ? sql` order by ${sql.join(compiler.orderBy(mapping, alias, args.orderBy))}`
      : sql``
    const limit =
      args.limit !== undefined
        ? sql` limit ${bind(PAGE_INPUT, 0, args.limit)}`
        : args.offset !== undefined
          ? sql` limit ${bind(PAGE_INPUT, 0, Number.MAX_SAFE_INTEGER)}`
          : sql``
    const offset = args.offset !== undefined ? sql` offset ${bind(PAGE_INPUT, 1, args.offset)}` : sql``
    return sql`select ${selectList(projection)} from ${tableOf(mapping)} where ${predicate}${order}${limit}${offset}`
  }

  return statement
}
