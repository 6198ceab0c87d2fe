// bench/dedupe: find every duplicate among N contacts on SQLite (issue 12: 1M contacts in ≤ 60 s), with
// data-quality's streaming job (crm.plugins['data-quality'].findAllDuplicates), against the reference: one raw
// better-sqlite3 GROUP BY over the very match-key index the job streams (the blocks, no scoring). The dataset is built
// once through the services (match keys maintained by the plugin's hooks) and cached under .data/; a build starts from
// the largest cached smaller set (the generator's first k contacts are the set of k) and resumes an interrupted build.
// Run: pnpm --filter @rapport/bench-dedupe bench   (BENCH_N=1000000 for the size)
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { dataQualityPlugin } from '@rapport/data-quality'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { contacts } from './dataset.js'

const N = Number(process.env['BENCH_N'] ?? 100_000)
const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, '..', '.data')
// -v2: the generator with a phone unique to each person and 10 % re-entries; an older cached set is never reused.
const VERSION = 'v2'
const fileOf = (n: number) => join(dataDir, `contacts-${n}-${VERSION}.db`)
const file = fileOf(N)

function open(path: string) {
  const crm = createCrm({
    storage: createSqliteStorage({ file: path }),
    plugins: [dataQualityPlugin({ defaultRegion: 'US' })] as const,
  })
  return crm
}

/** The largest cached set smaller than N, to build on (0: none). */
function cachedBelow(): number {
  const sizes = readdirSync(dataDir)
    .map((name) => new RegExp(`^contacts-(\\d+)-${VERSION}\\.db$`).exec(name)?.[1])
    .map(Number)
    .filter((n) => n > 0 && n < N)
  return Math.max(0, ...sizes)
}

async function build(): Promise<number> {
  mkdirSync(dataDir, { recursive: true })
  const tmp = `${file}.building`
  // An interrupted build resumes (each batch is one createMany: all of it is written or none); otherwise it starts
  // from a copy of the largest cached smaller set.
  const base = existsSync(tmp) ? 0 : cachedBelow()
  if (base > 0) copyFileSync(fileOf(base), tmp)
  const crm = open(tmp)
  await crm.migrate()
  const dq = crm.plugins['data-quality']
  const started = performance.now()
  let done = await crm.contacts.count()
  if (done > 0) process.stderr.write(`  starting from ${done} contacts already built\n`)
  let batch: Parameters<typeof crm.contacts.createMany>[0][number][] = []
  const flush = async () => {
    await dq.skipDuplicateCheck(() => crm.contacts.createMany(batch))
    done += batch.length
    batch = []
    if (done % 50_000 === 0) process.stderr.write(`  built ${done}/${N}\n`)
  }
  let i = 0
  const skip = done
  for (const input of contacts(N)) {
    if (i++ < skip) continue
    batch.push(input)
    if (batch.length === 1000) await flush()
  }
  if (batch.length > 0) await flush()
  await crm.close()
  renameSync(tmp, file)
  return (performance.now() - started) / 1000
}

const buildSeconds = existsSync(file) ? null : await build()
if (buildSeconds !== null) console.log(`built ${N} contacts in ${buildSeconds.toFixed(1)} s`)
// BENCH_BUILD_ONLY=1: build (or find) the cached set and stop, e.g. to build the 1M set while the job is changed.
if (process.env['BENCH_BUILD_ONLY'] === '1') process.exit(0)

// Start from no duplicate sets, so every run does the same work.
const raw = new Database(file)
raw.prepare(`delete from "dqDuplicateSet"`).run()
const keyCount = (raw.prepare(`select count(*) as n from "dqMatchKey"`).get() as { n: number }).n

// This process's CPU time (user + system) beside wall time: on a loaded, shared machine the wall time is mostly
// waiting for a core, and SQLite runs in-process, so the CPU time is the whole cost of either side.
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from)
  return (used.user + used.system) / 1e6
}
const loadBefore = loadavg()
const crm = open(file)
const dq = crm.plugins['data-quality']
let t = performance.now()
let cpu = process.cpuUsage()
// BENCH_HEAP_SAMPLE=1 (with `node --expose-gc`): what the job holds while it runs, the heap after a full collection
// every 100,000 keys (progress costs a count of the keys and the collections take time: not a timing run).
const collect = (globalThis as { gc?: () => void }).gc
let heldHeapMb: number | null = null
const sample =
  process.env['BENCH_HEAP_SAMPLE'] === '1' && collect
    ? (progress: { done: number }) => {
        if (progress.done % 100_000 !== 0) return
        collect()
        heldHeapMb = Math.max(heldHeapMb ?? 0, Math.round(process.memoryUsage().heapUsed / 1e6))
      }
    : undefined
const [job] = await dq.findAllDuplicates('contact', sample ? { onProgress: sample } : {})
const jobSeconds = (performance.now() - t) / 1000
const jobCpuSeconds = cpuSeconds(cpu)
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
// The heap once the job has returned and its garbage is collected (only with `node --expose-gc`): the process's own
// floor, beside the peak.
let heapAfterJobMb: number | null = null
if (collect) {
  collect()
  heapAfterJobMb = Math.round(process.memoryUsage().heapUsed / 1e6)
}
await crm.close()

// Reference: the blocks straight from SQLite (same index, same block-size guard), pairs counted, nothing scored.
t = performance.now()
cpu = process.cpuUsage()
const rows = raw
  .prepare(
    `select count(*) as n from "dqMatchKey" where tenant_id = 'default' and entity = 'contact'
     group by key, value having count(*) between 2 and 21`,
  )
  .all() as { n: number }[]
const referencePairs = rows.reduce((sum, r) => sum + (r.n * (r.n - 1)) / 2, 0)
const referenceSeconds = (performance.now() - t) / 1000
const referenceCpuSeconds = cpuSeconds(cpu)
raw.close()

const result = {
  benchmark: 'dedupe',
  contacts: N,
  matchKeys: keyCount,
  job,
  jobSeconds: Number(jobSeconds.toFixed(2)),
  jobCpuSeconds: Number(jobCpuSeconds.toFixed(2)),
  peakRssMb,
  heapAfterJobMb,
  heldHeapMb,
  target: { contacts: 1_000_000, seconds: 60 },
  meetsTarget: N >= 1_000_000 ? jobSeconds <= 60 : null,
  reference: {
    what: 'raw better-sqlite3 GROUP BY (key, value) over dqMatchKey with the block-size guard: candidate blocks only, no scoring',
    seconds: Number(referenceSeconds.toFixed(2)),
    cpuSeconds: Number(referenceCpuSeconds.toFixed(2)),
    candidatePairsWithRepeats: referencePairs,
  },
  ratio: Number((jobSeconds / referenceSeconds).toFixed(1)),
  cpuRatio: Number((jobCpuSeconds / referenceCpuSeconds).toFixed(1)),
  buildSeconds: buildSeconds === null ? null : Number(buildSeconds.toFixed(1)),
  machine: {
    node: process.version,
    cpus: cpus().length,
    loadavgBefore: loadBefore,
    loadavg: loadavg(),
  },
}
console.log(JSON.stringify(result, null, 2))
const out = join(here, '..', '..', 'results', `dedupe-${N}.json`)
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
