// One command (`pnpm --filter @rapport/bench-import bench`): generates a seeded contacts CSV (1M rows, ~140 MB, kept
// in bench/import/.data/, never committed) and imports it with @rapport/io into SQLite and Postgres with data-quality's
// match keys maintained, against the raw driver inserting the same rows (parsed by csv-parse, no validation, one
// transaction per 1,000 rows, an index on e-mail) and, on SQLite, against the limit (`limit`: the raw driver writing
// the same contact and match-key rows into the very tables `crm.migrate()` creates, FTS5 and search-key triggers and
// indexes included, nothing validated) in the same run. Each phase runs in its own process, so its peak RSS
// is its own, and runs the packages' dist (run `pnpm build` first). Then the same file is imported a second time into
// the database the first import left (`rerun`: every row must come back unchanged, nothing written). Results go to
// bench/results/import.json, one entry per row count (a quick run does not overwrite the 1M run).
//   BENCH_ROWS=50000 for a quick run (default 1,000,000); BENCH_PG_ROWS (default: BENCH_ROWS); BENCH_ENGINES=sqlite;
//   BENCH_SOURCE=1 runs the workspace sources instead of dist (no build needed; slower start, more memory).
//   BENCH_PROFILE=1 writes a CPU profile per phase to .data/profiles (summarise: node src/profile-summary.ts <file> <rows>);
//   BENCH_SQL_TIMING=1 prints SQLite's CPU per kind of statement per phase (src/sql-timing.ts) to stderr.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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
  readonly cpuSeconds: number
  readonly rowsPerCpuSecond: number
  readonly peakRssMb: number
  readonly counts?: Record<string, number>
  readonly matchKeys?: number
  /** Postgres: the server backends' CPU seconds, and rows per CPU second of client and server together. */
  readonly serverCpuSeconds?: number
  readonly rowsPerTotalCpuSecond?: number
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
      ...(process.env['BENCH_SQL_TIMING'] ? ['--import', here('./sql-timing.ts')] : []),
      ...(process.env['BENCH_SOURCE']
        ? ['--conditions=@rapport/source', '--import', here('../../../scripts/source-hooks.ts')]
        : []),
      here('./phase.ts'),
      engine,
      side,
      file,
      target,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
      env: { ...process.env, BENCH_ROWS_FOR_TIMING: String(ROWS) },
    },
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
  const engineLoad = load()
  const sides: Record<string, Phase> = {}
  const sqliteFiles = (db: string) => [db, `${db}-wal`, `${db}-shm`]
  for (const side of engine === 'sqlite'
    ? ['raw', 'limit', 'rapport', 'rerun']
    : ['raw', 'rapport', 'rerun']) {
    console.error(`${engine} ${side}: ${rows} rows (load ${load().join(' ')})`)
    // `rerun` reads the database `rapport` left; each is dropped after its last phase.
    const name = side === 'rerun' ? 'rapport' : side
    if (engine === 'sqlite') {
      const db = `${data}${name}-${rows}.db`
      if (side !== 'rerun') for (const f of sqliteFiles(db)) rmSync(f, { force: true })
      sides[side] = phase(engine, side, file, db)
      if (side !== 'rapport') for (const f of sqliteFiles(db)) rmSync(f, { force: true })
    } else {
      const schema = `bench_import_${name}_${rows}`
      if (side !== 'rerun') await dropSchema(schema)
      sides[side] = phase(engine, side, file, schema)
      if (side !== 'rapport') await dropSchema(schema)
    }
    console.error(JSON.stringify(sides[side]))
  }
  const rapport = sides['rapport'] as Phase
  const raw = sides['raw'] as Phase
  const limit = sides['limit']
  const rerun = sides['rerun'] as Phase & { counts?: Record<string, number> }
  results[engine] = {
    rows,
    loadAverage: { start: engineLoad, end: load() },
    fileMb: Math.round(statSync(file).size / 1e5) / 10,
    raw,
    rapport,
    rerun,
    // How many times slower the full import is than the raw driver inserting the same rows: by the wall clock, and
    // by CPU time (less disturbed by the other processes of a shared machine).
    slowdown: Math.round((raw.rowsPerSecond / rapport.rowsPerSecond) * 100) / 100,
    cpuSlowdown: Math.round((raw.rowsPerCpuSecond / rapport.rowsPerCpuSecond) * 100) / 100,
    ...(raw.rowsPerTotalCpuSecond && rapport.rowsPerTotalCpuSecond
      ? {
          totalCpuSlowdown:
            Math.round((raw.rowsPerTotalCpuSecond / rapport.rowsPerTotalCpuSecond) * 100) / 100,
        }
      : {}),
    // The same against the limit (SQLite): the raw driver writing the same rows into the migrated tables, triggers
    // and indexes included.
    ...(limit
      ? {
          limit,
          limitSlowdown: Math.round((limit.rowsPerSecond / rapport.rowsPerSecond) * 100) / 100,
          limitCpuSlowdown: Math.round((limit.rowsPerCpuSecond / rapport.rowsPerCpuSecond) * 100) / 100,
        }
      : {}),
    rerunChangedNothing: (rerun.counts?.['created'] ?? 0) + (rerun.counts?.['updated'] ?? 0) === 0,
    targets: { rowsPerSecond: 20_000, peakRssMb: 300 },
    meetsTargets: rapport.rowsPerSecond >= 20_000 && Math.max(rapport.peakRssMb, rerun.peakRssMb) <= 300,
  }
}

const report = {
  benchmark: 'import',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverage: { start: startLoad, end: load() },
  heapCapMb: HEAP_MB,
  source: Boolean(process.env['BENCH_SOURCE']),
  note: 'Shared machine (2 cores, several agents working): compare the ratio against the raw driver, not absolutes.',
  ...results,
}
// One file, one entry per row count: bench/results/import.json; a run of one engine keeps the other's entry.
const out = here('../../results/import.json')
const previous = existsSync(out)
  ? (JSON.parse(readFileSync(out, 'utf8')) as { runs?: Record<string, object> })
  : {}
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'import', runs: { ...previous.runs, [String(ROWS)]: { ...previous.runs?.[String(ROWS)], ...report } } }, null, 2)}\n`,
)
console.log(JSON.stringify(report, null, 2))
