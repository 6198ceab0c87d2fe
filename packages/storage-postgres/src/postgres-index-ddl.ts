import { CompiledQuery } from 'kysely'

const CREATE_INDEX =
  /^create (unique )?index if not exists ("(?:[^"]|"")+") on ("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")?) \(/

/** The index of the `)` closing the list that starts at `from` (just after its `(`), or -1. */
function closingParen(text: string, from: number): number {
  let depth = 0
  let quoted = false
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === "'" || c === '"') quoted = !quoted
    if (quoted) continue
    if (c === '(') depth++
    else if (c === ')') {
      if (depth === 0) return i
      depth--
    }
  }
  return -1
}

/** Splits `a, (b, c), d` at top-level commas. */
function splitKeys(list: string): string[] {
  const keys: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < list.length; i++) {
    const c = list[i]
    if (c === "'" || c === '"') quoted = !quoted
    if (quoted) continue
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      keys.push(list.slice(start, i).trim())
      start = i + 1
    }
  }
  keys.push(list.slice(start).trim())
  return keys
}

/**
 * Rewrites a btree `CREATE INDEX` of the SQL base so every key is `NULLS FIRST`. Rapport sorts nulls first ascending
 * and last descending; Postgres' default index order is the opposite (`NULLS LAST` ascending), so without this a
 * `… order by updated_at desc nulls last` page could not walk the index backwards and would sort instead. An
 * `include (…)` list after the keys is kept as it is. Any other statement is returned unchanged.
 */
export function postgresIndexDdl(statement: string): string {
  const match = CREATE_INDEX.exec(statement)
  if (!match) return statement
  const close = closingParen(statement, match[0].length)
  // Only the key list is rewritten; what follows it may be nothing or an `include (…)` list (covered, not ordered).
  const rest = statement.slice(close + 1)
  if (close < 0 || !/^( include \(.*\))?$/s.test(rest)) return statement
  const keys = splitKeys(statement.slice(match[0].length, close))
  if (keys.some((k) => /\bnulls (first|last)$/i.test(k))) return statement
  return `${match[0]}${keys.map((k) => `${k} nulls first`).join(', ')})${rest}`
}

/** {@link postgresIndexDdl} on a compiled query; cheap for everything that is not `CREATE INDEX`. */
export function postgresIndexQuery(query: CompiledQuery): CompiledQuery {
  if (!query.sql.startsWith('create ')) return query
  const rewritten = postgresIndexDdl(query.sql)
  return rewritten === query.sql ? query : CompiledQuery.raw(rewritten, [...query.parameters])
}
