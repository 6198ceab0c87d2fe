// Per-customer order summaries at scale, each path measured in its own child process so peak RSS (maxRSS) belongs to
// that path alone. SQLite: core's streamed scan (its adapter's only path) against the raw driver reading the same rows
// from the same covering index. Postgres: the GROUP BY inside the database against core's scan.
//
//   pnpm --filter @rapport/bench-order-aggregation bench          # 1M orders on SQLite (+ Postgres when reachable)
//   BENCH_ORDERS=10000000 pnpm --filter @rapport/bench-order-aggregation bench
//
// The orders are seeded with the raw driver into the migrated table (src/seed-raw.ts). BENCH_DB=<file> and
// BENCH_PG_SCHEMA=<schema> reuse a dataset seeded before (`node … src/seed-raw.ts sqlite <file> <orders>`);
// BENCH_MODES=sql, scan or raw runs one path; BENCH_ENGINES=sqlite or postgres one engine. Each child reports wall time,
// its own CPU time and peak RSS. Results go to bench/results/order-aggregation-<orders>.json.
//
// Postgres comes from RAPPORT_BENCH_PG_URL, else RAPPORT_TEST_PG_URL; without either it is skipped (with a reason).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { rawSqliteScan } from './raw-scan.js'
import { seedPostgresRaw, seedSqliteRaw } from './seed-raw.js'

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1_000_000)
const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? Math.max(10, Math.round(ORDERS / 20)))
const PG_URL = process.env['RAPPORT_BENCH_PG_URL'] ?? process.env['RAPPORT_TEST_PG_URL']
const TENANT = 'bench'
const AS_OF = new Date(Date.UTC(2026, 0, 1))

type Engine = 'sqlite' | 'postgres'
type Mode = 'sql' | 'scan' | 'raw'

function open(engine: Engine, where: string): StorageAdapter {
  return engine === 'sqlite'
    ? createSqliteStorage({ file: where })
    : createPostgresStorage({ connectionString: PG_URL! }, { schema: where })
}

