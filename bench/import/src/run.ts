// One command (`pnpm --filter @rapport/bench-import bench`): generates a seeded contacts CSV (1M rows, ~140 MB, kept
// in bench/import/.data/, never committed) and imports it with @rapport/io into SQLite and Postgres with data-quality's
// match keys maintained, against the raw driver inserting the same rows (parsed by csv-parse, no validation, one
// transaction per 1,000 rows, an index on e-mail) in the same run. Each phase runs in its own process, so its peak RSS
// is its own, and runs the packages' dist (run `pnpm build` first). Writes bench/results/import.json.
//   BENCH_ROWS=50000 for a quick run (default 1,000,000); BENCH_PG_ROWS (default: BENCH_ROWS); BENCH_ENGINES=sqlite.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { generateContacts } from './generate.ts'

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000)
const PG_ROWS = Number(process.env['BENCH_PG_ROWS'] ?? ROWS)
// Both sides run with the same V8 heap cap: V8 grows its heap lazily towards GBs on a large machine, so an uncapped
// peak RSS says more about GC heuristics than about what an import keeps alive; finishing under the cap shows the
// import streams in bounded memory. BENCH_HEAP_MB=0 runs uncapped.
const HEAP_MB = Number(process.env['BENCH_HEAP_MB'] ?? 160)
const engines = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',')
const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const data = here('../.data/')
const load = () => loadavg().map((l) => Math.round(l * 100) / 100)

interface Phase {
  readonly rows: number
  readonly seconds: number
  readonly rowsPerSecond: number
  readonly peakRssMb: number
  readonly counts?: Record<string, number>
  readonly matchKeys?: number
}

async function csvOf(rows: number): Promise<string> {
  mkdirSync(data, { recursive: true })
  const file = `${data}contacts-${rows}.csv`
  if (!existsSync(file)) {
    console.error(`generating ${file}`)
    await generateContacts(file, rows)
  }
  return file
}

function phase(engine: string, side: string, file: string, target: string): Phase {
  const stdout = execFileSync(
    process.execPath,
    // From the packages' dist (`pnpm build`), as an application would run it: TypeScript stripped from workspace
    // sources would add ~250 MB of compiler memory to every phase's peak RSS.
    [
      ...(HEAP_MB > 0 ? [`--max-old-space-size=${HEAP_MB}`] : []),
      ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${data}profiles`] : []),
      here('./phase.ts'),
      engine,
      side,
      file,
      target,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  )
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Phase
}

async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await client.end()
  }
}

const results: Record<string, unknown> = {}
const startLoad = load()
for (const engine of engines) {
  const rows = engine === 'postgres' ? PG_ROWS : ROWS
  const file = await csvOf(rows)
  const sides: Record<string, Phase> = {}
  for (const side of ['raw', 'rapport']) {
    console.error(`${engine} ${side}: ${rows} rows (load ${load().join(' ')})`)
    if (engine === 'sqlite') {
      const db = `${data}${side}-${rows}.db`
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })
      sides[side] = phase(engine, side, file, db)
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })
    } else {
      const schema = `bench_import_${side}_${rows}`
      await dropSchema(schema)
      sides[side] = phase(engine, side, file, schema)
      await dropSchema(schema)
    }
    console.error(JSON.stringify(sides[side]))
  }
  const rapport = sides['rapport'] as Phase
  const raw = sides['raw'] as Phase
  results[engine] = {
    rows,
    fileMb: Math.round(statSync(file).size / 1e5) / 10,
    raw,
    rapport,
    // How many times slower the full import is than the raw driver inserting the same rows.
    slowdown: Math.round((raw.rowsPerSecond / rapport.rowsPerSecond) * 100) / 100,
    targets: { rowsPerSecond: 20_000, peakRssMb: 300 },
    meetsTargets: rapport.rowsPerSecond >= 20_000 && rapport.peakRssMb <= 300,
  }
}

const report = {
  benchmark: 'import',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverage: { start: startLoad, end: load() },
  heapCapMb: HEAP_MB,
  note: 'Shared machine (2 cores, several agents working): compare the ratio against the raw driver, not absolutes.',
  ...results,
}
const out = here(`../../results/import${ROWS === 1_000_000 ? '' : `-${ROWS}`}.json`)
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
console.log(JSON.stringify(report, null, 2))
