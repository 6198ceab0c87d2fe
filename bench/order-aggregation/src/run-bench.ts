// Per-customer order summaries at scale: the SQL aggregation inside the database vs core's streaming findMany
// fallback, each measured in its own child process so peak RSS (maxRSS) belongs to that path alone.
//
//   pnpm --filter @rapport/bench-order-aggregation bench          # 1M orders on SQLite (+ Postgres when reachable)
//   BENCH_ORDERS=10000000 pnpm --filter @rapport/bench-order-aggregation bench
//
// Postgres comes from RAPPORT_BENCH_PG_URL, else RAPPORT_TEST_PG_URL; without either it is skipped (with a reason).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter, StorageRow, StorageSchema } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1_000_000)
const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? Math.max(10, Math.round(ORDERS / 20)))
const PG_URL = process.env['RAPPORT_BENCH_PG_URL'] ?? process.env['RAPPORT_TEST_PG_URL']
const TENANT = 'bench'
const AS_OF = new Date(Date.UTC(2026, 0, 1))

type Engine = 'sqlite' | 'postgres'
type Mode = 'sql' | 'scan'

function open(engine: Engine, where: string): StorageAdapter {
  return engine === 'sqlite'
    ? createSqliteStorage({ file: where })
    : createPostgresStorage({ connectionString: PG_URL! }, { schema: where })
}

function schemaOf(storage: StorageAdapter): StorageSchema {
  const probe = definePlugin({ id: 'probe', api: (ctx) => ctx.schema })
  return createCrm({ storage, plugins: [probe] as const }).plugins.probe
}

/** Deterministic pseudo-random orders (xorshift), written straight through the storage port in chunks. */
async function seed(storage: StorageAdapter): Promise<void> {
  const schema = schemaOf(storage)
  await storage.migrations.apply(schema)
  const model = schema.models['order']!
  let x = 2463534242
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  const now = new Date()
  const chunk = 10_000
  for (let start = 0; start < ORDERS; start += chunk) {
    const rows: StorageRow[] = []
    for (let i = start; i < Math.min(ORDERS, start + chunk); i++) {
      const c = Math.floor(rnd() * CUSTOMERS)
      rows.push({
        id: `ord_${String(i).padStart(10, '0')}`,
        tenantId: TENANT,
        createdAt: now,
        updatedAt: now,
        version: 1,
        archivedAt: null,
        customerType: 'contact',
        customerId: `con_${String(c).padStart(8, '0')}`,
        occurredAt: new Date(AS_OF.getTime() - Math.floor(rnd() * 730 * 86_400_000)),
        amountMinor: 100 + Math.floor(rnd() * 20_000),
        amountCurrency: 'EUR',
        status: rnd() < 0.9 ? 'completed' : 'refunded',
        externalId: null,
        custom: {},
      })
    }
    await storage.createMany({ model, tenantId: TENANT, schema, data: rows })
  }
}

/** Child process: run one path once, print JSON. */
async function measure(engine: Engine, where: string, mode: Mode): Promise<void> {
  const inner = open(engine, where)
  const storage: StorageAdapter =
    mode === 'sql' ? inner : { ...inner, capabilities: { ...inner.capabilities, orderAggregation: false } }
  const crm = createCrm({ storage, tenantId: TENANT })
  const rssBefore = process.memoryUsage().rss
  const started = process.hrtime.bigint()
  const summaries = await crm.orders.customerSummaries({ asOf: AS_OF, timeUnit: 'week', currency: 'EUR' })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const digest = createHash('sha256').update(JSON.stringify(summaries.customers)).digest('hex').slice(0, 16)
  await crm.close()
  process.stdout.write(
    JSON.stringify({
      source: summaries.source,
      ms: Math.round(ms),
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

async function compare(engine: Engine, where: string) {
  const sql = child(engine, where, 'sql')
  const scan = child(engine, where, 'scan')
  if (sql['digest'] !== scan['digest']) throw new Error(`${engine}: SQL and scan summaries differ`)
  return {
    sql,
    scan,
    identicalResults: true,
    speedup: Number(((scan['ms'] as number) / (sql['ms'] as number)).toFixed(1)),
  }
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
    const file = join(dir, 'orders.db')
    const seeding = createSqliteStorage({ file })
    let t = Date.now()
    await seed(seeding)
    await seeding.close()
    console.log(`sqlite: seeded ${ORDERS} orders in ${Date.now() - t} ms`)
    results['sqlite'] = await compare('sqlite', file)
    console.log('sqlite', JSON.stringify(results['sqlite']))
    if (!PG_URL) {
      results['postgres'] = { skipped: 'set RAPPORT_BENCH_PG_URL or RAPPORT_TEST_PG_URL to include Postgres' }
    } else {
      const schema = `bench_orders_${process.pid}`
      const pg = open('postgres', schema)
      try {
        t = Date.now()
        await seed(pg)
        console.log(`postgres: seeded ${ORDERS} orders in ${Date.now() - t} ms`)
        results['postgres'] = await compare('postgres', schema)
        console.log('postgres', JSON.stringify(results['postgres']))
      } catch (error) {
        results['postgres'] = { skipped: `Postgres unreachable or failed: ${String(error)}` }
      } finally {
        await (pg as ReturnType<typeof createPostgresStorage>).kysely.schema
          .dropSchema(schema)
          .ifExists()
          .cascade()
          .execute()
          .catch(() => {})
        await pg.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const out = fileURLToPath(new URL('../../results/order-aggregation.json', import.meta.url))
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${out}`)
}

if (process.argv[2] === 'child') {
  await measure(process.argv[3] as Engine, process.argv[4]!, process.argv[5] as Mode)
} else {
  await main()
}