/** Child process: run one path once, print JSON. */
async function measure(engine: Engine, where: string, mode: Mode): Promise<void> {
  if (mode === 'raw') {
    const rssBefore = process.memoryUsage().rss
    const started = process.hrtime.bigint()
    const cpu = process.cpuUsage()
    const counted = rawSqliteScan(where, TENANT, AS_OF)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    const used = process.cpuUsage(cpu)
    process.stdout.write(
      JSON.stringify({
        source: 'raw',
        ms: Math.round(ms),
        cpuMs: Math.round((used.user + used.system) / 1000),
        ...counted,
        rssBeforeMb: Math.round(rssBefore / 2 ** 20),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    )
    return
  }
  const inner = open(engine, where)
  const storage: StorageAdapter =
    mode === 'sql' ? inner : { ...inner, capabilities: { ...inner.capabilities, orderAggregation: false } }
  const crm = createCrm({ storage, tenantId: TENANT })
  const rssBefore = process.memoryUsage().rss
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const summaries = await crm.orders.customerSummaries({ asOf: AS_OF, timeUnit: 'week', currency: 'EUR' })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const used = process.cpuUsage(cpu)
  // The same digest as hashing JSON.stringify(customers), fed one customer at a time: the whole string at 500k
  // customers (~160 MB) would count towards the peak RSS measured below.
  const hash = createHash('sha256').update('[')
  summaries.customers.forEach((c, i) => {
    hash.update(`${i > 0 ? ',' : ''}${JSON.stringify(c)}`)
  })
  const digest = hash.update(']').digest('hex').slice(0, 16)
  await crm.close()
  process.stdout.write(
    JSON.stringify({
      source: summaries.source,
      ms: Math.round(ms),
      cpuMs: Math.round((used.user + used.system) / 1000),
      customers: summaries.customers.length,
      orders: summaries.customers.reduce((n, c) => n + c.orders, 0),
      rssBeforeMb: Math.round(rssBefore / 2 ** 20),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      digest,
    }),
  )
}

function child(engine: Engine, where: string, mode: Mode): Record<string, unknown> {
  const self = fileURLToPath(import.meta.url)
  const register = fileURLToPath(new URL('../../../scripts/source-hooks.ts', import.meta.url))
  const out = execFileSync(
    process.execPath,
    ['--conditions=@rapport/source', '--import', register, self, 'child', engine, where, mode],
    { encoding: 'utf8', maxBuffer: 1 << 26, env: process.env },
  )
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

// SQLite has no in-database order aggregation (its adapter streams through core's scan), so its baseline is the raw
// driver reading the same rows; Postgres compares its GROUP BY with the scan.
const MODES: Record<Engine, Mode[]> = {
  sqlite: (process.env['BENCH_MODES'] ?? 'raw,scan').split(',') as Mode[],
  postgres: (process.env['BENCH_MODES'] ?? 'sql,scan').split(',') as Mode[],
}
const ENGINES = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',') as Engine[]

async function compare(engine: Engine, where: string) {
  const out: Record<string, unknown> = {}
  for (const mode of MODES[engine]) {
    out[mode] = { ...child(engine, where, mode), loadAverage: loadavg().map((l) => Math.round(l * 10) / 10) }
    console.log(engine, mode, JSON.stringify(out[mode]))
  }
  const sql = out['sql'] as Record<string, number | string> | undefined
  const scan = out['scan'] as Record<string, number | string> | undefined
  if (sql && scan) {
    if (sql['digest'] !== scan['digest']) throw new Error(`${engine}: SQL and scan summaries differ`)
    out['identicalResults'] = true
    out['speedup'] = Number(((scan['ms'] as number) / (sql['ms'] as number)).toFixed(1))
  }
  const raw = out['raw'] as Record<string, number | string> | undefined
  if (raw && scan) {
    if (raw['customers'] !== scan['customers'] || raw['orders'] !== scan['orders']) {
      throw new Error(`${engine}: the raw read and the scan saw different orders`)
    }
    // Rapport's speed relative to the raw driver reading the same rows (1 = the physical limit).
    out['ratio'] = Number(((raw['ms'] as number) / (scan['ms'] as number)).toFixed(2))
    out['cpuRatio'] = Number(((raw['cpuMs'] as number) / (scan['cpuMs'] as number)).toFixed(2))
    out['target'] = { seconds: 30, peakRssMb: 500 }
    out['met'] = (scan['ms'] as number) <= 30_000 && (scan['peakRssMb'] as number) <= 500
  }
  return out
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    orders: ORDERS,
    customers: CUSTOMERS,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  }
  const dir = mkdtempSync(join(tmpdir(), 'rapport-orders-'))
  try {
    if (ENGINES.includes('sqlite')) {
      let file = process.env['BENCH_DB']
      if (!file) {
        file = join(dir, 'orders.db')
        results['sqliteSeedMs'] = await seedSqliteRaw(file, ORDERS, CUSTOMERS, TENANT, AS_OF)
        console.log(`sqlite: seeded ${ORDERS} orders in ${results['sqliteSeedMs']} ms (raw driver)`)
      }
      results['sqlite'] = await compare('sqlite', file)
    }
    if (ENGINES.includes('postgres') && !PG_URL) {
      results['postgres'] = { skipped: 'set RAPPORT_BENCH_PG_URL or RAPPORT_TEST_PG_URL to include Postgres' }
    } else if (ENGINES.includes('postgres') && PG_URL) {
      const reused = process.env['BENCH_PG_SCHEMA']
      const schema = reused ?? `bench_orders_${process.pid}`
      try {
        if (!reused) {
          results['postgresSeedMs'] = await seedPostgresRaw(PG_URL, schema, ORDERS, CUSTOMERS, TENANT, AS_OF)
          console.log(`postgres: seeded ${ORDERS} orders in ${results['postgresSeedMs']} ms (raw driver)`)
        }
        results['postgres'] = await compare('postgres', schema)
      } catch (error) {
        results['postgres'] = { skipped: `Postgres unreachable or failed: ${String(error)}` }
      } finally {
        if (!reused) {
          const pg = open('postgres', schema) as ReturnType<typeof createPostgresStorage>
          await pg.kysely.schema
            .dropSchema(schema)
            .ifExists()
            .cascade()
            .execute()
            .catch(() => {})
          await pg.close()
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const out = fileURLToPath(new URL(`../../results/order-aggregation-${ORDERS}.json`, import.meta.url))
  mkdirSync(join(out, '..'), { recursive: true })
  // A run of one engine or one path keeps the other figures of the same size.
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {}
  for (const engine of ['sqlite', 'postgres'] as const) {
    if (!ENGINES.includes(engine)) results[engine] = previous[engine]
    else results[engine] = { ...(previous[engine] as object), ...(results[engine] as object) }
  }
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${out}`)
}

if (process.argv[2] === 'child') {
  await measure(process.argv[3] as Engine, process.argv[4]!, process.argv[5] as Mode)
} else {
  await main()
}
