// One command (`pnpm --filter @rapport/bench-search bench`): crm.contacts.search over 1M multilingual contacts on
// SQLite and Postgres, against a hand-written SQL reference doing the same lookup (the same index, the same CJK-run
// check and ranking, the terms of the same parseSearchQuery) on the same table in the same run, alternating which
// side goes first. Reports p50/p95/p99 per engine and per query class, the ratio, and the query plans. Writes
// bench/results/search.json. The dataset is built once (bench/search/.data/, Postgres schema bench_search_<size>).
// BENCH_SIZE=20000 for a quick iteration, BENCH_ENGINES=sqlite to run one engine.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { parseSearchQuery, searchTierNeedles } from '@rapport/core/search'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { BenchQuery } from './corpus.ts'
import { benchQueries } from './corpus.ts'
import { pgSchema, postgresDataset, sqliteDataset, sqliteFile, TENANT } from './dataset.ts'

const SIZE = Number(process.env['BENCH_SIZE'] ?? 1_000_000)
const PER_CLASS = Number(process.env['BENCH_QUERIES'] ?? 20)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
const LIMIT = 20
const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')
const load = () => loadavg().map((l) => Math.round(l * 100) / 100)

/** A lookup: the ids it returns, in order. */
type Lookup = (text: string) => Promise<string[]>

type Engine = 'sqlite' | 'postgres'
type Tier = 0 | 1 | 2

/**
 * The hand-written statements: the same lookup Rapport's search() runs, written out for one engine. The ranking is
 * tier (a key equal to the query, a key starting with it, any other match), then id, so each tier is its own
 * statement ordered by id and cut at the rows still missing: tiers 0 and 1 read the search key index (in id order,
 * so the limit stops the read), tier 2 the full-text index minus the rows with a key starting with the query.
 */
function referenceSql(engine: Engine, tier: Tier, terms: number, runs: number, table: string): string {
  const p =
    engine === 'sqlite'
      ? () => '?'
      : (() => {
          let n = 0
          return () => `$${++n}`
        })()
  const contains = (col: string) =>
    engine === 'sqlite' ? `instr(${col}, ${p()}) > 0` : `strpos(${col}, ${p()}) > 0`
  const keys =
    engine === 'sqlite' ? 'contact_search_key' : table.replace(/"contact"$/, '"contact_search_key"')
  const binary = (col: string) => (engine === 'sqlite' ? col : `${col} collate "C"`)
  if (tier === 2) {
    const match =
      engine === 'sqlite'
        ? `from contact_search s join contact t on t.rowid = s.rowid where contact_search match ${p()}`
        : `from ${table} t where array_to_tsvector(string_to_array(btrim(t.search_terms), ' ')) @@ ${p()}::tsquery`
    const tenant = `t.tenant_id = ${p()} and t.archived_at is null`
    const runChecks = Array.from({ length: runs }, () => ` and ${contains('t.search_keys')}`).join('')
    return `select t.* ${match} and ${tenant}${runChecks} and not ${contains('t.search_keys')} order by ${binary('t.id')} limit ${p()}`
  }
  // Placeholders are numbered in the order they are made (Postgres): make them in text order.
  const termChecks = () => Array.from({ length: terms }, () => ` and ${contains('t.search_terms')}`).join('')
  const runChecks = () => Array.from({ length: runs }, () => ` and ${contains('t.search_keys')}`).join('')
  if (tier === 1 && engine === 'sqlite') {
    // SQLite walks the sorted IN list through the primary key, in id order: LIMIT stops the read.
    const ids = `select record_id from ${keys} where tenant_id = ${p()} and search_key >= ${p()} and search_key < ${p()}`
    const tenant = `t.tenant_id = ${p()} and t.archived_at is null`
    const checks = `${termChecks()}${runChecks()} and not ${contains('t.search_keys')}`
    return `select t.* from ${table} t where t.id in (${ids}) and ${tenant}${checks} order by t.id limit ${p()}`
  }
  const source =
    tier === 0
      ? `(select record_id from ${keys} where tenant_id = ${p()} and search_key = ${p()})`
      : `(select distinct record_id from ${keys} where tenant_id = ${p()} and search_key >= ${p()} and search_key < ${p()})`
  const join = `join ${table} t on t.tenant_id = ${p()} and t.id = k.record_id where t.archived_at is null`
  const checks = `${termChecks()}${runChecks()}${tier === 1 ? ` and not ${contains('t.search_keys')}` : ''}`
  return `select t.* from ${source} k ${join}${checks} order by ${binary('k.record_id')} limit ${p()}`
}

