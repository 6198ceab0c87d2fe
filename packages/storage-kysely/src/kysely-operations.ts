import { RapportError } from '@rapport/core'
import {
  parseSearchQuery,
  readableSearchModel,
  searchRowMatcher,
  searchSourceBits,
} from '@rapport/core/search'
import type {
  FindManyArgs,
  ModelScope,
  NewestKeysArgs,
  SearchArgs,
  StorageFilter,
  StorageOperations,
  StorageRow,
} from '@rapport/core/storage'
import type { Kysely, RawBuilder, SqlBool } from 'kysely'
import { CompiledQuery, sql } from 'kysely'
import { chunk, rowsPerStatement, statementChunks } from './chunk.js'
import { FilterCompiler } from './filter-compiler.js'
import { findManyStatements } from './find-many-statement.js'
import { aggregateRowsSql } from './grouped-aggregation.js'
import type { ModelMapping, ModelMappings } from './model-mapping.js'
import { checkLimit, requireFilter } from './operation-arguments.js'
import type { KyselyOperationsOptions } from './operation-runner.js'
import { aggregateCustomerOrdersSql } from './order-aggregation.js'
import { decodeRow, encodeRow, rowDecoder } from './row-codec.js'
import { insertEncoder } from './row-encoder.js'
import type { RowProjection } from './row-projection.js'
import { rowProjection } from './row-projection.js'
import type { TieredSearch } from './search-statement.js'
import { readableRest, searchStatement, tierStatement } from './search-statement.js'
import type { SqlDialect } from './sql-dialect.js'
import { toRapportError } from './storage-errors.js'
import { updateByIdsSql } from './update-by-ids.js'

/** The alias every statement gives the model's table. */
export const TABLE_ALIAS = '_t'

/**
 * SQL texts compiled once per storage: the operations are rebuilt for every transaction, their texts are not (they
 * depend only on the model mapping and the dialect, both fixed for one storage's {@link ModelMappings}).
 */
const sqlTexts = new WeakMap<
  ModelMappings,
  {
    readonly findById: WeakMap<RowProjection, string>
    readonly inserts: Map<string, string>
  }
>()

function sqlTextCache(mappings: ModelMappings) {
  let cache = sqlTexts.get(mappings)
  if (!cache) {
    cache = { findById: new WeakMap(), inserts: new Map() }
    sqlTexts.set(mappings, cache)
  }
  return cache
}

const columnNameLists = new WeakMap<ModelMapping, readonly string[]>()
/** Every column name of a model, in column order: one array per mapping, so INSERT texts can key on its identity. */
function columnNames(mapping: ModelMapping): readonly string[] {
  let names = columnNameLists.get(mapping)
  if (!names) {
    names = Object.freeze(mapping.columns.map((c) => c.column))
    columnNameLists.set(mapping, names)
  }
  return names
}

/**
 * Implements the model-agnostic {@link StorageOperations} with Kysely over any {@link SqlDialect}. The adapter
 * factory ({@link createKyselyStorage}) builds one set for the top level and one per transaction.
 *
 * @example
 * ```ts
 * const ops = createKyselyOperations({ dialect, mappings: new ModelMappings(''), runner })
 * const row = await ops.findById({ model, schema, tenantId: 't1', id: 'con_1' })
 * ```
 */
