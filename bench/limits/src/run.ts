// One command (`pnpm --filter @rapport/bench-limits bench`): the physical limit. crm.contacts get, list, createMany
// and create against the raw driver on the very table crm.migrate() creates (same indexes and FTS triggers, no
// validation, a hand-written row mapper), SQLite and Postgres in one process and one run, alternated rounds and
// medians, with allocations per call and the top frames of a CPU profile per path. Writes bench/results/limits.json.
// BENCH_FULL=1 for the recorded sizes; BENCH_ENGINES=sqlite (or postgres) to run one engine while iterating,
// BENCH_PATHS=createMany,create to run some paths: the JSON keeps the other engines' and paths' last entries.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { round } from './harness.ts'
import { postgresPaths } from './postgres-paths.ts'
import { sizes } from './sizes.ts'
import { sqlitePaths } from './sqlite-paths.ts'

const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')
const load = () => loadavg().map((l) => round(l, 2))
const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-limits-'))
const loadAtStart = load()
const out: Record<string, unknown> = {
  benchmark: 'limits',
  what: 'crm.contacts paths vs the raw driver on the very table crm.migrate() creates, no validation, a hand-written mapper',
  ratioMeaning:
    'median over alternated rounds of rapport ÷ raw throughput (wall time), each pair back to back; cpuRatio is the same on this process’s CPU time',
  sizes,
}
try {
  if (engines.includes('sqlite')) {
    console.log('sqlite (file, WAL)…')
    out['sqlite'] = await sqlitePaths(dir, sizes)
  }
  if (engines.includes('postgres')) {
    console.log(`postgres (${PG_URL.replace(/\/\/[^@]*@/, '//')})…`)
    out['postgres'] = await postgresPaths(PG_URL, sizes)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
out['machine'] = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  node: process.version,
  loadAverageAtStart: loadAtStart,
  loadAverageAtEnd: load(),
}
out['at'] = new Date().toISOString()
const file = fileURLToPath(new URL('../../results/limits.json', import.meta.url))
writeFileSync(file, `${JSON.stringify(merged(out), null, 2)}\n`)
console.log(`→ ${file}`)

/**
 * This run's results over the file's: an engine or path this run skipped keeps its last entry, listed under
 * `keptFromEarlierRuns` (engine → path → the time and machine of the run that measured it), and notes written beside
 * the results stay.
 */
function merged(run: Record<string, unknown>): Record<string, unknown> {
  if (!existsSync(file)) return run
  const previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  const earlier = (previous['keptFromEarlierRuns'] ?? {}) as Record<string, Record<string, unknown>>
  const out: Record<string, unknown> = { ...previous, ...run }
  const kept: Record<string, Record<string, unknown>> = {}
  for (const engine of ['sqlite', 'postgres']) {
    const before = (previous[engine] ?? []) as { path: string }[]
    const now = (run[engine] ?? []) as { path: string }[]
    const fresh = new Map(now.map((c) => [c.path, c]))
    for (const c of before) {
      if (fresh.has(c.path)) continue
      kept[engine] ??= {}
      kept[engine][c.path] = earlier[engine]?.[c.path] ?? {
        at: previous['at'],
        machine: previous['machine'],
      }
    }
    const known = new Set(before.map((c) => c.path))
    out[engine] = [...before.map((c) => fresh.get(c.path) ?? c), ...now.filter((c) => !known.has(c.path))]
  }
  out['keptFromEarlierRuns'] = kept
  return out
}
