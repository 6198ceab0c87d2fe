import type { Expression, RawBuilder, SqlBool } from 'kysely'
import { sql } from 'kysely'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'

/** The scalar type a JSON path is read as; `undefined` in index definitions. */
export type PostgresPathType =
  | 'string'
  | 'text'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'json'

/**
 * Folds ASCII letters A–Z to a–z and nothing else, the one case folding JavaScript, SQLite and Postgres agree on.
 * `lower()` and `ILIKE` are deliberately not used: they fold Unicode letters too (`É` → `é`), which the memory and
 * SQLite adapters do not.
 */
export function postgresAsciiFold(expression: Expression<unknown>): RawBuilder<string> {
  return sql<string>`translate(${expression}, ${sql.lit(UPPER)}, ${sql.lit(LOWER)})`
}

/** A Postgres text[] literal for a JSON path, e.g. `'{"tier"}'`, inlined so expression indexes can match it. */
export function postgresJsonPathLiteral(path: readonly string[]): RawBuilder<string> {
  const items = path.map((key) => `"${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
  return sql.lit(`{${items.join(',')}}`) as RawBuilder<string>
}

/**
 * Reads the scalar at `path` inside a `jsonb` column as `type`. A missing key, JSON `null` or a value of another JSON
 * type reads as SQL `NULL`. Strings (and ISO datetimes, dates, and untyped index expressions) read as
 * `(col #>> '{path}') COLLATE "C"`, so an expression index on a string custom field matches the filters exactly;
 * numbers as `double precision`, booleans as `boolean`.
 */
export function postgresJsonPath(
  column: Expression<unknown>,
  path: readonly string[],
  type: PostgresPathType | undefined,
): RawBuilder<unknown> {
  const p = postgresJsonPathLiteral(path)
  switch (type) {
    case 'integer':
    case 'number':
      return sql`(case when jsonb_typeof(${column} #> ${p}) = 'number' then (${column} #>> ${p})::double precision end)`
    case 'boolean':
      return sql`(case when jsonb_typeof(${column} #> ${p}) = 'boolean' then (${column} #>> ${p})::boolean end)`
    case 'json':
      return sql`(${column} #> ${p})`
    default:
      return sql`((${column} #>> ${p}) collate "C")`
  }
}

function nest(path: readonly string[] | undefined, leaf: unknown): unknown {
  let value = leaf
  for (const key of [...(path ?? [])].reverse()) value = { [key]: value }
  return value
}

/**
 * True when the JSON array at `column` (or at `path` inside it) has an element equal to one of `values`, written as
 * jsonb containment (`col @> '{"tags":["vip"]}'`) so a GIN index on the column serves it.
 */
export function postgresJsonArrayContains(
  column: Expression<unknown>,
  path: readonly string[] | undefined,
  values: readonly unknown[],
): RawBuilder<SqlBool> {
  const parts = values.map(
    (value) => sql<SqlBool>`${column} @> ${JSON.stringify(nest(path, [value]))}::jsonb`,
  )
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`
}

/** True when the JSON array at `column`/`path` is missing, JSON `null`, not an array, or has no elements. */
export function postgresJsonArrayIsEmpty(
  column: Expression<unknown>,
  path: readonly string[] | undefined,
): RawBuilder<SqlBool> {
  const target = path && path.length > 0 ? sql`(${column} #> ${postgresJsonPathLiteral(path)})` : column
  return sql<SqlBool>`(coalesce(jsonb_array_length(case when jsonb_typeof(${target}) = 'array' then ${target} end), 0) = 0)`
}

/** Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * A code-point-exact substring test with `LIKE` (byte-wise under `COLLATE "C"`, and index-friendly for
 * `startsWith`); `value` is already ASCII-folded when `foldAscii` is set, and `expr` is folded here.
 */
export function postgresTextMatch(
  expr: Expression<unknown>,
  op: 'contains' | 'startsWith' | 'endsWith',
  value: string,
  foldAscii: boolean,
): RawBuilder<SqlBool> {
  const target = foldAscii ? postgresAsciiFold(expr) : expr
  const escaped = escapeLikePattern(value)
  const pattern = op === 'contains' ? `%${escaped}%` : op === 'startsWith' ? `${escaped}%` : `%${escaped}`
  return sql<SqlBool>`(${target} like ${pattern} escape '\\')`
}
