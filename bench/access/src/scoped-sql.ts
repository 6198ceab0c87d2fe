import { createRequire } from 'node:module'
import { RECORD_COLUMNS } from '../../limits/src/contact-rows.js'

// The little of better-sqlite3 this file calls (the bench takes the driver the storage uses, without its types).
interface RawStatement {
  all(...params: unknown[]): unknown[]
  get(...params: unknown[]): unknown
}
interface RawDatabase {
  prepare(text: string): RawStatement
  close(): void
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  file: string,
  options: { readonly: boolean },
) => RawDatabase

/** The list page's statement on the raw driver, with and without the team scope (see {@link benchScopedSql}). */
export interface ScopedSqlResult {
  /** `EXPLAIN QUERY PLAN` of the unscoped and the scoped page. */
  readonly plan: { readonly noScope: string; readonly scope: string }
  /** Rows up to the scoped page's last id (not archived): what a walk in `id` order passes to return `pageRows`. */
  readonly rowsVisited: number
  readonly pageRows: number
  readonly noScopeCpuUsPerCall: number
  readonly scopeCpuUsPerCall: number
  /** Median of per-round CPU ratios, scoped ÷ unscoped: the part of the policy's cost that is SQLite's. */
  readonly cpuRatio: number
}

// The record's columns, as the adapter selects them for a list page (no search columns): bench/limits' list, by path.
const COLUMNS = RECORD_COLUMNS.map((c) => `"${c}"`).join(', ')

/**
 * The statement a list page runs (50 rows and one to know `hasMore`, in `id` order), written by hand and run on
 * better-sqlite3 against the bench's file: once unscoped, once with the scope as the policy compiles it
 * (`owner_id in (…)` for a team, `owner_id = ?` for a rep's own rows). Separates SQLite's share of the policy's cost (reading past the rows outside the scope) from
 * core's. Rounds alternate; CPU is this process's (better-sqlite3 runs on the main thread).
 */
export function benchScopedSql(options: {
  readonly file: string
  readonly owners: readonly string[]
  readonly rounds: number
  readonly calls: number
}): ScopedSqlResult {
  const db = new Database(options.file, { readonly: true })
  try {
    // As the policy compiles it: one owner is `=`, several are `in (…)`.
    const owner =
      options.owners.length === 1
        ? '"owner_id" = ?'
        : `"owner_id" in (${options.owners.map(() => '?').join(', ')})`
    const base = `select ${COLUMNS} from "contact" where "tenant_id" = ? and "archived_at" is null`
    const noScope = [`${base} order by "id" asc limit ?`, ['default', 51]] as const
    const scope = [
      `${base} and ${owner} order by "id" asc limit ?`,
      ['default', ...options.owners, 51],
    ] as const
    const plan = (text: string, params: readonly unknown[]) =>
      (db.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ')
    const page = db.prepare(scope[0]).all(...scope[1]) as { id: string }[]
    const last = page.at(-1)?.id ?? ''
    const visited = db
      .prepare(
        `select count(*) as n from "contact" where "tenant_id" = ? and "archived_at" is null and "id" <= ?`,
      )
      .get('default', last) as { n: number }

    const statements = [db.prepare(noScope[0]), db.prepare(scope[0])]
    const params = [noScope[1], scope[1]]
    const cpuOf = (i: number) => {
      const statement = statements[i]!
      const start = process.cpuUsage()
      for (let c = 0; c < options.calls; c++) statement.all(...params[i]!)
      const used = process.cpuUsage(start)
      return (used.user + used.system) / options.calls
    }
    cpuOf(0)
    cpuOf(1)
    const noScopeUs: number[] = []
    const scopeUs: number[] = []
    const ratios: number[] = []
    for (let r = 0; r < options.rounds; r++) {
      // Alternate which side runs first, so a load spike hits both alike.
      let a: number
      let b: number
      if (r % 2 === 0) {
        a = cpuOf(0)
        b = cpuOf(1)
      } else {
        b = cpuOf(1)
        a = cpuOf(0)
      }
      noScopeUs.push(a)
      scopeUs.push(b)
      ratios.push(b / a)
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number
    return {
      plan: { noScope: plan(...noScope), scope: plan(...scope) },
      rowsVisited: visited.n,
      pageRows: page.length,
      noScopeCpuUsPerCall: median(noScopeUs),
      scopeCpuUsPerCall: median(scopeUs),
      cpuRatio: median(ratios),
    }
  } finally {
    db.close()
  }
}
