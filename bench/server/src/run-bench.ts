// Benchmark: GET /contacts?limit=50 through @rapport/server (auth hook, scoped services, filter/keyset machinery,
// row mapping, JSON) against a bare Hono handler running the same raw better-sqlite3 query, both on one SQLite file
// and measured in the same run with autocannon. Writes bench/results/server.json.
import { fork } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import autocannon from 'autocannon'

const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 10_000)
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5)
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10)
// Short alternating rounds, compared pairwise: on a shared machine the load drifts between runs, so one ratio per
// adjacent pair (and their median) says more than the ratio of two long averages.
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5)
const here = fileURLToPath(new URL('.', import.meta.url))

async function seed(file: string): Promise<void> {
  const crm = createCrm({ storage: createSqliteStorage({ file }) })
  await crm.migrate()
  for (let i = 0; i < CONTACTS; i += 500) {
    await crm.contacts.createMany(
      Array.from({ length: Math.min(500, CONTACTS - i) }, (_, k) => ({
        firstName: `First${i + k}`,
        lastName: `Last${i + k}`,
        emails: [{ address: `p${i + k}@example.com`, primary: true }],
        title: 'Engineer',
        tags: ['bench'],
      })),
    )
  }
  await crm.close()
}

async function start(mode: 'rapport' | 'bare', file: string) {
  const child = fork(join(here, 'serve.ts'), [mode, file], {
    execArgv: ['--conditions=@rapport/source', '--import', join(here, '../../../scripts/source-hooks.ts')],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)))
  })
  const cpu = () =>
    new Promise<number>((resolve) => {
      const onMessage = (m: unknown) => {
        const usage = (m as { cpu?: NodeJS.CpuUsage }).cpu
        if (!usage) return
        child.off('message', onMessage)
        resolve(usage.user + usage.system)
      }
      child.on('message', onMessage)
      child.send('cpu')
    })
  return { url: `http://127.0.0.1:${port}/contacts?limit=50`, stop: () => child.kill(), cpu }
}

interface Run {
  requestsPerSecond: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  non2xx: number
  requests: number
  /** CPU time of the server process per request, in microseconds. */
  serverCpuUsPerRequest?: number
}

async function load(url: string, seconds: number): Promise<Run> {
  const latencies: number[] = []
  // Without a callback autocannon returns its instance: an event emitter that is also the result's promise.
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
  }) as unknown as EventEmitter & Promise<autocannon.Result>
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    latencies.push(ms),
  )
  const result = await instance
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return {
    requestsPerSecond: result.requests.total / seconds,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    non2xx: result.non2xx,
    requests: result.requests.total,
  }
}