function referenceParams(engine: Engine, tier: Tier, text: string, limit: number) {
  const q = parseSearchQuery(text)
  const { exact, prefix } = searchTierNeedles(q)
  const termNeedles = q.terms.map((t) => ` ${t}`)
  const shape = { terms: q.terms.length, runs: q.runs.length, empty: q.terms.length === 0 }
  if (tier === 2) {
    const match =
      engine === 'sqlite'
        ? q.terms.map((t) => `"${t}"*`).join(' ')
        : q.terms.map((t) => `'${t.replaceAll("'", "''")}':*`).join(' & ')
    return { ...shape, params: [match, TENANT, ...q.runs, prefix, limit] }
  }
  const range = tier === 0 ? [q.phrase] : [q.phrase, `${q.phrase}\u{10FFFF}`]
  return {
    ...shape,
    params: [TENANT, ...range, TENANT, ...termNeedles, ...q.runs, ...(tier === 1 ? [exact] : []), limit],
  }
}

/** Runs the three tier statements in order until `LIMIT` rows are found, as Rapport's adapters do. */
async function tiered(
  engine: Engine,
  text: string,
  execute: (tier: Tier, sql: string, params: unknown[]) => Promise<{ id: string }[]>,
  table: string,
): Promise<string[]> {
  const ids: string[] = []
  for (const tier of [0, 1, 2] as const) {
    const { terms, runs, params, empty } = referenceParams(engine, tier, text, LIMIT - ids.length)
    if (empty) return []
    const rows = await execute(tier, referenceSql(engine, tier, terms, runs, table), params)
    ids.push(...rows.map((r) => r.id))
    if (ids.length >= LIMIT) break
  }
  return ids
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
const ms = (n: number) => Math.round(n * 1000) / 1000
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const summary = (values: number[]) => ({
  p50: ms(percentile(values, 50)),
  p95: ms(percentile(values, 95)),
  p99: ms(percentile(values, 99)),
  max: ms(Math.max(...values)),
})

async function measure(queries: BenchQuery[], rapport: Lookup, raw: Lookup) {
  const times = { rapport: [] as number[], raw: [] as number[] }
  // This process's CPU time per side (user + system): the client's share; the Postgres server's is not in it.
  const cpu = { rapport: 0, raw: 0 }
  const loads: number[][] = [load()]
  const byClass = new Map<string, { rapport: number[]; raw: number[] }>()
  const ratios: number[] = []
  let mismatches = 0
  let hits = 0
  for (const { text } of queries) {
    // Warm-up, and the same answer on both sides.
    const [a, b] = [await rapport(text), await raw(text)]
    if (JSON.stringify(a) !== JSON.stringify(b)) mismatches++
    if (a.length > 0) hits++
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { kind, text }] of queries.entries()) {
      const sides: [keyof typeof times, Lookup][] = [
        ['rapport', rapport],
        ['raw', raw],
      ]
      if ((round + i) % 2 === 1) sides.reverse()
      const took: Record<string, number> = {}
      for (const [name, lookup] of sides) {
        const cpuStart = process.cpuUsage()
        const start = performance.now()
        await lookup(text)
        took[name] = performance.now() - start
        const used = process.cpuUsage(cpuStart)
        cpu[name] += (used.user + used.system) / 1000
      }
      const entry = byClass.get(kind) ?? { rapport: [], raw: [] }
      byClass.set(kind, entry)
      for (const name of ['rapport', 'raw'] as const) {
        times[name].push(took[name]!)
        entry[name].push(took[name]!)
      }
      ratios.push(took['rapport']! / took['raw']!)
    }
    loads.push(load())
  }
  return {
    queries: queries.length,
    rounds: ROUNDS,
    queriesWithResults: hits,
    resultMismatches: mismatches,
    rapportMs: summary(times.rapport),
    rawMs: summary(times.raw),
    medianRatio: Math.round(percentile(ratios, 50) * 100) / 100,
    clientCpuMs: { rapport: ms(cpu.rapport), raw: ms(cpu.raw) },
    clientCpuRatio: Math.round((cpu.rapport / cpu.raw) * 100) / 100,
    wallRatio: Math.round((sum(times.rapport) / sum(times.raw)) * 100) / 100,
    loadAverages: loads,
    p95TargetMs: 20,
    p95Met: percentile(times.rapport, 95) <= 20,
    byClass: Object.fromEntries(
      [...byClass].map(([kind, t]) => [kind, { rapportMs: summary(t.rapport), rawMs: summary(t.raw) }]),
    ),
  }
}

const samples = (queries: BenchQuery[]) => {
  const seen = new Set<string>()
  return queries.filter((q) => !seen.has(q.kind) && seen.add(q.kind))
}

const out: Record<string, unknown> = {
  benchmark: 'search',
  what: 'crm.contacts.search(text) (limit 20) over multilingual contacts vs a hand-written statement doing the same lookup on the same table',
  ratioMeaning:
    'median over queries and alternated rounds of rapport ÷ raw wall time, each pair back to back',
  size: SIZE,
  loadAverageAtStart: load(),
}
const queries = benchQueries(SIZE, PER_CLASS)
out['queryClasses'] = samples(queries).map((q) => ({ kind: q.kind, example: q.text }))

