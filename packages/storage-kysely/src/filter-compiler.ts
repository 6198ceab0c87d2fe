import { RapportError } from '@rapport/core'
import type {
  FieldRef,
  ResolvedRelation,
  StorageFilter,
  StorageOrderBy,
  StorageSchema,
  StorageValue,
} from '@rapport/core/storage'
import { expandKeysetAfter } from '@rapport/core/storage'
import type { Expression, RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'
import type { ModelMapping, ModelMappings } from './model-mapping.js'
import type { SqlDialect } from './sql-dialect.js'
import { LONG_LIST_THRESHOLD } from './sql-dialect.js'

/** What compiling a filter needs besides the filter itself. */
export interface FilterCompileContext {
  /** The engine's differences. */
  readonly dialect: SqlDialect
  /** Model → table and column names. */
  readonly mappings: ModelMappings
  /** The whole schema, to resolve `exists` relations. */
  readonly schema: StorageSchema
  /**
   * The tenant every row of the query belongs to, when known: `exists` over a link table then compiles to an
   * uncorrelated `id in (…)` pinned to this tenant, which the planner can serve from the link table's index.
   */
  readonly tenantId?: string
  /**
   * The query reads every row it matches (an aggregate, not a page): a direct `exists` then also compiles to an
   * uncorrelated `in (…)` pinned to {@link tenantId}, so the planner reads the matching related rows once and seeks
   * the owners' index from them instead of probing the related table once per owner row. A page keeps the correlated
   * `exists`, which stops probing when the page is full.
   */
  readonly readsEveryRow?: boolean
  /**
   * Set while a statement is compiled once for its shape (the statement cache's hook; hosts compile filters without
   * it): every value bound from the filter goes through {@link FilterParameterSink.slot}, so later calls of the same
   * shape bind their own values into the cached text.
   */
  readonly parameters?: FilterParameterSink
}

/**
 * Receives each value a {@link FilterCompiler} binds, and what to bind in its place: the statement cache records
 * which filter node and position each value came from.
 *
 * @example
 * ```ts
 * const sink: FilterParameterSink = { slot: (_node, _at, value, encode) => encode(value) } // binds values as they are
 * ```
 */
export interface FilterParameterSink {
  /** What to bind for `value`, the `at`-th value of the filter node `node`; `encode` turns a value into its parameter. */
  slot(node: object, at: number, value: unknown, encode: (value: unknown) => unknown): unknown
}

/**
 * System columns every row has a value in. Not `required` fields in general: a column a plugin adds to an existing
 * table is nullable in the database and the rows written before it hold NULL there.
 */
const NEVER_NULL = new Set(['id', 'tenantId', 'createdAt', 'updatedAt', 'version'])

const TRUE = sql<SqlBool>`(1 = 1)`
const FALSE = sql<SqlBool>`(1 = 0)`

function invalid(message: string, details: Record<string, unknown> = {}): RapportError {
  return new RapportError('INVALID_FILTER', message, { details })
}

/**
 * A filter value as the driver parameter compared with `ref`: instants checked and encoded, JSON columns refused
 * (filters reach inside them by path). One function for the compiled and the cached statements.
 */
function encodeFilterValue(
  dialect: SqlDialect,
  mapping: ModelMapping,
  ref: FieldRef,
  value: Exclude<StorageValue, null>,
): unknown {
  if ((ref.path && ref.path.length > 0) || ref.array) return dialect.encodePathValue(value, ref.type)
  const definition = mapping.byField.get(ref.field)!.definition
  if (definition.type === 'datetime') {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined
    if (!date || Number.isNaN(date.getTime())) {
      throw invalid(`Field "${ref.field}" compares with instants; got ${JSON.stringify(value)}.`, {
        field: ref.field,
      })
    }
    return dialect.encodeValue(date, definition)
  }
  if (definition.type === 'json') {
    throw invalid(`Field "${ref.field}" is JSON: filter on a path inside it.`, { field: ref.field })
  }
  return dialect.encodeValue(value, definition)
}

/** Folds ASCII letters only (A–Z → a–z), the folding every engine and JavaScript agree on. */
export function foldAscii(value: string): string {
  return value.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
}

/**
 * Compiles resolved storage filters and sort keys against one model under a table alias, with the exact two-valued
 * semantics documented on `StorageFilter`: every compiled predicate is `TRUE` exactly when the filter holds for the
 * row, so negation is `(…) IS NOT TRUE` and `NULL` never leaks out of a `not`.
 *
 * @example
 * ```ts
 * const compiler = new FilterCompiler(ctx)
 * const where = compiler.where(mapping, 'contact', filter)
 * await db.selectFrom('contact').selectAll().where(where).execute()
 * ```
 */
export class FilterCompiler {
  readonly #ctx: FilterCompileContext
  #aliasCounter = 0

  constructor(ctx: FilterCompileContext) {
    this.#ctx = ctx
  }

  /** The predicate of `filter` on rows of `mapping` selected under `alias`; `TRUE` when absent. */
  where(mapping: ModelMapping, alias: string, filter: StorageFilter | undefined): RawBuilder<SqlBool> {
    return filter ? this.#node(mapping, alias, filter) : TRUE
  }

  /** The `ORDER BY` terms for `orderBy`, with nulls first ascending and last descending, binary string order. */
  orderBy(mapping: ModelMapping, alias: string, orderBy: readonly StorageOrderBy[]): RawBuilder<unknown>[] {
    const { dialect } = this.#ctx
    return orderBy.map(({ ref, direction }) => {
      if (ref.array) throw invalid(`Cannot order by the array field "${ref.field}".`, { field: ref.field })
      const expr = dialect.binaryCollation(this.#value(mapping, alias, ref), ref.type)
      const dir = direction === 'desc' ? sql`desc` : sql`asc`
      if (dialect.nullsSortFirstNatively) return sql`${expr} ${dir}`
      return sql`${expr} ${dir} ${direction === 'desc' ? sql`nulls last` : sql`nulls first`}`
    })
  }

  #column(mapping: ModelMapping, alias: string, field: string): RawBuilder<unknown> {
    const column = mapping.byField.get(field)
    if (!column) {
      throw invalid(`Model "${mapping.model.name}" has no field "${field}".`, {
        model: mapping.model.name,
        field,
      })
    }
    return sql.id(alias, column.column)
  }

  #value(mapping: ModelMapping, alias: string, ref: FieldRef): Expression<unknown> {
    const column = this.#column(mapping, alias, ref.field)
    if (ref.path && ref.path.length > 0) return this.#ctx.dialect.jsonPath(column, ref.path, ref.type)
    return column
  }

  /** The parameter of `value`, the `at`-th value of `node`: a slot while a shape is recorded, else the value. */
  #param(
    mapping: ModelMapping,
    ref: FieldRef,
    value: Exclude<StorageValue, null>,
    node: object,
    at: number,
  ): unknown {
    const { dialect, parameters } = this.#ctx
    if (!parameters) return encodeFilterValue(dialect, mapping, ref, value)
    return parameters.slot(node, at, value, (v) =>
      encodeFilterValue(dialect, mapping, ref, v as Exclude<StorageValue, null>),
    )
  }

  #arrayBase(mapping: ModelMapping, alias: string, ref: FieldRef) {
    return {
      column: this.#column(mapping, alias, ref.field),
      path: ref.path && ref.path.length > 0 ? ref.path : undefined,
    }
  }

  #node(mapping: ModelMapping, alias: string, filter: StorageFilter): RawBuilder<SqlBool> {
    const { dialect } = this.#ctx
    switch (filter.kind) {
      case 'const':
        return filter.value ? TRUE : FALSE
      case 'and': {
        if (filter.filters.length === 0) return TRUE
        return balanced(
          filter.filters.map((f) => this.#node(mapping, alias, f)),
          'and',
        )
      }
      case 'or': {
        if (filter.filters.length === 0) return FALSE
        return balanced(
          filter.filters.map((f) => this.#node(mapping, alias, f)),
          'or',
        )
      }
      case 'not':
        return sql<SqlBool>`(${this.#node(mapping, alias, filter.filter)} is not true)`
      case 'compare': {
        const { ref, op, value } = filter
        if (ref.array) {
          if (op !== 'eq' && op !== 'ne') {
            throw invalid(`Operator "${op}" does not apply to the array field "${ref.field}".`, {
              field: ref.field,
            })
          }
          const { column, path } = this.#arrayBase(mapping, alias, ref)
          const eq =
            value === null
              ? dialect.jsonArrayIsEmpty(column, path)
              : dialect.jsonArrayContains(
                  column,
                  path,
                  [this.#param(mapping, ref, value, filter, 0)],
                  ref.type,
                )
          return op === 'eq' ? eq : sql<SqlBool>`(${eq} is not true)`
        }
        const expr = this.#value(mapping, alias, ref)
        if (value === null) {
          if (op === 'eq') return sql<SqlBool>`(${expr} is null)`
          if (op === 'ne') return sql<SqlBool>`(${expr} is not null)`
          return FALSE
        }
        const param = this.#param(mapping, ref, value, filter, 0)
        switch (op) {
          case 'eq':
            return sql<SqlBool>`(${expr} = ${param})`
          case 'ne':
            return sql<SqlBool>`(${expr} is null or ${expr} <> ${param})`
          default: {
            const left = dialect.binaryCollation(expr, ref.type)
            const operator = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[op]
            return sql<SqlBool>`(${left} ${sql.raw(operator)} ${param})`
          }
        }
      }
      case 'in': {
        const { ref, values, negate } = filter
        let hasNull = false
        const encoded: unknown[] = []
        values.forEach((v, i) => {
          if (v === null) hasNull = true
          else encoded.push(this.#param(mapping, ref, v, filter, i))
        })
        const params = [...new Set(encoded)]
        let positive: RawBuilder<SqlBool>
        if (ref.array) {
          const { column, path } = this.#arrayBase(mapping, alias, ref)
          const parts: RawBuilder<SqlBool>[] = []
          if (hasNull) parts.push(dialect.jsonArrayIsEmpty(column, path))
          if (params.length > 0) parts.push(dialect.jsonArrayContains(column, path, params, ref.type))
          positive = parts.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(parts, sql` or `)})`
        } else {
          const expr = this.#value(mapping, alias, ref)
          const parts: RawBuilder<SqlBool>[] = []
          if (hasNull) parts.push(sql<SqlBool>`${expr} is null`)
          if (params.length > LONG_LIST_THRESHOLD && dialect.inList) {
            parts.push(dialect.inList(expr, params, ref.type))
          } else if (params.length > 0) {
            parts.push(sql<SqlBool>`${expr} in (${sql.join(params)})`)
          }
          positive = parts.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(parts, sql` or `)})`
        }
        return negate ? sql<SqlBool>`(${positive} is not true)` : positive
      }
      case 'text': {
        const { ref, op, value, caseInsensitive } = filter
        if (ref.array) {
          throw invalid(`Text operators do not apply to the array field "${ref.field}".`, {
            field: ref.field,
          })
        }
        const expr = this.#value(mapping, alias, ref)
        if (value === '') return sql<SqlBool>`(${expr} is not null)`
        return dialect.textMatch(expr, op, caseInsensitive ? foldAscii(value) : value, caseInsensitive)
      }
      case 'isNull': {
        const { ref } = filter
        let isNull: RawBuilder<SqlBool>
        if (ref.array) {
          const { column, path } = this.#arrayBase(mapping, alias, ref)
          isNull = dialect.jsonArrayIsEmpty(column, path)
          return filter.isNull ? isNull : sql<SqlBool>`(${isNull} is not true)`
        }
        const expr = this.#value(mapping, alias, ref)
        return filter.isNull ? sql<SqlBool>`(${expr} is null)` : sql<SqlBool>`(${expr} is not null)`
      }
      case 'exists':
        return this.#exists(mapping, alias, filter.relation, filter.filter)
      case 'after':
        return this.#after(mapping, alias, filter.orderBy, filter.values, filter)
      case 'count':
        return this.#count(mapping, alias, filter)
      default: {
        const kind = (filter as { kind?: unknown }).kind
        throw invalid(`Unknown filter node kind ${JSON.stringify(kind)}.`, { kind })
      }
    }
  }

  /**
   * `after` as one row-value comparison, `(k1, k2, …) > (v1, v2, …)` (`<` descending), which SQLite and Postgres
   * both serve as a single range of an index on the keys: the disjunction it stands for made SQLite scan (the
   * order-summary fallback scan at 1M orders did not finish in 20 minutes). A row comparison stops at the first
   * unequal pair and is NULL when that pair holds a NULL, which is exactly "not after" ascending (nulls come first);
   * descending, rows with a NULL key come after every value, so each key that may be NULL adds `k1 = v1 and … and
   * ki is null`. Mixed directions, NULL positions, JSON paths and arrays keep the expansion.
   */
  #after(
    mapping: ModelMapping,
    alias: string,
    orderBy: readonly StorageOrderBy[],
    values: readonly StorageValue[],
    node: object,
  ): RawBuilder<SqlBool> {
    const direction = orderBy[0]?.direction
    const rowValue =
      orderBy.length > 0 &&
      values.length === orderBy.length &&
      orderBy.every(
        (o, i) => o.direction === direction && !o.ref.path?.length && !o.ref.array && values[i] !== null,
      )
    if (!rowValue) return this.#node(mapping, alias, expandKeysetAfter(orderBy, values))
    const { dialect } = this.#ctx
    const columns = orderBy.map(({ ref }) =>
      dialect.binaryCollation(this.#value(mapping, alias, ref), ref.type),
    )
    const params = orderBy.map(({ ref }, i) =>
      this.#param(mapping, ref, values[i] as Exclude<StorageValue, null>, node, i),
    )
    const comparison = sql<SqlBool>`((${sql.join(columns)}) ${sql.raw(direction === 'asc' ? '>' : '<')} (${sql.join(params)}))`
    if (direction === 'asc') return comparison
    const nullBranches: RawBuilder<SqlBool>[] = []
    orderBy.forEach(({ ref }, i) => {
      if (NEVER_NULL.has(ref.field)) return
      const equal = columns.slice(0, i).map((c, j) => sql`${c} = ${params[j]}`)
      nullBranches.push(sql<SqlBool>`(${sql.join([...equal, sql`${columns[i]} is null`], sql` and `)})`)
    })
    return nullBranches.length === 0 ? comparison : balanced([comparison, ...nullBranches], 'or')
  }

  #model(name: string): ModelMapping {
    const model = this.#ctx.schema.models[name]
    if (!model) throw invalid(`The schema has no model "${name}".`, { model: name })
    return this.#ctx.mappings.get(model)
  }

  #exists(
    mapping: ModelMapping,
    alias: string,
    relation: ResolvedRelation,
    filter: StorageFilter,
  ): RawBuilder<SqlBool> {
    const related = this.#related(mapping, alias, relation, filter, {
      direct: this.#ctx.readsEveryRow === true,
      through: true,
    })
    if (related.pinned) {
      // Direct (aggregates only): receivables aging at 1M installments on SQLite: the correlated EXISTS probed the
      // contract table once per installment (4.5 s of CPU); `contract_id in (effective contracts)` drives the
      // installments' contract index from the 250k effective contracts instead (0.7 s).
      // Through (always): the planner can read the few links of a pinned related record first (the link table's
      // target index) and fetch the owners by primary key, instead of walking the owners in sort order and probing
      // the links for every row (a contact's activities newest first: ~430 ms at 20k activities with EXISTS on
      // SQLite). `(…) in (…)` is NULL rather than FALSE when either side holds a NULL, which is not TRUE either way,
      // and negation is `is not true`: the result is the same.
      const { owner, key, from, where } = related.pinned
      return sql<SqlBool>`${owner} in (select ${key} from ${from} where ${where})`
    }
    const { from, where } = related.correlated
    return sql<SqlBool>`exists (select 1 from ${from} where ${where})`
  }

  /**
   * `count` nodes: the related rows satisfying `filter` number between `min` and `max`. A page asks "is there an
   * n-th related row" (`exists (… limit 1 offset n - 1)`), which stops reading at the n-th row however many there
   * are; an aggregate over a known tenant groups the related rows once (`owner in (… group by … having count(*) …)`)
   * instead of probing them per owner. A range starting at 0 is the negation of "more than max", so owners with no
   * related row at all, which no group holds, are counted as 0.
   */
  #count(
    mapping: ModelMapping,
    alias: string,
    node: Extract<StorageFilter, { kind: 'count' }>,
  ): RawBuilder<SqlBool> {
    const { min, max } = node
    if (
      !Number.isSafeInteger(min) ||
      min < 0 ||
      (max !== null && (!Number.isSafeInteger(max) || max < min))
    ) {
      throw invalid(`Invalid count range [${min}, ${max}].`, { min, max })
    }
    const everyRow = this.#ctx.readsEveryRow === true
    const related = this.#related(mapping, alias, node.relation, node.filter, {
      direct: everyRow,
      through: everyRow,
    })
    if (related.pinned) {
      const { owner, key, from, where } = related.pinned
      const grouped = (having: RawBuilder<SqlBool>) =>
        sql<SqlBool>`${owner} in (select ${key} from ${from} where ${where} group by ${key} having ${having})`
      if (min === 0) return sql<SqlBool>`(${grouped(sql<SqlBool>`count(*) > ${sql.lit(max)}`)} is not true)`
      const upper = max === null ? sql`` : sql` and count(*) <= ${sql.lit(max)}`
      return grouped(sql<SqlBool>`count(*) >= ${sql.lit(min)}${upper}`)
    }
    const { from, where } = related.correlated
    const atLeast = (n: number) =>
      sql<SqlBool>`exists (select 1 from ${from} where ${where} limit 1 offset ${sql.lit(n - 1)})`
    const parts: RawBuilder<SqlBool>[] = []
    if (min > 0) parts.push(atLeast(min))
    if (max !== null) parts.push(sql<SqlBool>`(${atLeast(max + 1)} is not true)`)
    return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` and `)})`
  }

  /**
   * The related rows of an `exists` or `count` node, as SQL pieces: `correlated` joins them to the owner row under
   * `alias`; `pinned`, when the query's tenant is known and `pin` asks for it for this kind of relation, selects the
   * owners' keys uncorrelated, pinned to that tenant.
   */
  #related(
    mapping: ModelMapping,
    alias: string,
    relation: ResolvedRelation,
    filter: StorageFilter,
    pin: { readonly direct: boolean; readonly through: boolean },
  ): {
    correlated: { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> }
    pinned?: {
      owner: RawBuilder<unknown>
      key: RawBuilder<unknown>
      from: RawBuilder<unknown>
      where: RawBuilder<SqlBool>
    }
  } {
    const related = this.#model(relation.model)
    const r = `_r${++this.#aliasCounter}`
    const inner = this.#node(related, r, filter)
    const tenantId = this.#ctx.tenantId
    if (relation.kind === 'direct') {
      const from = sql`${sql.table(related.table)} as ${sql.id(r)}`
      const key = this.#column(related, r, relation.relatedField)
      const owner = this.#column(mapping, alias, relation.localField)
      const tenant = sql`${this.#column(related, r, 'tenantId')} = ${this.#column(mapping, alias, 'tenantId')}`
      const correlated = { from, where: sql<SqlBool>`${tenant} and ${key} = ${owner} and ${inner}` }
      if (tenantId === undefined || !pin.direct) return { correlated }
      const pinned = sql`${this.#column(related, r, 'tenantId')} = ${tenantId}`
      return { correlated, pinned: { owner, key, from, where: sql<SqlBool>`${pinned} and ${inner}` } }
    }
    const through = this.#model(relation.through)
    const j = `_j${++this.#aliasCounter}`
    const from = sql`${sql.table(through.table)} as ${sql.id(j)} inner join ${sql.table(related.table)} as ${sql.id(r)} on ${this.#column(related, r, 'tenantId')} = ${this.#column(through, j, 'tenantId')} and ${this.#column(related, r, 'id')} = ${this.#column(through, j, relation.throughTo)}`
    const key = this.#column(through, j, relation.throughFrom)
    const pins = Object.entries(relation.throughWhere).map(
      ([field, value]) => sql`${this.#column(through, j, field)} = ${value}`,
    )
    const conditions = [
      sql`${this.#column(through, j, 'tenantId')} = ${this.#column(mapping, alias, 'tenantId')}`,
      sql`${key} = ${this.#column(mapping, alias, 'id')}`,
      ...pins,
      inner,
    ]
    const correlated = { from, where: sql<SqlBool>`${sql.join(conditions, sql` and `)}` }
    if (tenantId === undefined || !pin.through) return { correlated }
    // Every level of a query is pinned to the tenant, and both sides are non-null ids, so `not in` keeps two-valued
    // logic and the result is the same.
    const pinned = [sql`${this.#column(through, j, 'tenantId')} = ${tenantId}`, ...conditions.slice(2)]
    return {
      correlated,
      pinned: {
        owner: this.#column(mapping, alias, 'id'),
        key,
        from,
        where: sql<SqlBool>`${sql.join(pinned, sql` and `)}`,
      },
    }
  }
}

