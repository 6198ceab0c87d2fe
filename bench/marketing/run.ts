/**
 * Marketing benchmarks, one command: `pnpm --filter @rapport/bench-marketing bench`. Each entry of BENCHES runs in
 * the same process against its reference and adds one section to bench/results/marketing.json; add a bench by adding
 * an entry. `BENCH_ONLY=attribution` runs one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAttributionBench } from './attribution-bench.ts'
import { runCrossSellBench } from './cross-sell-bench.ts'

const BENCHES: Record<string, () => unknown> = {
  attribution: runAttributionBench,
  crossSell: runCrossSellBench,
}

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', 'results', 'marketing.json')
const only = process.env['BENCH_ONLY']?.split(',')
let previous: Record<string, unknown> = {}
try {
  previous = JSON.parse(readFileSync(out, 'utf8'))
} catch {}
const results: Record<string, unknown> = { ...previous }
for (const [name, run] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue
  console.log(`bench-marketing: ${name}…`)
  results[name] = run()
  console.log(JSON.stringify(results[name], null, 2))
}
results['machine'] = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  at: new Date().toISOString(),
}
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
console.log(`wrote ${out}`)
