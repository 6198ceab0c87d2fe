import type { Expression, RawBuilder } from 'kysely'
import { sql } from 'kysely'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'

/**
 * Folds ASCII letters A–Z to a–z and nothing else, the one case folding JavaScript, SQLite and Postgres agree on.
 * `lower()` and `ILIKE` are deliberately not used: they fold Unicode letters too (`É` → `é`), which the memory and
 * SQLite adapters do not.
 */
export function postgresAsciiFold(expression: Expression<unknown>): RawBuilder<string> {
  return sql<string>`translate(${expression}, ${sql.lit(UPPER)}, ${sql.lit(LOWER)})`
}

/** A Postgres text[] literal for a JSON path, e.g. `'{"tier"}'`, safe for index expressions. */
export function postgresJsonPathLiteral(path: readonly string[]): RawBuilder<string> {
  const items = path.map((key) => `"${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
  return sql.lit(`{${items.join(',')}}`) as RawBuilder<string>
}
