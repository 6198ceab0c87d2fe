// `pnpm --filter @rapport/bench-limits bench:keyset`: a keyset page of 50 deals, newest first, at random depths of a
// 1M-deal table, through `crm.deals.list({ orderBy: updatedAt desc, cursor })` against the raw driver running the
// same statement (tenant, not archived, `(updated_at, id) < (…)`, LIMIT 51) plus a row mapper on the very table
// `crm.migrate()` creates. A third side runs the disjunction core sent before the row-value `after` node
// (`updated_at < v or (updated_at = v and id < w)`), to show what the planner made of it. Reports p50/p95/p99 per
// side (targets: p95 ≤ 5 ms SQLite, ≤ 10 ms Postgres), allocations per call and the top frames of a CPU profile.
//
// The table is seeded once by copying one deal the CRM wrote, in SQL (BENCH_DEALS, default 1M): a SQLite file under
// /tmp (BENCH_KEYSET_DB) and a Postgres schema (BENCH_KEYSET_SCHEMA), both kept for the next run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { allocations, profile, round } from './harness.ts'

const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const PAGES = Number(process.env['BENCH_KEYSET_PAGES'] ?? 300)
const DB = process.env['BENCH_KEYSET_DB'] ?? `/tmp/rapport-keyset-${DEALS}.db`
const SCHEMA = process.env['BENCH_KEYSET_SCHEMA'] ?? `bench_keyset_${DEALS}`
const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')
const TENANT = 'bench'
// Two deals share each instant, so the id tiebreaker is exercised on every page.
const BASE_MS = Date.UTC(2025, 0, 1)
const STEP_MS = 1000
const load = () => loadavg().map((l) => round(l, 2))

type Crm = ReturnType<typeof createCrm>

/** Creates the template deal through the CRM (pipeline, stage, search columns, defaults all real). */
async function template(crm: Crm): Promise<string> {
  await crm.migrate()
  const existing = await crm.deals.list({ limit: 1 })
  if (existing.items[0]) return existing.items[0].id
  const pipeline = await crm.pipelines.create({
    name: 'Bench',
    stages: [{ name: 'Open' }, { name: 'Won', kind: 'won' }],
  })
  const deal = await crm.deals.create({
    name: 'Template deal',
    pipelineId: pipeline.id,
    stageId: pipeline.stages[0]!.id,
    amount: { amountMinor: 125_000, currency: 'EUR' },
  })
  return deal.id
}

/** Copies the template `DEALS` times in one statement; ids and instants vary, every other column is the CRM's. */
function seedSqlite(templateId: string): void {
  const db = new Database(DB)
  const count = (db.prepare('select count(*) as n from deal').get() as { n: number }).n
  if (count >= DEALS) {
    db.close()
    return
  }
  const columns = (db.prepare('pragma table_info(deal)').all() as { name: string }[]).map((c) => c.name)
  const expr = (c: string) =>
    ({
      id: `'deal_k' || printf('%08d', g)`,
      name: `'Deal ' || g`,
      created_at: `${BASE_MS} + (g / 2) * ${STEP_MS}`,
      updated_at: `${BASE_MS} + (g / 2) * ${STEP_MS}`,
    })[c] ?? `t."${c}"`
  db.exec(`with recursive n(g) as (select 1 union all select g + 1 from n where g < ${DEALS})
    insert into deal (${columns.map((c) => `"${c}"`).join(', ')})
    select ${columns.map(expr).join(', ')} from deal t, n where t.id = '${templateId}'`)
  db.exec('analyze')
  db.close()
}

