// Receivables aging at scale: crm.plugins.receivables.aging() (core's aggregate() → one GROUP BY in the database,
// with the caller's scope, the effective contracts as an uncorrelated IN and the bucket CASE) vs the same statement typed by hand on
// the raw driver (better-sqlite3, pg) over the same tables. Both must return the same buckets.
//
//   pnpm --filter @rapport/bench-sales-aging bench                     # 1M installments on SQLite (+ Postgres)
//   BENCH_INSTALLMENTS=100000 pnpm --filter @rapport/bench-sales-aging bench
//
// Postgres comes from RAPPORT_BENCH_PG_URL, else RAPPORT_TEST_PG_URL; without either it is skipped (with a reason).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter, StorageRow, StorageSchema } from '@rapport/core/storage'
import { EFFECTIVE_CONTRACT_STATUSES } from '@rapport/sales/contracts'
import type { AgingReport } from '@rapport/sales/receivables'
import { agingBucketStarts, receivablesPlugin } from '@rapport/sales/receivables'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'

const INSTALLMENTS = Number(process.env['BENCH_INSTALLMENTS'] ?? 1_000_000)
const PER_CONTRACT = 4
const PG_URL = process.env['RAPPORT_BENCH_PG_URL'] ?? process.env['RAPPORT_TEST_PG_URL']
const TENANT = 'bench'
const AS_OF = '2026-06-30'
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3)

function schemaOf(storage: StorageAdapter): StorageSchema {
  const probe = definePlugin({ id: 'probe', api: (ctx) => ctx.schema })
  return createCrm({ storage, plugins: [receivablesPlugin(), probe] as const }).plugins.probe
}

/** Deterministic pseudo-random contracts and installments (xorshift), written straight through the storage port. */
async function seed(storage: StorageAdapter): Promise<void> {
  const schema = schemaOf(storage)
  await storage.migrations.apply(schema)
  let x = 2463534242
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  const now = new Date()
  const system = (id: string) => ({
    id,
    tenantId: TENANT,
    createdAt: now,
    updatedAt: now,
    version: 1,
    archivedAt: null,
  })
  const contracts = Math.ceil(INSTALLMENTS / PER_CONTRACT)
  const chunk = 10_000
  for (let start = 0; start < contracts; start += chunk) {
    const rows: StorageRow[] = []
    for (let c = start; c < Math.min(contracts, start + chunk); c++) {
      const r = rnd()
      rows.push({
        ...system(`ctr_${String(c).padStart(10, '0')}`),
        name: `Contract ${c}`,
        number: null,
        companyId: null,
        contactId: null,
        dealId: null,
        quoteId: null,
        currency: 'EUR',
        amountMinor: 400_000,
        startDate: '2024-01-01',
        endDate: '2027-12-31',
        renewalNoticeDays: 30,
        status: r < 0.05 ? 'draft' : r < 0.1 ? 'void' : 'active',
        searchTerms: '',
        searchKeys: '',
      })
    }
    await storage.createMany({ model: schema.models['contract']!, tenantId: TENANT, schema, data: rows })
  }
  const base = Date.UTC(2024, 0, 1) / 86_400_000
  for (let start = 0; start < INSTALLMENTS; start += chunk) {
    const rows: StorageRow[] = []
    for (let i = start; i < Math.min(INSTALLMENTS, start + chunk); i++) {
      const paid = rnd() < 0.3 ? 100_000 : rnd() < 0.2 ? Math.floor(rnd() * 100_000) : 0
      rows.push({
        ...system(`ins_${String(i).padStart(10, '0')}`),
        contractId: `ctr_${String(Math.floor(i / PER_CONTRACT)).padStart(10, '0')}`,
        seq: (i % PER_CONTRACT) + 1,
        dueDate: new Date((base + Math.floor(rnd() * 1000)) * 86_400_000).toISOString().slice(0, 10),
        currency: 'EUR',
        amountMinor: 100_000,
        paidMinor: paid,
        outstandingMinor: 100_000 - paid,
      })
    }
    await storage.createMany({ model: schema.models['installment']!, tenantId: TENANT, schema, data: rows })
  }
}

/** The statement the adapter runs, typed by hand (no filter compiler, no access layer). */
function rawSql(installments: string, contracts: string, placeholder: (n: number) => string): string {
  const cases = [0, 1, 2, 3].map((i) => `when i.due_date >= ${placeholder(i + 1)} then ${i}`).join(' ')
  const statuses = EFFECTIVE_CONTRACT_STATUSES.map((s) => `'${s}'`).join(', ')
  return `select case ${cases} else 4 end as bucket, count(*) as n, coalesce(sum(i.outstanding_minor), 0) as s
from ${installments} i
where i.tenant_id = ${placeholder(5)} and i.archived_at is null and i.currency = 'EUR' and i.outstanding_minor > 0
  and i.contract_id in (select c.id from ${contracts} c where c.tenant_id = ${placeholder(5)}
    and c.status in (${statuses}))
group by 1 order by 1`
}