const loadAverageAtStart = loadavg().map((l) => Number(l.toFixed(2)))
const dir = await mkdtemp(join(tmpdir(), 'rapport-bench-server-'))
const file = join(dir, 'bench.db')
try {
  console.log(`seeding ${CONTACTS} contacts…`)
  await seed(file)
  const runs: Record<'rapport' | 'bare', Run[]> = { rapport: [], bare: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['rapport', 'bare'] as const) {
      const server = await start(mode, file)
      try {
        await load(server.url, 2) // warm-up: JIT, statement caches
        const cpuBefore = await server.cpu()
        const run = await load(server.url, SECONDS)
        run.serverCpuUsPerRequest = Math.round(((await server.cpu()) - cpuBefore) / run.requests)
        if (run.non2xx > 0) throw new Error(`${mode}: ${run.non2xx} non-2xx answers`)
        runs[mode].push(run)
        console.log(
          `round ${round + 1} ${mode.padEnd(7)} ${run.requestsPerSecond.toFixed(0)} req/s, p95 ${run.p95Ms} ms, server CPU ${run.serverCpuUsPerRequest} µs/request`,
        )
      } finally {
        server.stop()
      }
    }
  }
  // Side by side: both servers up and loaded at the same time for the same seconds. The other tenants' load then
  // hits both alike (back-to-back pairs above still see it drift between the two halves of a pair), so the ratio
  // of what each server answered measures what a request costs each, on whatever CPU share the machine gives them.
  const sideBySide: { rapport: Run; bare: Run; ratio: number }[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const servers = { rapport: await start('rapport', file), bare: await start('bare', file) }
    try {
      await Promise.all([load(servers.rapport.url, 2), load(servers.bare.url, 2)])
      const cpuBefore = await Promise.all([servers.rapport.cpu(), servers.bare.cpu()])
      const [rapportRun, bareRun] = await Promise.all([
        load(servers.rapport.url, SECONDS),
        load(servers.bare.url, SECONDS),
      ])
      const cpuAfter = await Promise.all([servers.rapport.cpu(), servers.bare.cpu()])
      rapportRun.serverCpuUsPerRequest = Math.round((cpuAfter[0] - cpuBefore[0]) / rapportRun.requests)
      bareRun.serverCpuUsPerRequest = Math.round((cpuAfter[1] - cpuBefore[1]) / bareRun.requests)
      if (rapportRun.non2xx + bareRun.non2xx > 0) throw new Error('side by side: non-2xx answers')
      const ratio = rapportRun.requestsPerSecond / bareRun.requestsPerSecond
      sideBySide.push({ rapport: rapportRun, bare: bareRun, ratio })
      console.log(
        `side by side ${round + 1}: rapport ${rapportRun.requestsPerSecond.toFixed(0)} req/s (p95 ${rapportRun.p95Ms} ms, ${rapportRun.serverCpuUsPerRequest} µs CPU), bare ${bareRun.requestsPerSecond.toFixed(0)} req/s (p95 ${bareRun.p95Ms} ms, ${bareRun.serverCpuUsPerRequest} µs CPU): ${ratio.toFixed(2)}x`,
      )
    } finally {
      servers.rapport.stop()
      servers.bare.stop()
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
  const summary = (mode: 'rapport' | 'bare') => ({
    requestsPerSecond: Math.round(mean(runs[mode].map((r) => r.requestsPerSecond))),
    p50Ms: mean(runs[mode].map((r) => r.p50Ms)),
    p95Ms: mean(runs[mode].map((r) => r.p95Ms)),
    p99Ms: mean(runs[mode].map((r) => r.p99Ms)),
  })
  const rapport = summary('rapport')
  const bare = summary('bare')
  const cpuRatios = runs.rapport.map(
    (r, i) => runs.bare[i]!.serverCpuUsPerRequest! / r.serverCpuUsPerRequest!,
  )
  const cpuRatio = [...cpuRatios].sort((a, b) => a - b)[Math.floor(cpuRatios.length / 2)]!
  const pairRatios = runs.rapport.map((r, i) => r.requestsPerSecond / runs.bare[i]!.requestsPerSecond)
  const sorted = [...pairRatios].sort((a, b) => a - b)
  const ratio = sorted[Math.floor(sorted.length / 2)]!
  const result = {
    benchmark: 'server',
    what: 'GET /contacts?limit=50 over HTTP on SQLite (first keyset page of the tenant, not archived, by id)',
    baseline:
      'a bare Hono handler running the same raw better-sqlite3 query (the record columns … order by id limit 50, the columns the service selects), no validation or mapping',
    load: {
      tool: 'autocannon',
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
      warmupSeconds: 2,
    },
    contacts: CONTACTS,
    rapport,
    bare,
    throughputRatio: Number(ratio.toFixed(3)),
    throughputRatioMeaning:
      'median over rounds of rapport req/s ÷ bare req/s, each pair measured back to back',
    pairRatios: pairRatios.map((r) => Number(r.toFixed(3))),
    sideBySideThroughputRatio: Number(median(sideBySide.map((r) => r.ratio)).toFixed(3)),
    sideBySideMeaning:
      'median over rounds of rapport req/s ÷ bare req/s with both servers loaded at the same time (autocannon on each, same connections and seconds), so machine load drifts hit both alike. Both load generators share the parent process, so on a loaded machine the client can limit both: read it with sideBySideCpuRatio',
    sideBySideCpuRatio: Number(
      median(sideBySide.map((r) => r.bare.serverCpuUsPerRequest! / r.rapport.serverCpuUsPerRequest!)).toFixed(
        3,
      ),
    ),
    sideBySide: sideBySide.map((r) => ({
      ratio: Number(r.ratio.toFixed(3)),
      rapport: {
        requestsPerSecond: r.rapport.requestsPerSecond,
        p95Ms: r.rapport.p95Ms,
        serverCpuUsPerRequest: r.rapport.serverCpuUsPerRequest,
      },
      bare: {
        requestsPerSecond: r.bare.requestsPerSecond,
        p95Ms: r.bare.p95Ms,
        serverCpuUsPerRequest: r.bare.serverCpuUsPerRequest,
      },
    })),
    serverCpuRatio: Number(cpuRatio.toFixed(3)),
    serverCpuRatioMeaning:
      'median over rounds of bare ÷ rapport server CPU time per request: the throughput ratio the servers would reach with a core each',
    serverCpuUsPerRequest: {
      rapport: Math.round(median(runs.rapport.map((r) => r.serverCpuUsPerRequest!))),
      bare: Math.round(median(runs.bare.map((r) => r.serverCpuUsPerRequest!))),
    },
    target: 0.5,
    met: ratio >= 0.5,
    runs,
    machine: {
      cpus: cpus().length,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
      node: process.version,
    },
    at: new Date().toISOString(),
  }
  const out = fileURLToPath(new URL('../../results/server.json', import.meta.url))
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(
    `rapport ${rapport.requestsPerSecond} req/s vs bare ${bare.requestsPerSecond} req/s: ${ratio.toFixed(2)}x back to back, ${result.sideBySideThroughputRatio}x side by side (CPU ${result.sideBySideCpuRatio}x), CPU back to back ${result.serverCpuRatio}x (target 0.5x) → ${out}`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}
