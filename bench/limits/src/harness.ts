// Measuring one path against its baseline: alternated rounds and medians (a shared machine drifts between runs),
// allocations and GC time per call (v8's GCProfiler), and the top frames of a CPU profile (the inspector).
import { Session } from 'node:inspector/promises'
import { GCProfiler } from 'node:v8'

/** One side of a comparison: `ops` calls of the same operation, run as one timed unit. */
export interface Side {
  /** Runs `ops` calls; resolves when every call has finished. */
  run(ops: number): Promise<unknown> | unknown
  /**
   * The CPU time (µs) the database server has spent for this side so far (its backends' user + system time), when
   * the server runs on this machine (Postgres): added to this process's CPU for `cpuWithServerRatio`.
   */
  serverCpuMicros?(): Promise<number>
}

/** One timed run of one side. */
export interface Round {
  /** Calls per second of wall time. */
  readonly opsPerSec: number
  /** Calls per second of this process's CPU time (user + system); steadier than wall time on a loaded machine. */
  readonly opsPerCpuSec: number
  /** Calls per second of this process's CPU time plus the server's for this side, when the side reports it. */
  readonly opsPerCpuSecWithServer?: number
}

/** Heap bytes allocated and GC milliseconds, per call. */
export interface Allocation {
  readonly bytesPerCall: number
  readonly gcMsPerCall: number
}

/** A frame of the CPU profile with its share of the samples (self time). */
export interface Frame {
  readonly percent: number
  readonly frame: string
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits))

async function timed(side: Side, ops: number): Promise<Round> {
  const server = await side.serverCpuMicros?.()
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await side.run(ops)
  const wall = performance.now() - t0
  const used = process.cpuUsage(cpu)
  const serverUsed = server === undefined ? undefined : (await side.serverCpuMicros!()) - server
  const own = used.user + used.system
  return {
    opsPerSec: ops / (wall / 1000),
    opsPerCpuSec: ops / (own / 1e6),
    ...(serverUsed === undefined ? {} : { opsPerCpuSecWithServer: ops / ((own + serverUsed) / 1e6) }),
  }
}

/** Heap bytes allocated by `ops` calls: growth of the used heap plus everything the GCs freed meanwhile. */
export async function allocations(side: Side, ops: number): Promise<Allocation> {
  globalThis.gc?.()
  const profiler = new GCProfiler()
  const before = process.memoryUsage().heapUsed
  profiler.start()
  await side.run(ops)
  const { statistics } = profiler.stop()
  const after = process.memoryUsage().heapUsed
  let freed = 0
  let gcMicros = 0
  for (const gc of statistics) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize
    gcMicros += gc.cost
  }
  return { bytesPerCall: Math.round((after - before + freed) / ops), gcMsPerCall: gcMicros / 1000 / ops }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

const shortUrl = (url: string) =>
  url
    .replace(/^.*\/node_modules\/\.pnpm\/([^/]+)\/node_modules\//, '$1:')
    .replace(/^file:\/\/.*?\/(packages|bench)\//, '$1/')

/** Self-time shares of the top `top` frames while `ops` calls run under the sampling profiler. */
export async function profile(side: Side, ops: number, top = 10): Promise<Frame[]> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    await side.run(ops)
    const { profile: p } = (await session.post('Profiler.stop')) as unknown as {
      profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
    }
    const byId = new Map(p.nodes.map((n) => [n.id, n]))
    const parent = new Map<number, ProfileNode>()
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n)
    const name = (n: ProfileNode): string => {
      const { functionName, url, lineNumber } = n.callFrame
      if (url) return `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`
      // Native code (the driver, builtins) is named after its JavaScript caller.
      const up = parent.get(n.id)
      return `${functionName || '(native)'}${up?.callFrame.url ? ` < ${name(up)}` : ''}`
    }
    const self = new Map<string, number>()
    let total = 0
    for (let i = 0; i < p.samples.length; i++) {
      const node = byId.get(p.samples[i]!)!
      const { functionName, url } = node.callFrame
      // Idle time, and the profiler's own start/stop calls, are not the path's work.
      if (['(idle)', '(program)', '(root)'].includes(functionName) || url === 'node:inspector') continue
      const key = name(node)
      const dt = p.timeDeltas[i] ?? 0
      self.set(key, (self.get(key) ?? 0) + dt)
      total += dt
    }
    return [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, t]) => ({ percent: round((100 * t) / total, 1), frame }))
  } finally {
    session.disconnect()
  }
}