/** Groups per parenthesis level in {@link balanced}: flat enough for short lists, shallow for long ones. */
const GROUP_WIDTH = 16

/**
 * Joins `parts` with `and`/`or` as a shallow tree of parenthesised groups of at most {@link GROUP_WIDTH} parts.
 * SQLite parses `a or b or c …` into a left-deep tree and refuses more than 1,000 levels ("Expression tree is too
 * large"), so a flat 997-wide `or` failed although filters may hold 1,000 nodes. Grouping keeps the depth
 * logarithmic (1,000 parts nest 3 levels) on every dialect; the meaning is unchanged, because `and`/`or` are
 * associative in SQL's three-valued logic.
 */
function balanced(parts: RawBuilder<SqlBool>[], operator: 'and' | 'or'): RawBuilder<SqlBool> {
  const separator = operator === 'and' ? sql` and ` : sql` or `
  let level = parts
  while (level.length > GROUP_WIDTH) {
    const next: RawBuilder<SqlBool>[] = []
    for (let i = 0; i < level.length; i += GROUP_WIDTH) {
      next.push(sql<SqlBool>`(${sql.join(level.slice(i, i + GROUP_WIDTH), separator)})`)
    }
    level = next
  }
  return sql<SqlBool>`(${sql.join(level, separator)})`
}
