// Summarises a V8 CPU profile of an import phase (`BENCH_PROFILE=1` writes them to bench/import/.data/profiles/;
// profile with BENCH_SOURCE=1 so frames name their source files):
//   node src/profile-summary.ts <file.cpuprofile> [rows]
// Prints a per-stage breakdown and the top frames by self time; with `rows`, µs per row too. Each sample goes to the
// stage of the file its innermost frame runs in (async continuations lose their callers, so the stack cannot say
// which call a frame serves): SQLite's native work shows as the self time of storage-sqlite's statement wrappers,
// into which better-sqlite3's calls are inlined; BENCH_SQL_TIMING=1 splits it by statement. The profiler samples
// wall time, so on a loaded machine its total exceeds the phase's CPU time: read the shares, not the totals.
import { readFileSync } from 'node:fs'

interface Frame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}
interface ProfileNode {
  readonly id: number
  readonly callFrame: Frame
}
interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const [file, rowsArg] = process.argv.slice(2) as [string, string | undefined]
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const rows = rowsArg ? Number(rowsArg) : 0
const frameOf = new Map<number, Frame>(profile.nodes.map((n) => [n.id, n.callFrame]))

// First match wins.
const STAGES: readonly [string, (f: Frame) => boolean][] = [
  ['sqlite (statements, triggers, FTS5, commit)', (f) => /^direct(Run|Query)$/u.test(f.functionName)],
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['csv parse', (f) => /csv-parse|io\/src\/source/u.test(f.url)],
  [
    'normalise (phones, e-mails)',
    (f) => /libphonenumber|validator|data-quality\/src\/normalise/u.test(f.url),
  ],
  ['match keys (compute, write)', (f) => /data-quality\/src\/(duplicates|plugin)/u.test(f.url)],
  ['validation rules', (f) => /data-quality\/src\/validation/u.test(f.url)],
  ['io (map, plan, lookups, results)', (f) => /io\/src\//u.test(f.url)],
  ['search document', (f) => /core\/src\/search/u.test(f.url)],
  ['core createMany (zod, checks, rows)', (f) => /zod|core\/src\//u.test(f.url)],
  [
    'storage adapter JS (SQL, encoding)',
    (f) =>
      /kysely|storage-sqlite|better-sqlite3/u.test(f.url) || /^(encodeInsert|fromRow)$/u.test(f.functionName),
  ],
  ['runtime (streams, microtasks, module loading)', () => true],
]

const stage = new Map<string, number>()
const frames = new Map<string, number>()
let total = 0
for (let i = 0; i < profile.samples.length; i++) {
  const f = frameOf.get(profile.samples[i] as number) as Frame
  const dt = profile.timeDeltas[i] ?? 0
  if (f.functionName === '(idle)') continue
  total += dt
  const name = (STAGES.find(([, test]) => test(f)) as [string, unknown])[0]
  stage.set(name, (stage.get(name) ?? 0) + dt)
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(packages|node_modules)\//u, '')}:${f.lineNumber + 1}`
  frames.set(key, (frames.get(key) ?? 0) + dt)
}

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`
const perRow = (us: number) => (rows > 0 ? `${(us / rows).toFixed(1).padStart(7)} µs/row` : '')
console.log(`sampled ${(total / 1e6).toFixed(2)} s${rows > 0 ? `, ${(total / rows).toFixed(1)} µs/row` : ''}`)
console.log('\nstages (by the file of the innermost frame):')
for (const [name, us] of [...stage].sort((a, b) => b[1] - a[1]))
  console.log(`${pct(us)} ${perRow(us)}  ${name}`)
console.log('\ntop frames by self time:')
for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${pct(us)} ${perRow(us)}  ${key}`)
