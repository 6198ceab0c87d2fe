// Summarises a V8 CPU profile of an import phase (`BENCH_PROFILE=1` writes them to bench/import/.data/profiles/):
//   node src/profile-summary.ts <file.cpuprofile> [rows]
// Prints the top frames by self time and a per-stage breakdown: each sample goes to the innermost stage function on
// its stack (CSV parse, mapping, normalisation, duplicate lookup, validation rules, createMany's JS, search document,
// match keys, SQLite), so the stages add up to the profile's total. With `rows`, also µs per row.
import { readFileSync } from 'node:fs'

interface Frame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}
interface ProfileNode {
  readonly id: number
  readonly callFrame: Frame
  readonly children?: readonly number[]
}
interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const [file, rowsArg] = process.argv.slice(2) as [string, string | undefined]
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const rows = rowsArg ? Number(rowsArg) : 0
const byId = new Map<number, ProfileNode>()
const parent = new Map<number, number>()
for (const node of profile.nodes) {
  byId.set(node.id, node)
  for (const child of node.children ?? []) parent.set(child, node.id)
}

const short = (url: string) =>
  url
    .replace(/^file:\/\/.*?\/(packages|node_modules\/\.pnpm)\//u, '')
    .replace(/\/node_modules\//gu, '/')
    .slice(-60)

// SQLite's native work shows as the self time of storage-sqlite's statement wrappers (better-sqlite3's calls are
// inlined into them): it is reported per enclosing stage, e.g. `sqlite: match keys`.
const isSqlite = (f: Frame) =>
  /^(directRun|directQuery|directGet|directIterate)$/u.test(f.functionName) || /better-sqlite3/u.test(f.url)
// A stage is recognised by its function and file: the innermost match on the stack wins (SQLite's native calls
// inside createMany count as SQLite, the match keys' createMany inside the contacts' createMany as match keys).
const STAGES: readonly [string, (f: Frame) => boolean][] = [
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['match keys', (f) => /insertMatchKeys|syncMatchKeysMany|writeMatchKeys|matchKeysOf/u.test(f.functionName)],
  [
    'search document',
    (f) => /search-document|search-text/u.test(f.url) || /searchDocument/u.test(f.functionName),
  ],
  [
    'normalise (phone, e-mail)',
    (f) =>
      /libphonenumber|data-quality\/(src|dist)\/.*(phone|normalise)/u.test(f.url) ||
      /phoneNormalizer|phoneToE164|normalizeInput/u.test(f.functionName),
  ],
  ['validation rules', (f) => /validateRecords|validateMany|checkRules/u.test(f.functionName)],
  ['duplicate lookup', (f) => f.functionName === 'match' && /io\//u.test(f.url)],
  ['createMany (core JS)', (f) => /^(createRecords|createMany|updateMany)$/u.test(f.functionName)],
  ['csv parse', (f) => /csv-parse|csv-source|encoding/u.test(f.url)],
  ['map (mapRow, build input)', (f) => f.functionName === 'prepare' && /io\//u.test(f.url)],
]

const self = new Map<number, number>()
const stage = new Map<string, number>()
let total = 0
const stageOf = new Map<number, string>()
function stageFor(id: number): string {
  const known = stageOf.get(id)
  if (known) return known
  let name = 'other'
  const leaf = (byId.get(id) as ProfileNode).callFrame
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = (byId.get(cur) as ProfileNode).callFrame
    const hit = STAGES.find(([, test]) => test(frame))
    if (hit) {
      name = hit[0]
      break
    }
  }
  if (isSqlite(leaf))
    name = `sqlite: ${name === 'createMany (core JS)' ? 'records (INSERT, triggers, FTS)' : name}`
  if (name === 'other') {
    const f = (byId.get(id) as ProfileNode).callFrame
    if (f.functionName === '(idle)' || f.functionName === '(program)') name = f.functionName
  }
  stageOf.set(id, name)
  return name
}
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i] as number
  const dt = profile.timeDeltas[i] ?? 0
  total += dt
  self.set(id, (self.get(id) ?? 0) + dt)
  const s = stageFor(id)
  stage.set(s, (stage.get(s) ?? 0) + dt)
}

const frames = new Map<string, number>()
for (const [id, us] of self) {
  const f = (byId.get(id) as ProfileNode).callFrame
  const key = `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`
  frames.set(key, (frames.get(key) ?? 0) + us)
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`
const perRow = (us: number) => (rows > 0 ? `${(us / rows).toFixed(1).padStart(7)} µs/row` : '')
console.log(
  `total ${(total / 1e6).toFixed(2)} s sampled${rows > 0 ? `, ${(total / rows).toFixed(1)} µs/row` : ''}`,
)
console.log('\nstages (innermost stage function on the stack):')
for (const [name, us] of [...stage].sort((a, b) => b[1] - a[1]))
  console.log(`${pct(us)} ${perRow(us)}  ${name}`)
console.log('\ntop frames by self time:')
for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${pct(us)} ${perRow(us)}  ${key}`)
