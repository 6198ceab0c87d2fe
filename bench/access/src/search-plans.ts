import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

/**
 * Why a team-scoped search costs several times the unscoped one, in raw SQL on the file `run.ts` seeds (run it
 * first): the same 97 queries (`client0` … `client96`, 20 results) as the access bench, with no Rapport code in the
 * way, through four plans:
 * - `unscoped`: today's tiers (exact key, key prefix, full-text rest), stopping when 20 rows are found;
 * - `scopedTiered`: the same tiers with the team scope (`owner_id in` 11 owners), today's plan;
 * - `scopedFtsFirst`: exact key, then one full-text statement for the prefix and other tiers together;
 * - `scopedScopeFirst`: exact key, then the rows in scope, ranked by a substring test on their keys.
 * CPU per call (this process's user + system: better-sqlite3 runs on the main thread), median of rounds.
 */
const dir = dirname(fileURLToPath(import.meta.url))
const file = join(dir, '..', 'bench-access.db')
if (!existsSync(file)) throw new Error(`Run the access bench first to seed ${file}`)
const out = join(dir, '..', '..', 'results', 'access-search-plans.json')
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5)
const LIMIT = 20

const db = new Database(file, { readonly: true })
const tenant = (db.prepare('select tenant_id from contact limit 1').get() as { tenant_id: string }).tenant_id
const owners = [...Array.from({ length: 10 }, (_, i) => `usr_0_${i}`), 'usr_m0']
const inScope = `t.owner_id in (${owners.map(() => '?').join(', ')})`
const END = 'char(1114111)'
type Row = Record<string, unknown>

function statements(scope: string) {
  const where = `t.tenant_id = @tenant and t.archived_at is null and ${scope}`
  const prepare = (sql: string) => {
    const statement = db.prepare(sql)
    return (q: string, n: number) =>
      statement.all(...(scope === '1' ? [] : owners), { tenant, q, n }) as Row[]
  }
  return {
    exact: prepare(
      `select t.* from (select record_id from contact_search_key where tenant_id = @tenant and search_key = @q) k join contact t on t.tenant_id = @tenant and t.id = k.record_id where ${where} and instr(t.search_terms, ' ' || @q) > 0 order by k.record_id limit @n`,
    ),
    prefix: prepare(
      `select t.* from contact t where ${where} and t.id in (select record_id from contact_search_key where tenant_id = @tenant and search_key >= @q and search_key < @q || ${END}) and instr(t.search_terms, ' ' || @q) > 0 and not instr(t.search_keys, char(10) || @q || '|') > 0 order by t.id limit @n`,
    ),
    rest: prepare(
      `select t.* from contact_search s join contact t on t.rowid = s.rowid where contact_search match '"' || @q || '"*' and ${where} and not instr(t.search_keys, char(10) || @q) > 0 order by t.id limit @n`,
    ),
    ftsFirst: prepare(
      `select t.* from contact_search s join contact t on t.rowid = s.rowid where contact_search match '"' || @q || '"*' and ${where} and not instr(t.search_keys, char(10) || @q || '|') > 0 order by case when instr(t.search_keys, char(10) || @q) > 0 then 1 else 2 end, t.id limit @n`,
    ),
    scopeFirst: prepare(
      `select t.* from contact t where ${where} and instr(t.search_terms, ' ' || @q) > 0 and not instr(t.search_keys, char(10) || @q || '|') > 0 order by case when instr(t.search_keys, char(10) || @q) > 0 then 1 else 2 end, t.id limit @n`,
    ),
  }
}

type Plan = (q: string) => { rows: number; statements: number }
function tiered(s: ReturnType<typeof statements>): Plan {
  return (q) => {
    let rows = s.exact(q, LIMIT).length
    let count = 1
    for (const next of [s.prefix, s.rest]) {
      if (rows >= LIMIT) break
      rows += next(q, LIMIT - rows).length
      count++
    }
    return { rows, statements: count }
  }
}
function twoStep(s: ReturnType<typeof statements>, rest: (q: string, n: number) => Row[]): Plan {
  return (q) => {
    const rows = s.exact(q, LIMIT).length
    return rows >= LIMIT
      ? { rows, statements: 1 }
      : { rows: rows + rest(q, LIMIT - rows).length, statements: 2 }
  }
}

const open = statements('1')
const scoped = statements(inScope)
const plans: Record<string, Plan> = {
  unscoped: tiered(open),
  scopedTiered: tiered(scoped),
  scopedFtsFirst: twoStep(scoped, scoped.ftsFirst),
  scopedScopeFirst: twoStep(scoped, scoped.scopeFirst),
}
const queries = Array.from({ length: 97 }, (_, i) => `client${i}`)
const loadBefore = loadavg()
const results: Record<string, { cpuUsPerCall: number; rowsPerCall: number; statementsPerCall: number }> = {}
for (const [name, plan] of Object.entries(plans)) {
  for (const q of queries) plan(q)
  const cpu: number[] = []
  let rows = 0
  let count = 0
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage()
    for (const q of queries) {
      const done = plan(q)
      rows += done.rows
      count += done.statements
    }
    const used = process.cpuUsage(start)
    cpu.push((used.user + used.system) / queries.length)
  }
  const calls = ROUNDS * queries.length
  results[name] = {
    cpuUsPerCall: Math.round([...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)] as number),
    rowsPerCall: rows / calls,
    statementsPerCall: count / calls,
  }
  console.log(name, JSON.stringify(results[name]))
}
const unscoped = results['unscoped']!.cpuUsPerCall
mkdirSync(dirname(out), { recursive: true })
writeFileSync(
  out,
  `${JSON.stringify(
    {
      benchmark: 'access-search-plans',
      at: new Date().toISOString(),
      node: process.version,
      loadAverage: { before: loadBefore, after: loadavg() },
      adapter: 'sqlite (better-sqlite3, file), raw SQL',
      queries: 'client0 … client96, 20 results, team scope over 11 of 33 owners',
      rounds: ROUNDS,
      results,
      cpuVsUnscoped: Object.fromEntries(
        Object.entries(results).map(([name, r]) => [name, Number((r.cpuUsPerCall / unscoped).toFixed(2))]),
      ),
    },
    null,
    2,
  )}\n`,
)
console.log(`wrote ${out}`)