export function createKyselyOperations(options: KyselyOperationsOptions): StorageOperations {
  const { dialect, mappings, runner } = options
  const run = async <T>(mapping: ModelMapping, work: (db: Kysely<any>) => Promise<T>): Promise<T> => {
    try {
      return await runner.run(work)
    } catch (error) {
      throw toRapportError(error, dialect, {}, mapping)
    }
  }
  const atomic = async <T>(mapping: ModelMapping, work: (db: Kysely<any>) => Promise<T>): Promise<T> => {
    try {
      return await runner.atomic(work)
    } catch (error) {
      throw toRapportError(error, dialect, {}, mapping)
    }
  }
  const tableOf = (m: ModelMapping) => sql`${sql.table(m.table)} as ${sql.id(TABLE_ALIAS)}`
  /** What a read selects: every column, or only the projection's. */
  const selectList = (projection: RowProjection) =>
    projection.all
      ? sql`${sql.id(TABLE_ALIAS)}.*`
      : sql.join(projection.columns.map((c) => sql.id(TABLE_ALIAS, c.column)))

  const scope = (args: ModelScope) => {
    const mapping = mappings.get(args.model)
    const compiler = new FilterCompiler({ dialect, mappings, schema: args.schema, tenantId: args.tenantId })
    const tenantColumn = mapping.byField.get('tenantId')!.column
    const idColumn = mapping.byField.get('id')!.column
    const tenant = sql<SqlBool>`${sql.id(TABLE_ALIAS, tenantColumn)} = ${args.tenantId}`
    const where = (filter: StorageFilter | undefined): RawBuilder<SqlBool> =>
      filter ? sql<SqlBool>`${tenant} and ${compiler.where(mapping, TABLE_ALIAS, filter)}` : tenant
    const byId = (id: string) => sql<SqlBool>`${tenant} and ${sql.id(TABLE_ALIAS, idColumn)} = ${id}`
    return { mapping, compiler, where, byId, idColumn, tenantColumn }
  }

  const decodeAll = (
    mapping: ModelMapping,
    rows: readonly unknown[],
    projection?: RowProjection,
  ): StorageRow[] => {
    const decode = rowDecoder(mapping, dialect, projection)
    const out = new Array<StorageRow>(rows.length)
    for (let i = 0; i < rows.length; i++) out[i] = decode(rows[i] as Record<string, unknown>)
    return out
  }

  const encodeForInsert = (mapping: ModelMapping, tenantId: string, data: StorageRow) => {
    const values = encodeRow(mapping, data, dialect)
    const tenantColumn = mapping.byField.get('tenantId')!.column
    if (values[tenantColumn] !== undefined && values[tenantColumn] !== tenantId) {
      throw new RapportError('VALIDATION_FAILED', 'A row may only be written to the tenant of the call.', {
        details: { issues: [{ path: ['tenantId'], message: 'Tenant mismatch', code: 'invalid_value' }] },
      })
    }
    values[tenantColumn] = tenantId
    return values
  }

  /**
   * Every row's INSERT parameters, row after row in column order, and the columns they fill: every column of the
   * model when each is given by some row (as core's rows give them), else only those (the rest keep their defaults).
   * The model's compiled {@link insertEncoder} does the checks of {@link encodeForInsert}; a row it refuses goes
   * through `encodeForInsert`, which throws the precise error.
   */
  const encodeInserts = (mapping: ModelMapping, tenantId: string, rows: readonly StorageRow[]) => {
    const all = mapping.columns
    const width = all.length
    const encode = insertEncoder(mapping, dialect)
    const present = new Uint8Array(width)
    const parameters = new Array<unknown>(rows.length * width)
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!
      if (encode?.(row, tenantId, parameters, k * width, present)) continue
      const values = encodeForInsert(mapping, tenantId, row)
      for (let i = 0; i < width; i++) {
        const column = all[i]!.column
        if (column in values) present[i] = 1
        parameters[k * width + i] = values[column] ?? null
      }
    }
    if (present.every((p) => p === 1)) return { columns: columnNames(mapping), width, parameters }
    const kept = all.flatMap((_, i) => (present[i] ? [i] : []))
    const compact = new Array<unknown>(rows.length * kept.length)
    for (let k = 0, at = 0; k < rows.length; k++)
      for (const i of kept) compact[at++] = parameters[k * width + i]
    return { columns: kept.map((i) => all[i]!.column), width: kept.length, parameters: compact }
  }

  // Reads run straight on the driver when the engine allows it (SQLite's one connection), skipping Kysely's executor.
  const direct = options.directQuery
  const directRun = options.directRun
  const selectRows = async (db: Kysely<any>, query: RawBuilder<unknown>): Promise<readonly unknown[]> => {
    if (!direct) return (await query.execute(db)).rows
    const compiled = query.compile(db)
    return direct(compiled.sql, compiled.parameters)
  }

  /**
   * A read run at once when the one connection is free ({@link OperationRunner.idle}): the statement, the decoding
   * and the error mapping happen in this call, and the caller gets one settled promise instead of a queue turn and a
   * promise per layer. `undefined` when the read must take the normal path: no direct driver, the connection is
   * busy, or SQLite answered `busy` (nothing was read, so `run` retries it from the start).
   */
  const readNow = <T>(
    mapping: ModelMapping,
    statement: (db: Kysely<any>) => { readonly sql: string; readonly parameters: readonly unknown[] },
    decode: (rows: readonly unknown[]) => T,
  ): Promise<T> | undefined => {
    const db = direct ? runner.idle?.() : undefined
    if (!db || !direct) return undefined
    try {
      const { sql: text, parameters } = statement(db)
      const rows = direct(text, parameters)
      return Array.isArray(rows)
        ? Promise.resolve(decode(rows))
        : Promise.resolve(rows).then(decode, (error: unknown) => {
            throw toRapportError(error, dialect, {}, mapping)
          })
    } catch (error) {
      if (dialect.classifyError(error) === 'busy') return undefined
      return Promise.reject(toRapportError(error, dialect, {}, mapping))
    }
  }

  /**
   * A top-level read on a pooled engine ({@link OperationRunner.pooled}): the statement runs on a pooled connection
   * straight on the driver, without Kysely's executor. `undefined` where the runner has no such path (transactions,
   * engines without it).
   */
  const pooled = runner.pooled
  const readPooled = <T>(
    mapping: ModelMapping,
    statement: (db: Kysely<any>) => { readonly sql: string; readonly parameters: readonly unknown[] },
    decode: (rows: readonly unknown[]) => T,
  ): Promise<T> | undefined => {
    if (!pooled) return undefined
    try {
      const { sql: text, parameters } = statement(pooled.db)
      // Decoding errors are mapped too, as on `run`'s path.
      return pooled
        .query(text, parameters)
        .then(decode)
        .catch((error: unknown) => {
          throw toRapportError(error, dialect, {}, mapping)
        })
    } catch (error) {
      return Promise.reject(toRapportError(error, dialect, {}, mapping))
    }
  }

  // The hot path `findById` reuses its SQL text per model: no query building or compiling per call, and the same text
  // hits the driver's prepared-statement cache.
  const findByIdSql = sqlTextCache(mappings).findById
  const findByIdText = (db: Kysely<any>, mapping: ModelMapping, projection: RowProjection): string => {
    let text = findByIdSql.get(projection)
    if (text === undefined) {
      const tenant = sql.id(TABLE_ALIAS, mapping.byField.get('tenantId')!.column)
      const key = sql.id(TABLE_ALIAS, mapping.byField.get('id')!.column)
      text =
        sql`select ${selectList(projection)} from ${tableOf(mapping)} where ${tenant} = ${''} and ${key} = ${''} limit 1`.compile(
          db,
        ).sql
      findByIdSql.set(projection, text)
    }
    return text
  }

  // Multi-row INSERT texts, compiled once per (table, columns, row count) by Kysely (so placeholders and quoting are
  // the dialect's) and reused: a bulk write has at most two shapes (full chunks and the remainder).
  const insertTexts = sqlTextCache(mappings).inserts
  /** The dialect's column-array INSERT of these columns (see {@link SqlDialect.columnArrayInsert}), compiled once. */
  const arrayInsertText = (db: Kysely<any>, mapping: ModelMapping, columns: readonly string[]): string => {
    const names = columns === columnNames(mapping) ? '*' : columns.join(',')
    const key = `${mapping.table}\u0000${names}\u0000arrays`
    let text = insertTexts.get(key)
    if (text === undefined) {
      const mapped = columns.map((c) => mapping.byColumn.get(c)!)
      text = dialect.columnArrayInsert!(mapping.table, mapped).compile(db).sql
      if (insertTexts.size >= 64) insertTexts.delete(insertTexts.keys().next().value as string)
      insertTexts.set(key, text)
    }
    return text
  }
  const insertText = (
    db: Kysely<any>,
    mapping: ModelMapping,
    columns: readonly string[],
    rows: number,
    suffix = '',
  ): string => {
    const names = columns === columnNames(mapping) ? '*' : columns.join(',')
    const key = `${mapping.table}\u0000${names}\u0000${rows}\u0000${suffix}`
    let text = insertTexts.get(key)
    if (text === undefined) {
      const tuple = sql`(${sql.join(columns.map(() => null))})`
      text =
        sql`insert into ${sql.table(mapping.table)} (${sql.join(columns.map((c) => sql.id(c)))}) values ${sql.join(
          Array.from({ length: rows }, () => tuple),
        )}`.compile(db).sql + suffix
      if (insertTexts.size >= 64) insertTexts.delete(insertTexts.keys().next().value as string)
      insertTexts.set(key, text)
    }
    return text
  }

  const selectById = async (db: Kysely<any>, mapping: ModelMapping, byId: RawBuilder<SqlBool>) => {
    const result =
      await sql`select ${sql.id(TABLE_ALIAS)}.* from ${tableOf(mapping)} where ${byId} limit 1`.execute(db)
    const row = result.rows[0]
    return row ? decodeRow(mapping, row as Record<string, unknown>, dialect) : null
  }

  const encodePatch = (mapping: ModelMapping, data: StorageRow) => {
    for (const key of ['id', 'tenantId']) {
      if (data[key] !== undefined) {
        throw new RapportError('VALIDATION_FAILED', `"${key}" cannot be changed.`, {
          details: { issues: [{ path: [key], message: 'Immutable field', code: 'invalid_value' }] },
        })
      }
    }
    return Object.entries(encodeRow(mapping, data, dialect))
  }

  const setClause = (assignments: [string, unknown][]) =>
    sql.join(assignments.map(([column, value]) => sql`${sql.id(column)} = ${value}`))

  const findManyStatement = findManyStatements({ dialect, mappings, alias: TABLE_ALIAS, tableOf, selectList })

  const ops: StorageOperations = {
    async create(args) {
      const mapping = mappings.get(args.model)
      const { columns, parameters } = encodeInserts(mapping, args.tenantId, [args.data])
      return run(mapping, async (db) => {
        // The same cached INSERT text as createMany (compiled once per column set), not a query built per call.
        if (dialect.supportsReturning) {
          const text = insertText(db, mapping, columns, 1, ' returning *')
          const rows = direct
            ? await direct(text, parameters)
            : (await db.executeQuery(CompiledQuery.raw(text, parameters))).rows
          return decodeRow(mapping, rows[0] as Record<string, unknown>, dialect)
        }
        await db.executeQuery(CompiledQuery.raw(insertText(db, mapping, columns, 1), parameters))
        const id = parameters[columns.indexOf(mapping.byField.get('id')!.column)]
        return (await selectById(db, mapping, scope(args).byId(String(id))))!
      })
    },

    async createMany(args) {
      const mapping = mappings.get(args.model)
      const count = args.data.length
      if (count === 0) return 0
      const { columns, width, parameters } = encodeInserts(mapping, args.tenantId, args.data)
      if (dialect.columnArrayInsert && options.maxRowsPerStatement === undefined && count > 1) {
        // One statement for the whole batch, one array per column. A single row (a `create`) takes the plain
        // one-row VALUES text below: no array to encode per column, nor for the server to parse and unnest.
        const arrays = columns.map(() => new Array<unknown>(count))
        for (let k = 0, at = 0; k < count; k++)
          for (let c = 0; c < width; c++) arrays[c]![k] = parameters[at++]
        return run(mapping, async (db) => {
          await db.executeQuery(CompiledQuery.raw(arrayInsertText(db, mapping, columns), arrays))
          return count
        })
      }
      const perStatement = rowsPerStatement(dialect.maxBindParameters, width, options.maxRowsPerStatement)
      // The row counts of statementChunks (full statements, then the rest in descending powers of two).
      const sizes = statementChunks(new Array<number>(count).fill(0), perStatement).map((c) => c.length)
      const write = async (db: Kysely<any>) => {
        let start = 0
        for (const rows of sizes) {
          const text = insertText(db, mapping, columns, rows)
          const values = rows === count ? parameters : parameters.slice(start * width, (start + rows) * width)
          start += rows
          if (directRun) await directRun(text, values)
          else await db.executeQuery(CompiledQuery.raw(text, values))
        }
        return count
      }
      return sizes.length === 1 ? run(mapping, write) : atomic(mapping, write)
    },

    findById(args) {
      const mapping = mappings.get(args.model)
      const projection = rowProjection(mapping, args.fields)
      const parameters = [args.tenantId, args.id]
      const decodeFirst = (rows: readonly unknown[]) => {
        const row = rows[0]
        return row ? rowDecoder(mapping, dialect, projection)(row as Record<string, unknown>) : null
      }
      return (
        readNow(mapping, (db) => ({ sql: findByIdText(db, mapping, projection), parameters }), decodeFirst) ??
        readPooled(
          mapping,
          (db) => ({ sql: findByIdText(db, mapping, projection), parameters }),
          decodeFirst,
        ) ??
        run(mapping, async (db) => {
          const text = findByIdText(db, mapping, projection)
          const rows = direct
            ? await direct(text, parameters)
            : (await db.executeQuery(CompiledQuery.raw(text, parameters))).rows
          return decodeFirst(rows)
        })
      )
    },

    async findByIds(args) {
      const { mapping, tenantColumn, idColumn } = scope(args)
      const ids = [...new Set(args.ids)]
      if (ids.length === 0) return []
      return run(mapping, async (db) => {
        const out: StorageRow[] = []
        for (const part of chunk(ids, dialect.maxBindParameters - 1)) {
          const rows = await selectRows(
            db,
            sql`select ${sql.id(TABLE_ALIAS)}.* from ${tableOf(mapping)} where ${sql.id(TABLE_ALIAS, tenantColumn)} = ${args.tenantId} and ${sql.id(TABLE_ALIAS, idColumn)} in (${sql.join(part)})`,
          )
          out.push(...decodeAll(mapping, rows))
        }
        return out
      })
    },

    async findMany(args: FindManyArgs) {
      checkLimit('limit', args.limit)
      checkLimit('offset', args.offset)
      const mapping = mappings.get(args.model)
      const projection = rowProjection(mapping, args.fields)
      // Built (and a bad filter refused) before the empty page returns, as every adapter does.
      const statement = findManyStatement(args, mapping, projection)
      if (args.limit === 0) return []
      const decode = (rows: readonly unknown[]) => decodeAll(mapping, rows, projection)
      // `return await`: an async function that returns a promise unwrapped by `await` settles ticks sooner.
      return await (readNow(mapping, statement, decode) ??
        readPooled(mapping, statement, decode) ??
        run(mapping, async (db) => {
          const { sql: text, parameters } = statement(db)
          const rows = direct
            ? await direct(text, parameters)
            : (await db.executeQuery(CompiledQuery.raw(text, parameters as unknown[]))).rows
          return decode(rows)
        }))
    },

    async newestKeys(args: NewestKeysArgs) {
      checkLimit('limit', args.limit)
      const first = args.parts[0]
      if (args.limit === 0 || !first) return []
      // One statement: each part's newest `limit` keys (its own index-served ORDER BY … LIMIT), merged by an outer
      // ORDER BY over at most parts × limit rows. Only keys travel; the caller fetches the rows it shows.
      const parts = args.parts.map((part, i) => {
        const { mapping, where, idColumn } = scope({ ...part, tenantId: args.tenantId, schema: args.schema })
        const at = mapping.byField.get(part.at)
        if (at?.definition.type !== 'datetime') {
          throw new RapportError(
            'STORAGE_FAILURE',
            `"${part.at}" is not a datetime field of "${part.model.name}".`,
            {
              details: { model: part.model.name, field: part.at },
            },
          )
        }
        const key = part.id === undefined ? null : mapping.byField.get(part.id)
        if (part.id !== undefined && key?.definition.type !== 'string') {
          throw new RapportError(
            'STORAGE_FAILURE',
            `"${part.id}" is not a string field of "${part.model.name}".`,
            { details: { model: part.model.name, field: part.id } },
          )
        }
        const atRef = sql.id(TABLE_ALIAS, at.column)
        const idRef = sql.id(TABLE_ALIAS, key ? key.column : idColumn)
        const branch = sql`select ${part.distinct ? sql`distinct ` : sql``}${sql.lit(i)} as ${sql.id('_part')}, ${idRef} as ${sql.id('_id')}, ${atRef} as ${sql.id('_at')} from ${tableOf(mapping)} where ${where(part.where)} order by ${atRef} desc, ${idRef} desc limit ${args.limit}`
        return { mapping, at, branch: sql`select * from (${branch}) as ${sql.id(`_b${i}`)}` }
      })
      const query = sql`select * from (${sql.join(
        parts.map((p) => p.branch),
        sql` union all `,
      )}) as ${sql.id('_m')} order by ${sql.id('_at')} desc, ${sql.id('_id')} desc limit ${args.limit}`
      const decode = (rows: readonly unknown[]) =>
        rows.map((row) => {
          const r = row as { _part: number | string; _id: string; _at: unknown }
          const part = parts[Number(r._part)] as (typeof parts)[number]
          return {
            part: Number(r._part),
            id: String(r._id),
            at: dialect.decodeValue(r._at, part.at.definition) as Date,
          }
        })
      const mapping = parts[0]?.mapping as ModelMapping
      return await (readNow(mapping, (db) => query.compile(db), decode) ??
        run(mapping, async (db) => decode(await selectRows(db, query))))
    },

    async count(args) {
      const { mapping, where } = scope(args)
      const predicate = where(args.where)
      return run(mapping, async (db) => {
        const result = await sql<{
          n: number | string | bigint
        }>`select count(*) as ${sql.id('n')} from ${tableOf(mapping)} where ${predicate}`.execute(db)
        return Number(result.rows[0]?.n ?? 0)
      })
    },

    async search(args: SearchArgs) {
      checkLimit('limit', args.limit)
      const fts = dialect.fullTextSearch
      if (!fts) {
        throw new RapportError('STORAGE_FAILURE', `The ${dialect.name} dialect has no full-text search.`, {
          details: { dialect: dialect.name },
        })
      }
      const { mapping, where } = scope(args)
      if (mapping.model.searchFields.length === 0 || args.limit === 0) return []
      const query = parseSearchQuery(args.query)
      if (query.terms.length === 0) return []
      const filter = where(args.where)
      if (!fts.keyIndex) {
        const statement = searchStatement(dialect, fts, mapping, TABLE_ALIAS, query, filter, args.limit)
        return run(mapping, async (db) => decodeAll(mapping, (await statement.execute(db)).rows))
      }
      const tiered: TieredSearch = {
        dialect,
        fts,
        index: fts.keyIndex,
        mapping,
        alias: TABLE_ALIAS,
        tenantId: args.tenantId,
        query,
        where: filter,
        // Core passes readableFields only for models whose keys carry bits; otherwise no key counts as readable.
        ...(args.readableFields
          ? { readableBits: searchSourceBits(mapping.model, args.readableFields) ?? 0 }
          : {}),
      }
      const readable = args.readableFields
      return run(mapping, async (db) => {
        const rows: Record<string, unknown>[] = []
        for (const tier of readable ? ([0, 1] as const) : ([0, 1, 2] as const)) {
          const statement = tierStatement(tiered, tier, args.limit - rows.length)
          rows.push(...(await statement.execute(db)).rows)
          if (rows.length >= args.limit) break
        }
        const found = decodeAll(mapping, rows)
        if (!readable || found.length >= args.limit) return found
        return readableRest(
          found,
          args.limit,
          searchRowMatcher(readableSearchModel(mapping.model, readable), query),
          async (after, count) =>
            decodeAll(
              mapping,
              (await tierStatement({ ...tiered, ...(after ? { after } : {}) }, 2, count).execute(db)).rows,
            ),
        )
      })
    },

    async updateById(args) {
      const { mapping, compiler, byId } = scope(args)
      const assignments = encodePatch(mapping, args.data)
      const predicate = args.guard
        ? sql<SqlBool>`${byId(args.id)} and ${compiler.where(mapping, TABLE_ALIAS, args.guard)}`
        : byId(args.id)
      return run(mapping, async (db) => {
        if (assignments.length === 0) return selectById(db, mapping, predicate)
        const update = sql`update ${tableOf(mapping)} set ${setClause(assignments)} where ${predicate}`
        if (dialect.supportsReturning) {
          const result = await sql`${update} returning *`.execute(db)
          const row = result.rows[0]
          return row ? decodeRow(mapping, row as Record<string, unknown>, dialect) : null
        }
        const result = await update.execute(db)
        if (Number(result.numAffectedRows ?? 0) === 0) return null
        return selectById(db, mapping, byId(args.id))
      })
    },

    updateByIds: (args) =>
      updateByIdsSql(args, { dialect, mappings, alias: TABLE_ALIAS, run, updateById: ops.updateById }),

    async updateMany(args) {
      const { mapping, where } = scope(args)
      const assignments = encodePatch(mapping, args.data)
      const predicate = where(requireFilter(args.where, 'updateMany'))
      return run(mapping, async (db) => {
        if (assignments.length === 0) {
          const result = await sql<{
            n: number
          }>`select count(*) as ${sql.id('n')} from ${tableOf(mapping)} where ${predicate}`.execute(db)
          return Number(result.rows[0]?.n ?? 0)
        }
        const result =
          await sql`update ${tableOf(mapping)} set ${setClause(assignments)} where ${predicate}`.execute(db)
        return Number(result.numAffectedRows ?? 0)
      })
    },

    async deleteById(args) {
      const { mapping, compiler, byId } = scope(args)
      const predicate = args.guard
        ? sql<SqlBool>`${byId(args.id)} and ${compiler.where(mapping, TABLE_ALIAS, args.guard)}`
        : byId(args.id)
      return run(mapping, async (db) => {
        const result = await sql`delete from ${tableOf(mapping)} where ${predicate}`.execute(db)
        return Number(result.numAffectedRows ?? 0) > 0
      })
    },

    async deleteMany(args) {
      const { mapping, where } = scope(args)
      const predicate = where(args.where)
      return run(mapping, async (db) => {
        const result = await sql`delete from ${tableOf(mapping)} where ${predicate}`.execute(db)
        return Number(result.numAffectedRows ?? 0)
      })
    },

    aggregate: (args) => aggregateRowsSql(args, { dialect, mappings, run }),

    ...(dialect.periodIndex
      ? {
          aggregateCustomerOrders: (args) => aggregateCustomerOrdersSql(args, { dialect, mappings, run }),
        }
      : {}),
  }
  return Object.freeze(ops)
}
