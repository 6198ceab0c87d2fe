/**
 * `pnpm --filter @rapport/bench-automation bench:durable`: the automation durable path end to end (a deal create with
 * its outbox row in one transaction, then the step job and its effect, a task) against the same deal creates on a
 * CRM without automation, on a SQLite file (WAL) and on Postgres, in the same run with alternating rounds. Reports
 * the ratio on wall and CPU time (target ≥ 0.5×), heap bytes per event and the top frames of a CPU profile.
 * BENCH_EVENTS (default 300) per round. Writes bench/results/automation-durable.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import pg from 'pg'
import type { DurablePathResult } from './durable-path.js'
import { durablePath } from './durable-path.js'

const load = () => loadavg().map((l) => Math.round(l * 10) / 10)
const loadAtStart = load()
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')
// Durable path end to end, against the same deal creates without automation (same storage kind, same run).
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 300)
const durable: Record<string, unknown> = {}
if (engines.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-automation-'))
  try {
    durable['sqlite'] = await durablePath(
      (name) => createSqliteStorage({ file: join(dir, `${name}.db`) }),
      EVENTS,
    )
    report('SQLite file (WAL)', durable['sqlite'] as DurablePathResult)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const pgUrl = process.env['RAPPORT_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
if (engines.includes('postgres'))
  try {
    const client = new pg.Client({ connectionString: pgUrl })
    await client.connect()
    await client.query('drop schema if exists bench_automation_plain cascade')
    await client.query('drop schema if exists bench_automation_automated cascade')
    await client.end()
    durable['postgres'] = await durablePath(
      (name) => createPostgresStorage({ connectionString: pgUrl }, { schema: `bench_automation_${name}` }),
      EVENTS,
    )
    report('Postgres', durable['postgres'] as DurablePathResult)
  } catch (error) {
    durable['postgres'] = {
      skipped: `Postgres unavailable at ${pgUrl.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`,
    }
    console.log('durable path, Postgres skipped:', (error as Error).message)
  }

function report(engine: string, r: DurablePathResult) {
  console.log(
    `durable path, ${engine}: ${r.automated.perSec} events/s end to end vs ${r.baseline.perSec} plain creates/s → ${r.ratio}× (cpu ${r.cpuRatio}×, target 0.5×) ${r.met ? 'met' : 'NOT met'}; ${r.allocations.automated.bytesPerCall} B/event vs ${r.allocations.baseline.bytesPerCall}`,
  )
  for (const f of r.profile.automated.slice(0, 8)) console.log(`    ${f.percent}% ${f.frame}`)
  const line = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
  console.log(`  statements per event, plain create: ${line(r.statements.baseline)}`)
  console.log(`  automated write: ${line(r.statements.write)}`)
  console.log(`  steps: ${line(r.statements.steps)}`)
}

writeFileSync(
  new URL('../../results/automation-durable.json', import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, machine: { cpus: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: load() }, ...durable }, null, 2)}\n`,
)
console.log('wrote bench/results/automation-durable.json')