if (engines.includes('sqlite')) {
  console.log(`sqlite: ${SIZE} contacts (${sqliteFile(SIZE)})…`)
  const storage = await sqliteDataset(SIZE)
  const crm = createCrm({ storage, tenantId: TENANT })
  const db = new Database(sqliteFile(SIZE), { readonly: true })
  const statements = new Map<string, Database.Statement>()
  const statement = (sql: string) => {
    let s = statements.get(sql)
    if (!s) statements.set(sql, (s = db.prepare(sql)))
    return s
  }
  const rapport: Lookup = async (text) => (await crm.contacts.search(text)).map((c) => c.id)
  const raw: Lookup = (text) =>
    tiered(
      'sqlite',
      text,
      async (_tier, sql, params) => statement(sql).all(...params) as { id: string }[],
      'contact',
    )
  const result = await measure(queries, rapport, raw)
  const plans = samples(queries).map(({ kind, text }) => ({
    kind,
    text,
    tiers: ([0, 1, 2] as const).map((tier) => {
      const { terms, runs, params } = referenceParams('sqlite', tier, text, LIMIT)
      const sql = referenceSql('sqlite', tier, terms, runs, 'contact')
      const plan = db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[]
      return { tier, plan: plan.map((p) => p.detail) }
    }),
  }))
  out['sqlite'] = {
    ...result,
    statements: ([0, 1, 2] as const).map((tier) => referenceSql('sqlite', tier, 1, 0, 'contact')),
    plans,
  }
  console.log(
    'sqlite',
    JSON.stringify({ rapportMs: result.rapportMs, rawMs: result.rawMs, ratio: result.medianRatio }),
  )
  db.close()
  await storage.close()
}

if (engines.includes('postgres')) {
  console.log(`postgres: ${SIZE} contacts (schema ${pgSchema(SIZE)})…`)
  // The statements crm.contacts.search runs, captured from Kysely's log to EXPLAIN them below.
  let captured: { sql: string; parameters: readonly unknown[] }[] | undefined
  const storage = await postgresDataset(PG_URL, SIZE, (event) => {
    if (captured && event.level === 'query') {
      captured.push({ sql: event.query.sql, parameters: event.query.parameters })
    }
  })
  const crm = createCrm({ storage, tenantId: TENANT })
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await client.query(`set search_path = "${pgSchema(SIZE)}"`)
  const table = `"${pgSchema(SIZE)}"."contact"`
  const names = new Map<string, string>()
  const nameOf = (sql: string) => {
    let name = names.get(sql)
    if (!name) names.set(sql, (name = `search_${names.size}`))
    return name
  }
  const rapport: Lookup = async (text) => (await crm.contacts.search(text)).map((c) => c.id)
  const raw: Lookup = (text) =>
    tiered(
      'postgres',
      text,
      async (_tier, sql, params) =>
        (await client.query({ name: nameOf(sql), text: sql, values: params })).rows,
      table,
    )
  const result = await measure(queries, rapport, raw)
  const plans = []
  for (const { kind, text } of samples(queries)) {
    const tiers = []
    for (const tier of [0, 1, 2] as const) {
      const { terms, runs, params } = referenceParams('postgres', tier, text, LIMIT)
      const sql = referenceSql('postgres', tier, terms, runs, table)
      const plan = await client.query(`explain (analyze, buffers, costs off) ${sql}`, params)
      tiers.push({ tier, plan: plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']) })
    }
    captured = []
    await crm.contacts.search(text)
    const statements = captured
    captured = undefined
    const rapportStatements = []
    for (const { sql, parameters } of statements.filter((c) => /^\s*select/i.test(c.sql))) {
      const plan = await client.query(`explain (analyze, buffers, costs off) ${sql}`, [...parameters])
      rapportStatements.push({ sql, plan: plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']) })
    }
    plans.push({ kind, text, tiers, rapportStatements })
  }
  out['postgres'] = {
    ...result,
    statements: ([0, 1, 2] as const).map((tier) => referenceSql('postgres', tier, 1, 0, table)),
    plans,
  }
  console.log(
    'postgres',
    JSON.stringify({ rapportMs: result.rapportMs, rawMs: result.rawMs, ratio: result.medianRatio }),
  )
  await client.end()
  await storage.close()
}

out['machine'] = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  loadAverageAtEnd: load(),
}
out['at'] = new Date().toISOString()
const file = fileURLToPath(
  new URL(`../../results/search${SIZE === 1_000_000 ? '' : `-${SIZE}`}.json`, import.meta.url),
)
// One engine at a time may run (BENCH_ENGINES): keep the other engine's last result.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
for (const engine of ['sqlite', 'postgres']) {
  if (!(engine in out) && previous[engine] && previous['size'] === SIZE) out[engine] = previous[engine]
}
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(`→ ${file}`)