const toLines = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => [Number(r['bucket']), Number(r['n']), Number(r['s'])])
const fromReport = (report: AgingReport) =>
  report.lines.flatMap((l, i) => (l.installments > 0 ? [[i, l.installments, l.outstandingMinor]] : []))

/** One timed call: wall time, this process's CPU time (SQLite runs in process; Postgres' work is in the server). */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; result: unknown }> {
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const result = await fn()
  const used = process.cpuUsage(cpu)
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    cpuMs: (used.user + used.system) / 1000,
    result,
  }
}

const median = (values: readonly number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0

/**
 * `RUNS` rounds alternating which side goes first; medians of wall and CPU time. SQLite's CPU time is what the query
 * costs on an idle core, whatever the load of the shared machine stretched the wall time to.
 */
async function compare(
  storage: StorageAdapter,
  raw: () => Promise<Record<string, unknown>[]>,
  targetMs?: number,
) {
  const crm = createCrm({ storage, tenantId: TENANT, plugins: [receivablesPlugin()] as const })
  const sdkRun = () => timed(() => crm.plugins.receivables.aging({ asOf: AS_OF, currency: 'EUR' }))
  const rawRun = () => timed(raw)
  const sdk: { ms: number; cpuMs: number; result: unknown }[] = []
  const baseline: { ms: number; cpuMs: number; result: unknown }[] = []
  for (let round = 0; round < RUNS; round++) {
    if (round % 2 === 0) {
      sdk.push(await sdkRun())
      baseline.push(await rawRun())
    } else {
      baseline.push(await rawRun())
      sdk.push(await sdkRun())
    }
  }
  const a = fromReport(sdk[0]?.result as AgingReport)
  const b = toLines(baseline[0]?.result as Record<string, unknown>[])
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`results differ: ${JSON.stringify({ a, b })}`)
  const sdkMs = median(sdk.map((r) => r.ms))
  const rawMs = median(baseline.map((r) => r.ms))
  const sdkCpuMs = median(sdk.map((r) => r.cpuMs))
  const rawCpuMs = median(baseline.map((r) => r.cpuMs))
  return {
    sdkMs: Math.round(sdkMs),
    rawMs: Math.round(rawMs),
    sdkCpuMs: Math.round(sdkCpuMs),
    rawCpuMs: Math.round(rawCpuMs),
    ratio: Number((sdkMs / Math.max(1, rawMs)).toFixed(2)),
    cpuRatio: Number((sdkCpuMs / Math.max(1, rawCpuMs)).toFixed(2)),
    ...(targetMs === undefined
      ? {}
      : { meetsTarget: sdkMs <= targetMs, meetsTargetOnCpu: sdkCpuMs <= targetMs }),
    identicalResults: true,
    buckets: a,
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    installments: INSTALLMENTS,
    targetMs: { sqlite: 2000 },
    loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
    asOf: AS_OF,
    runs: `median of ${RUNS}, alternating`,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  }
  const starts = agingBucketStarts(AS_OF)
  const dir = mkdtempSync(join(tmpdir(), 'rapport-aging-'))
  try {
    const file = join(dir, 'aging.db')
    const seeding = createSqliteStorage({ file })
    let t = Date.now()
    await seed(seeding)
    await seeding.close()
    console.log(`sqlite: seeded ${INSTALLMENTS} installments in ${Date.now() - t} ms`)
    const storage = createSqliteStorage({ file })
    const db = new Database(file, { readonly: true })
    const statement = db.prepare(rawSql('installment', 'contract', () => '?'))
    results['sqlite'] = await compare(
      storage,
      async () => statement.all(...starts, TENANT, TENANT) as Record<string, unknown>[],
      2000,
    )
    db.close()
    await storage.close()
    console.log('sqlite', JSON.stringify(results['sqlite']))
    if (!PG_URL) {
      results['postgres'] = { skipped: 'set RAPPORT_BENCH_PG_URL or RAPPORT_TEST_PG_URL to include Postgres' }
    } else {
      const schema = `bench_aging_${process.pid}`
      const storage = createPostgresStorage({ connectionString: PG_URL }, { schema })
      const client = new pg.Client({ connectionString: PG_URL })
      try {
        t = Date.now()
        await seed(storage)
        console.log(`postgres: seeded ${INSTALLMENTS} installments in ${Date.now() - t} ms`)
        await client.connect()
        await client.query(`analyze "${schema}".installment; analyze "${schema}".contract`)
        const text = rawSql(`"${schema}".installment`, `"${schema}".contract`, (n) => `$${n}`)
        results['postgres'] = await compare(
          storage,
          async () => (await client.query(text, [...starts, TENANT])).rows,
        )
        console.log('postgres', JSON.stringify(results['postgres']))
      } catch (error) {
        results['postgres'] = { skipped: `Postgres unreachable or failed: ${String(error)}` }
      } finally {
        await client.query(`drop schema if exists "${schema}" cascade`).catch(() => {})
        await client.end().catch(() => {})
        await storage.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const out = fileURLToPath(new URL('../../results/sales-aging.json', import.meta.url))
  mkdirSync(join(out, '..'), { recursive: true })
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${out}`)
}

await main()