async function seedPostgres(client: pg.Client, templateId: string): Promise<void> {
  const { rows } = await client.query('select count(*)::int as n from deal')
  if (rows[0].n >= DEALS) return
  const columns = (
    await client.query(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = 'deal' order by ordinal_position`,
      [SCHEMA],
    )
  ).rows.map((r) => r.column_name as string)
  const at = `to_timestamp((${BASE_MS} + (g / 2) * ${STEP_MS}) / 1000.0)`
  const expr = (c: string) =>
    ({ id: `'deal_k' || lpad(g::text, 8, '0')`, name: `'Deal ' || g`, created_at: at, updated_at: at })[c] ??
    `t."${c}"`
  await client.query(`insert into deal (${columns.map((c) => `"${c}"`).join(', ')})
    select ${columns.map(expr).join(', ')} from deal t, generate_series(1, ${DEALS}) g where t.id = '${templateId}'`)
  await client.query('analyze deal')
}

/** Positions at random depths: the last row of a page, as a cursor (CRM side) and as (updatedAt, id) (raw side). */
async function positions(crm: Crm): Promise<{ cursor: string; updatedAt: Date; id: string }[]> {
  let x = 88172645463325252n
  const out: { cursor: string; updatedAt: Date; id: string }[] = []
  while (out.length < PAGES) {
    x ^= x << 13n
    x ^= x >> 7n
    x ^= x << 17n
    x &= (1n << 64n) - 1n
    const g = 100 + Number(x % BigInt(DEALS - 200))
    const page = await crm.deals.list({
      where: { field: 'updatedAt', op: 'lte', value: new Date(BASE_MS + Math.floor(g / 2) * STEP_MS) },
      orderBy: [{ field: 'updatedAt', direction: 'desc' }],
      limit: 1,
    })
    const last = page.items[0]
    if (page.nextCursor && last) out.push({ cursor: page.nextCursor, updatedAt: last.updatedAt, id: last.id })
  }
  return out
}

/** Latencies of one call per position, in ms. */
async function latencies(call: (i: number) => Promise<unknown> | unknown, pages = PAGES): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < pages; i++) {
    const t = performance.now()
    await call(i)
    out.push(performance.now() - t)
  }
  return out
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!, 3)
}
const summary = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99) })

interface Sides {
  readonly rapport: (i: number) => Promise<unknown>
  readonly raw: (i: number) => Promise<unknown> | unknown
  readonly disjunction: (i: number) => Promise<unknown> | unknown
}

async function measure(engine: string, sides: Sides, target: number, check: () => Promise<void>) {
  await check()
  // Warm-up: JIT, statement caches, page cache. The disjunction may scan, so it runs on a few positions only.
  await latencies(sides.rapport)
  await latencies(sides.raw)
  const rapport: number[] = []
  const raw: number[] = []
  const disjunction: number[] = []
  const cpu = { rapport: 0, raw: 0 }
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage()
    rapport.push(...(await latencies(sides.rapport)))
    const c1 = process.cpuUsage()
    raw.push(...(await latencies(sides.raw)))
    const c2 = process.cpuUsage()
    cpu.rapport += c1.user + c1.system - c0.user - c0.system
    cpu.raw += c2.user + c2.system - c1.user - c1.system
    if (r === 0) disjunction.push(...(await latencies(sides.disjunction, Math.min(PAGES, 20))))
  }
  const result = {
    deals: DEALS,
    pages: PAGES,
    rapport: summary(rapport),
    raw: summary(raw),
    disjunctionBefore: summary(disjunction),
    p95Ratio: round(pct(raw, 95) / pct(rapport, 95)),
    cpuRatio: round(cpu.raw / cpu.rapport),
    target: { p95Ms: target },
    met: pct(rapport, 95) <= target,
    allocations: {
      rapport: await allocations({ run: (n) => runN(sides.rapport, n) }, PAGES),
      raw: await allocations({ run: (n) => runN(sides.raw, n) }, PAGES),
    },
    profile: {
      rapport: await profile({ run: (n) => runN(sides.rapport, n) }, PAGES),
      raw: await profile({ run: (n) => runN(sides.raw, n) }, PAGES, 5),
    },
    loadAverage: load(),
  }
  console.log(
    `${engine}: rapport p50 ${result.rapport.p50} / p95 ${result.rapport.p95} ms, raw p95 ${result.raw.p95} ms, disjunction p95 ${result.disjunctionBefore.p95} ms (target ${target} ms: ${result.met ? 'met' : 'NOT met'}), load ${result.loadAverage}`,
  )
  return result
}

async function runN(side: (i: number) => Promise<unknown> | unknown, n: number) {
  for (let i = 0; i < n; i++) await side(i % PAGES)
}

function mapRow(row: Record<string, unknown>, date: (v: unknown) => Date) {
  return {
    id: row['id'],
    name: row['name'],
    pipelineId: row['pipeline_id'],
    stageId: row['stage_id'],
    amount: { amountMinor: Number(row['amount_minor']), currency: row['amount_currency'] },
    ownerId: row['owner_id'],
    createdAt: date(row['created_at']),
    updatedAt: date(row['updated_at']),
    version: Number(row['version']),
  }
}

const out: Record<string, unknown> = {
  benchmark: 'keyset-page',
  what: 'a page of 50 deals, updatedAt desc, at random cursor depths of a 1M-deal table; crm.deals.list vs the same SQL on the raw driver',
  loadAverageAtStart: load(),
}

if (engines.includes('sqlite')) {
  const fresh = !existsSync(DB)
  const crm = createCrm({ storage: createSqliteStorage({ file: DB }), tenantId: TENANT })
  const id = await template(crm)
  const t = Date.now()
  seedSqlite(id)
  if (fresh) console.log(`sqlite: seeded ${DEALS} deals in ${Date.now() - t} ms`)
  await crm.migrate() // statistics, as a deploy does
  const at = await positions(crm)
  const db = new Database(DB, { readonly: true })
  const stmt = db.prepare(
    `select * from deal where tenant_id = ? and archived_at is null and (updated_at, id) < (?, ?) order by updated_at desc, id desc limit 51`,
  )
  const orStmt = db.prepare(
    `select * from deal where tenant_id = ? and archived_at is null and (updated_at < ? or (updated_at = ? and id < ?)) order by updated_at desc, id desc limit 51`,
  )
  const date = (v: unknown) => new Date(v as number)
  const sides: Sides = {
    rapport: (i) =>
      crm.deals.list({
        orderBy: [{ field: 'updatedAt', direction: 'desc' }],
        limit: 50,
        cursor: at[i]!.cursor,
      }),
    raw: (i) => {
      const p = at[i]!
      return (stmt.all(TENANT, p.updatedAt.getTime(), p.id) as Record<string, unknown>[]).map((r) =>
        mapRow(r, date),
      )
    },
    disjunction: (i) => {
      const p = at[i]!
      const ms = p.updatedAt.getTime()
      return (orStmt.all(TENANT, ms, ms, p.id) as Record<string, unknown>[]).map((r) => mapRow(r, date))
    },
  }
  out['sqlite'] = await measure('sqlite', sides, 5, async () => {
    for (const i of [0, 1, 2]) {
      const page = await sides.rapport(i)
      const ids = (page as { items: { id: string }[] }).items.map((d) => d.id)
      const rawIds = (sides.raw(i) as { id: string }[]).slice(0, 50).map((d) => d.id)
      if (ids.join() !== rawIds.join()) throw new Error('sqlite: the CRM page and the raw page differ')
    }
    out['sqlitePlan'] = db
      .prepare(`explain query plan ${stmt.source}`)
      .all(TENANT, 0, '')
      .map((r) => (r as { detail: string }).detail)
  })
  db.close()
  await crm.close()
}

if (engines.includes('postgres')) {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  const crm = createCrm({
    storage: createPostgresStorage({ connectionString: PG_URL }, { schema: SCHEMA }),
    tenantId: TENANT,
  })
  const id = await template(crm)
  await client.query(`set search_path to "${SCHEMA}"`)
  const t = Date.now()
  await seedPostgres(client, id)
  console.log(`postgres: dataset ready in ${Date.now() - t} ms`)
  await crm.migrate()
  const at = await positions(crm)
  const text = `select * from deal where tenant_id = $1 and archived_at is null and (updated_at, id) < ($2, $3) order by updated_at desc nulls last, id desc nulls last limit 51`
  const orText = `select * from deal where tenant_id = $1 and archived_at is null and (updated_at < $2 or (updated_at = $2 and id < $3)) order by updated_at desc nulls last, id desc nulls last limit 51`
  const date = (v: unknown) => v as Date
  const sides: Sides = {
    rapport: (i) =>
      crm.deals.list({
        orderBy: [{ field: 'updatedAt', direction: 'desc' }],
        limit: 50,
        cursor: at[i]!.cursor,
      }),
    raw: async (i) => {
      const p = at[i]!
      const res = await client.query({ name: 'keyset_page', text, values: [TENANT, p.updatedAt, p.id] })
      return res.rows.map((r) => mapRow(r, date))
    },
    disjunction: async (i) => {
      const p = at[i]!
      const res = await client.query({ name: 'keyset_or', text: orText, values: [TENANT, p.updatedAt, p.id] })
      return res.rows.map((r) => mapRow(r, date))
    },
  }
  out['postgres'] = await measure('postgres', sides, 10, async () => {
    for (const i of [0, 1, 2]) {
      const page = (await sides.rapport(i)) as { items: { id: string }[] }
      const rawIds = ((await sides.raw(i)) as { id: string }[]).slice(0, 50).map((d) => d.id)
      if (page.items.map((d) => d.id).join() !== rawIds.join())
        throw new Error('postgres: the CRM page and the raw page differ')
    }
    const plan = await client.query(
      `explain ${text.replace('$1', `'${TENANT}'`).replace('$2', 'now()').replace('$3', `''`)}`,
    )
    out['postgresPlan'] = plan.rows.map((r) => r['QUERY PLAN'])
  })
  await crm.close()
  await client.end()
}

out['machine'] = { cpus: cpus().length, node: process.version, loadAverageAtEnd: load() }
out['at'] = new Date().toISOString()
const file = fileURLToPath(new URL(`../../results/keyset-page-${DEALS}.json`, import.meta.url))
// A run of one engine (BENCH_ENGINES) keeps the other engine's last figures.
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
for (const engine of ['sqlite', 'postgres'])
  if (!engines.includes(engine))
    for (const key of [engine, `${engine}Plan`]) if (previous[key]) out[key] = previous[key]
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(`→ ${file}`)