/** Medians of one side's rounds. */
export interface Summary {
  readonly opsPerSec: number
  readonly opsPerCpuSec: number
  readonly opsPerCpuSecWithServer?: number
}

/** The result of one path: both sides' medians, the ratio and its target, allocations and profiles. */
export interface Comparison {
  readonly path: string
  readonly baseline: string
  readonly opsPerRound: number
  readonly rapport: Summary
  readonly raw: Summary
  /** Median over rounds of rapport ÷ raw (wall time), each pair measured back to back. */
  readonly ratio: number
  /** The same on CPU time of this process (meaningless for Postgres, where the server does the work). */
  readonly cpuRatio: number
  /** The same on this process's CPU plus the server backends' (Postgres on this machine), when measured. */
  readonly cpuWithServerRatio?: number
  readonly pairRatios: readonly number[]
  readonly target: number
  readonly met: boolean
  readonly allocations: { readonly rapport: Allocation; readonly raw: Allocation }
  readonly profile: { readonly rapport: readonly Frame[]; readonly raw: readonly Frame[] }
}

export interface CompareOptions {
  readonly path: string
  readonly baseline: string
  readonly target: number
  readonly ops: number
  readonly rounds: number
  readonly rapport: Side
  readonly raw: Side
  /** Calls of each side before measuring (JIT, statement caches). */
  readonly warmup?: number
}

/**
 * Runs both sides `rounds` times, alternating which goes first, then once more each for allocations and once under
 * the profiler (so neither perturbs the timed rounds).
 */
export async function compare(options: CompareOptions): Promise<Comparison> {
  const { rapport, raw, ops, rounds } = options
  const warmup = options.warmup ?? Math.max(1, Math.floor(ops / 5))
  await raw.run(warmup)
  await rapport.run(warmup)
  const rapportRounds: Round[] = []
  const rawRounds: Round[] = []
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      rawRounds.push(await timed(raw, ops))
      rapportRounds.push(await timed(rapport, ops))
    } else {
      rapportRounds.push(await timed(rapport, ops))
      rawRounds.push(await timed(raw, ops))
    }
  }
  const pairRatios = rapportRounds.map((r, i) => r.opsPerSec / rawRounds[i]!.opsPerSec)
  const cpuRatios = rapportRounds.map((r, i) => r.opsPerCpuSec / rawRounds[i]!.opsPerCpuSec)
  const ratio = median(pairRatios)
  const withServer = rapportRounds.every(
    (r, i) => r.opsPerCpuSecWithServer && rawRounds[i]!.opsPerCpuSecWithServer,
  )
  const serverRatios = withServer
    ? rapportRounds.map((r, i) => r.opsPerCpuSecWithServer! / rawRounds[i]!.opsPerCpuSecWithServer!)
    : []
  const summary = (rs: Round[]): Summary => ({
    opsPerSec: Math.round(median(rs.map((r) => r.opsPerSec))),
    opsPerCpuSec: Math.round(median(rs.map((r) => r.opsPerCpuSec))),
    ...(withServer
      ? { opsPerCpuSecWithServer: Math.round(median(rs.map((r) => r.opsPerCpuSecWithServer!))) }
      : {}),
  })
  const allocationOps = Math.max(1, Math.floor(ops / 2))
  const result: Comparison = {
    path: options.path,
    baseline: options.baseline,
    opsPerRound: ops,
    rapport: summary(rapportRounds),
    raw: summary(rawRounds),
    ratio: round(ratio),
    cpuRatio: round(median(cpuRatios)),
    ...(withServer ? { cpuWithServerRatio: round(median(serverRatios)) } : {}),
    pairRatios: pairRatios.map((r) => round(r)),
    target: options.target,
    met: ratio >= options.target,
    allocations: {
      rapport: await allocations(rapport, allocationOps),
      raw: await allocations(raw, allocationOps),
    },
    profile: { rapport: await profile(rapport, ops), raw: await profile(raw, ops, 5) },
  }
  console.log(
    `  ${options.path}: rapport ${result.rapport.opsPerSec}/s, raw ${result.raw.opsPerSec}/s → ${result.ratio}× (cpu ${result.cpuRatio}×${result.cpuWithServerRatio === undefined ? '' : `, cpu with server ${result.cpuWithServerRatio}×`}, target ${options.target}×) ${result.met ? 'met' : 'NOT met'}; ${result.allocations.rapport.bytesPerCall} B/call vs ${result.allocations.raw.bytesPerCall}`,
  )
  return result
}
