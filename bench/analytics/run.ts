/**
 * Benchmark: fits every @rapport/analytics/clv model on the CDNOW data sets (and BG/NBD on 1M simulated customers)
 * and, in the same run, the independent SciPy implementation in reference.py. Writes bench/results/analytics.json.
 *
 * Run: pnpm --filter @rapport/bench-analytics bench   (builds @rapport/analytics first; needs python3 + numpy + scipy)
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as clv from '../../packages/analytics/dist/clv/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const fixtures = join(root, 'packages', 'analytics', 'test', 'fixtures', 'cdnow')
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 5)
const SYNTHETIC_CUSTOMERS = Number(process.env['BENCH_SYNTHETIC'] ?? 1_000_000)
const SYNTHETIC_REPEATS = 2

// ------------------------------------------------------------------ python + scipy
function findPython(): string {
  const candidates = [process.env['RAPPORT_PYTHON'], '/usr/bin/python3', 'python3'].filter(
    Boolean,
  ) as string[]
  for (const py of candidates) {
    const probe = spawnSync(py, ['-c', 'import numpy, scipy'], { encoding: 'utf8' })
    if (probe.status === 0) return py
  }
  console.error(
    'bench-analytics: no python3 with numpy and scipy found (tried ' +
      `${candidates.join(', ')}).\nInstall them, e.g. \`apt-get install -y python3-scipy python3-numpy\`, ` +
      'or point RAPPORT_PYTHON at an interpreter that has them.',
  )
  process.exit(2)
}

// ------------------------------------------------------------------ data
function readCdnow() {
  const lines = readFileSync(join(fixtures, 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
  return lines.slice(1).map((line) => {
    const [, x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number]
    return { frequency: x, recency: tx, T, monetaryValue: zbar }
  })
}

function readDonations() {
  const lines = readFileSync(join(fixtures, 'donations.csv'), 'utf8').trim().split(/\r?\n/)
  return lines.slice(1).map((line) => {
    const [frequency, recency, n, weight] = line.split(',').map(Number) as [number, number, number, number]
    return { frequency, recency, n, weight }
  })
}

function readSbgRegular(): number[] {
  const lines = readFileSync(join(fixtures, 'sbg_retention.csv'), 'utf8').trim().split(/\r?\n/)
  return lines.slice(1).map((l) => Math.round(Number(l.split(',')[1]) * 10))
}

// ------------------------------------------------------------------ timing
interface JsFit {
  params: Readonly<Record<string, number>>
  logLikelihood: number
  converged: boolean
  report: { iterations: number; evaluations: number; gradientNorm: number; message: string }
}

const WARMUP_RUNS = 3

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b)
  const mid = v.length >> 1
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}

/** Median wall-clock and CPU time of `repeats` fits (after `WARMUP_RUNS` warm-up fits when `warmup`). */
function timeFit(run: () => JsFit, repeats: number, warmup: boolean) {
  let coldMs: number | undefined
  if (warmup) {
    for (let i = 0; i < WARMUP_RUNS; i++) {
      const t0 = performance.now()
      run()
      if (i === 0) coldMs = performance.now() - t0
    }
  }
  const wall: number[] = []
  const cpu: number[] = []
  let fit: JsFit | undefined
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    fit = run()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { fit: fit!, timeMs: median(wall), cpuMs: median(cpu), coldMs }
}

// Published targets (reference §3): params to 3 significant digits, LL within 0.01.
const TARGETS: Record<string, { params: Record<string, number>; logLikelihood?: number }> = {
  'bg-nbd': { params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, logLikelihood: -9582.43 },
  'mbg-nbd': { params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, logLikelihood: -9582.13 },
  'pareto-nbd': { params: { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 }, logLikelihood: -9594.97 },
  'gamma-gamma': { params: { p: 6.25, q: 3.74, gamma: 15.44 }, logLikelihood: -4055.92 },
  'bg-bb': { params: { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, logLikelihood: -33225.58 },
  'shifted-beta-geometric': { params: { alpha: 0.704, beta: 1.182 } },
}

function sig3(a: number, b: number): boolean {
  // Equal to 3 significant digits: |a − b| at most half a unit in the 3rd significant digit of b (plus rounding slack).
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(b))) - 2)
  return Math.abs(a - b) <= 0.5 * unit + 1e-9 + Math.abs(b) * 5e-4
}

