// One command (`pnpm --filter @rapport/bench-flow bench`): the realistic flow of issue 16 (bulk create, bulk update,
// a rule and a campaign sweeping a segment) on a SQLite file and on Postgres, in one process and one run, rounds
// alternating which engine goes first, each round on a fresh database. Reports per phase the Postgres/SQLite ratio of
// wall time and of CPU time (this process plus, on Postgres, the server backends), and the statements each engine
// sent (round trips on Postgres). Writes bench/results/flow.json. BENCH_ROUNDS (default 3).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import pg from 'pg'
import { loadCdnowOrders } from '../../../examples/marketing-loop/src/cdnow-orders.ts'
import type { PhaseCost } from './counters.ts'
import { countPostgresStatements, countSqliteStatements } from './counters.ts'
import type { FlowResult } from './flow.ts'
import { runFlow } from './flow.ts'

const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
const TARGET = 1.5
const load = () => loadavg().map((l) => Math.round(l * 100) / 100)
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const round3 = (x: number) => Math.round(x * 1000) / 1000

// The whole CDNOW sample: the analytics example's copy, read with the marketing-loop example's loader.
// BENCH_CUSTOMERS keeps the first N customers' orders, to iterate on a smaller flow.
const customers = Number(process.env['BENCH_CUSTOMERS'] ?? Number.POSITIVE_INFINITY)
const fixture = loadCdnowOrders(
  fileURLToPath(new URL('../../../examples/analytics/data/cdnow-sample.txt', import.meta.url)),
).filter((o) => o.customer <= customers)
const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-flow-'))
const sqliteCounter = countSqliteStatements()
const postgresCounter = countPostgresStatements()

async function onSqlite(round: number): Promise<FlowResult> {
  const file = join(dir, `flow-${round}.db`)
  return runFlow(createSqliteStorage({ file }), sqliteCounter, fixture)
}

async function onPostgres(round: number): Promise<FlowResult> {
  const schema = `bench_flow_${process.pid}_${round}`
  try {
    return await runFlow(
      createPostgresStorage({ connectionString: PG_URL }, { schema }),
      postgresCounter,
      fixture,
    )
  } finally {
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    await client.query(`drop schema if exists "${schema}" cascade`)
    await client.end()
  }
}

const loadAtStart = load()
const runs: { sqlite: FlowResult[]; postgres: FlowResult[] } = { sqlite: [], postgres: [] }
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const)
    for (const engine of order) {
      const result = engine === 'sqlite' ? await onSqlite(r) : await onPostgres(r)
      runs[engine].push(result)
      const line = Object.entries(result.phases)
        .map(([p, c]) => `${p} ${Math.round(c.wallMs)} ms/${c.statements} st`)
        .join(', ')
      console.log(`round ${r + 1} ${engine}: ${line}`)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

// Both engines must have done the same thing, or the ratio compares different work.
const outcome = JSON.stringify(runs.sqlite[0]!.outcome)
for (const run of [...runs.sqlite, ...runs.postgres]) {
  if (JSON.stringify(run.outcome) !== outcome) {
    throw new Error(`The engines disagree: ${outcome} vs ${JSON.stringify(run.outcome)}`)
  }
}

const medianCost = (rs: readonly FlowResult[], phase: string) => {
  const of = (f: (c: PhaseCost) => number) => median(rs.map((r) => f(r.phases[phase]!)))
  return {
    wallMs: of((c) => c.wallMs),
    cpuMs: of((c) => c.cpuMs),
    serverCpuMs: of((c) => c.serverCpuMs),
    statements: of((c) => c.statements),
  }
}
const phases = Object.keys(runs.sqlite[0]!.phases).map((phase) => {
  const sqlite = medianCost(runs.sqlite, phase)
  const postgres = medianCost(runs.postgres, phase)
  const pairRatios = runs.postgres.map(
    (p, i) => p.phases[phase]!.wallMs / runs.sqlite[i]!.phases[phase]!.wallMs,
  )
  const ratio = round3(median(pairRatios))
  const cpuRatio = round3(
    median(
      runs.postgres.map(
        (p, i) =>
          (p.phases[phase]!.cpuMs + p.phases[phase]!.serverCpuMs) / runs.sqlite[i]!.phases[phase]!.cpuMs,
      ),
    ),
  )
  console.log(
    `${phase}: postgres ${Math.round(postgres.wallMs)} ms vs sqlite ${Math.round(sqlite.wallMs)} ms → ${ratio}× wall, ${cpuRatio}× cpu (target ≤ ${TARGET}×); statements ${postgres.statements} vs ${sqlite.statements}`,
  )
  return {
    phase,
    sqlite,
    postgres,
    ratio,
    cpuRatio,
    pairRatios: pairRatios.map(round3),
    met: ratio <= TARGET,
  }
})

const out = {
  benchmark: 'flow',
  what: 'the CDNOW sample (2,357 contacts, 6,919 orders with line items) stored, every contact updated, a rule and a campaign sweeping the At Risk segment, email events ingested: Postgres against a SQLite file, same machine, same run',
  ratioMeaning:
    'median over rounds of postgres ÷ sqlite wall time per phase (lower is better, target ≤ 1.5); cpuRatio: this process plus the Postgres backends’ CPU time ÷ this process’s CPU time on SQLite; statements: what each driver was sent (every one a round trip on Postgres, BEGIN/COMMIT included)',
  rounds: ROUNDS,
  outcome: runs.sqlite[0]!.outcome,
  phases,
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    postgres: (await pgVersion()) ?? 'unknown',
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: load(),
  },
  at: new Date().toISOString(),
}
const file = fileURLToPath(new URL('../../results/flow.json', import.meta.url))
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(`→ ${file}`)

async function pgVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return ((await client.query('show server_version')).rows[0] as { server_version: string }).server_version
  } finally {
    await client.end()
  }
}