// ------------------------------------------------------------------ main
const python = findPython()
const cdnow = readCdnow()
const donations = readDonations()
const survivors = readSbgRegular()
const tmp = mkdtempSync(join(tmpdir(), 'rapport-bench-analytics-'))

console.log(`bench-analytics: node ${process.version}, python ${python}, repeats ${REPEATS}`)
const jsRuns: { model: string; dataset: string; customers: number; run: () => JsFit; repeats: number }[] = [
  {
    model: 'bg-nbd',
    dataset: 'cdnow',
    customers: cdnow.length,
    run: () => clv.fitBgNbd(cdnow),
    repeats: REPEATS,
  },
  {
    model: 'mbg-nbd',
    dataset: 'cdnow',
    customers: cdnow.length,
    run: () => clv.fitMbgNbd(cdnow),
    repeats: REPEATS,
  },
  {
    model: 'pareto-nbd',
    dataset: 'cdnow',
    customers: cdnow.length,
    run: () => clv.fitParetoNbd(cdnow),
    repeats: REPEATS,
  },
  {
    model: 'gamma-gamma',
    dataset: 'cdnow (946 repeat customers)',
    customers: cdnow.filter((c) => c.frequency > 0).length,
    run: () => clv.fitGammaGamma(cdnow),
    repeats: REPEATS,
  },
  {
    model: 'bg-bb',
    dataset: 'donations',
    customers: donations.reduce((s, d) => s + d.weight, 0),
    run: () => clv.fitBgBb(donations),
    repeats: REPEATS,
  },
  {
    model: 'shifted-beta-geometric',
    dataset: 'sbg regular',
    customers: survivors[0]!,
    run: () => clv.fitShiftedBetaGeometric(survivors),
    repeats: REPEATS,
  },
]

const jsResults = jsRuns.map((r) => {
  const t = timeFit(r.run, r.repeats, true)
  console.log(
    `  js ${r.model.padEnd(24)} ${t.timeMs.toFixed(2).padStart(9)} ms  LL ${t.fit.logLikelihood.toFixed(4)}`,
  )
  return { ...r, ...t }
})

// 1M synthetic BG/NBD customers: a 13-week acquisition cohort observed to week 39 (CDNOW-like).
const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
const syntheticPath = join(tmp, 'synthetic.f64')
let synthetic: ReturnType<typeof clv.simulateBgNbd> = []
if (SYNTHETIC_CUSTOMERS > 0) {
  const t0 = performance.now()
  synthetic = clv.simulateBgNbd(truth, {
    customers: SYNTHETIC_CUSTOMERS,
    T: (i) => 26 + ((i * 7919) % 1300) / 100,
    seed: 2026,
  })
  console.log(`  simulated ${SYNTHETIC_CUSTOMERS} customers in ${(performance.now() - t0).toFixed(0)} ms`)
  const buf = new Float64Array(synthetic.length * 3)
  synthetic.forEach((c, i) => {
    buf[3 * i] = c.frequency
    buf[3 * i + 1] = c.recency
    buf[3 * i + 2] = c.T
  })
  writeFileSync(syntheticPath, Buffer.from(buf.buffer))
  const t = timeFit(() => clv.fitBgNbd(synthetic), SYNTHETIC_REPEATS, false)
  console.log(
    `  js bg-nbd (synthetic)       ${t.timeMs.toFixed(2).padStart(9)} ms  LL ${t.fit.logLikelihood.toFixed(4)}`,
  )
  jsResults.push({
    model: 'bg-nbd',
    dataset: 'synthetic',
    customers: SYNTHETIC_CUSTOMERS,
    run: () => clv.fitBgNbd(synthetic),
    repeats: SYNTHETIC_REPEATS,
    ...t,
  })
}

const config = {
  cdnow: join(fixtures, 'cdnow_customers_summary_with_transactions.csv'),
  donations: join(fixtures, 'donations.csv'),
  sbgSurvivors: survivors,
  repeats: REPEATS,
  synthetic: SYNTHETIC_CUSTOMERS > 0 ? syntheticPath : null,
  syntheticRepeats: SYNTHETIC_REPEATS,
}
const configPath = join(tmp, 'config.json')
writeFileSync(configPath, JSON.stringify(config))
console.log('  running reference.py (SciPy) ...')
const py = spawnSync(python, [join(here, 'reference.py'), configPath], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
})
rmSync(tmp, { recursive: true, force: true })
if (py.status !== 0) {
  console.error(`bench-analytics: reference.py failed (exit ${py.status}):\n${py.stderr}\n${py.stdout}`)
  process.exit(1)
}
const ref = JSON.parse(py.stdout) as {
  python: string
  numpy: string
  scipy: string
  models: {
    model: string
    dataset?: string
    params: Record<string, number>
    logLikelihood: number
    timeMs: number
    cpuMs: number
    iterations: number
    evaluations: number
    success: boolean
    message: string
  }[]
}

const models = jsResults.map((js) => {
  const sp = ref.models.find(
    (m) => m.model === js.model && (m.dataset === 'synthetic') === (js.dataset === 'synthetic'),
  )!
  const rel = Math.abs(js.fit.logLikelihood - sp.logLikelihood) / Math.abs(sp.logLikelihood)
  const target = js.dataset === 'synthetic' ? undefined : TARGETS[js.model]
  const targetMet = target
    ? Object.entries(target.params).every(([k, v]) => sig3(js.fit.params[k]!, v)) &&
      (target.logLikelihood === undefined || Math.abs(js.fit.logLikelihood - target.logLikelihood) <= 0.01)
    : undefined
  return {
    model: js.model,
    dataset: js.dataset,
    customers: js.customers,
    js: {
      params: js.fit.params,
      logLikelihood: js.fit.logLikelihood,
      timeMs: Number(js.timeMs.toFixed(3)),
      cpuMs: Number(js.cpuMs.toFixed(3)),
      firstRunMs: js.coldMs === undefined ? undefined : Number(js.coldMs.toFixed(3)),
      converged: js.fit.converged,
      iterations: js.fit.report.iterations,
      evaluations: js.fit.report.evaluations,
      gradientNorm: js.fit.report.gradientNorm,
    },
    scipy: {
      params: sp.params,
      logLikelihood: sp.logLikelihood,
      timeMs: Number(sp.timeMs.toFixed(3)),
      cpuMs: Number(sp.cpuMs.toFixed(3)),
      success: sp.success,
      message: sp.message,
      iterations: sp.iterations,
      evaluations: sp.evaluations,
    },
    relativeLogLikelihoodDifference: rel,
    logLikelihoodAgrees: rel <= 1e-6,
    speedup: Number((sp.cpuMs / js.cpuMs).toFixed(2)),
    speedupWallClock: Number((sp.timeMs / js.timeMs).toFixed(2)),
    ...(js.dataset === 'synthetic' ? { trueParams: truth } : {}),
    ...(target ? { target, targetMet } : {}),
  }
})

const result = {
  benchmark: 'analytics/clv',
  description:
    'Maximum-likelihood fits of @rapport/analytics/clv vs an independent NumPy/SciPy implementation (reference.py, ' +
    'scipy.optimize.minimize BFGS on log-params). Times are medians of in-process fits (JS after 3 warm-up runs; ' +
    'firstRunMs is the cold first run), excluding start-up and file reading. speedup = SciPy CPU time / JS CPU ' +
    'time (robust on a shared machine); speedupWallClock uses wall-clock medians.',
  generatedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    python: ref.python,
    numpy: ref.numpy,
    scipy: ref.scipy,
  },
  repeats: { cdnow: REPEATS, synthetic: SYNTHETIC_REPEATS },
  models,
  summary: {
    allLogLikelihoodsAgree: models.every((m) => m.logLikelihoodAgrees),
    allTargetsMet: models.every((m) => m.targetMet !== false),
    jsFasterEverywhere: models.every((m) => m.speedup > 1),
  },
}

const outDir = join(root, 'bench', 'results')
mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, 'analytics.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log('\nmodel                    dataset    JS cpu ms  SciPy cpu ms  speedup  (wall)  rel ΔLL')
for (const m of models) {
  console.log(
    `${m.model.padEnd(24)} ${m.dataset.slice(0, 10).padEnd(10)} ${m.js.cpuMs.toFixed(1).padStart(9)} ${m.scipy.cpuMs
      .toFixed(1)
      .padStart(
        13,
      )} ${`${m.speedup}x`.padStart(8)} ${`${m.speedupWallClock}x`.padStart(7)}  ${m.relativeLogLikelihoodDifference.toExponential(1)}`,
  )
}
console.log(`\nwrote bench/results/analytics.json (${JSON.stringify(result.summary)})`)
if (!result.summary.allLogLikelihoodsAgree) process.exitCode = 1
