/** 100k journeys through every attribution model; the Markov model against a Monte-Carlo simulation of the chain. */
import { loadavg } from 'node:os'
import * as attribution from '../../packages/analytics/dist/attribution/index.js'

const CHANNELS = Array.from({ length: 12 }, (_, i) => `ch${i}`)

function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function journeys(count: number) {
  const rnd = random(13)
  return Array.from({ length: count }, (_, j) => {
    const length = 1 + Math.floor(rnd() * 6)
    const start = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 60) * 86_400_000
    const touches = Array.from({ length }, (_, t) => ({
      channel: CHANNELS[Math.min(11, Math.floor(rnd() ** 1.5 * 12))]!,
      at: start + t * 86_400_000,
    }))
    const converted = rnd() < 0.25 + 0.05 * length
    return {
      id: j,
      touches,
      conversions: converted ? 1 : 0,
      nulls: converted ? 0 : 1,
      value: converted ? Math.floor(rnd() * 100_000) : 0,
    }
  })
}

/** ChannelAttribution's method: simulate paths through the fitted chain, once per removed channel. */
function simulatedRemovalEffects(js: ReturnType<typeof journeys>, simulations: number) {
  const next = new Map<string, Map<string, number>>()
  const add = (a: string, b: string, w: number) => {
    const row = next.get(a) ?? new Map<string, number>()
    row.set(b, (row.get(b) ?? 0) + w)
    next.set(a, row)
  }
  for (const j of js) {
    let from = '(start)'
    for (const t of j.touches) {
      add(from, t.channel, 1)
      from = t.channel
    }
    add(from, j.conversions ? '(conversion)' : '(null)', 1)
  }
  const cumulative = new Map(
    [...next].map(([k, row]) => {
      const total = [...row.values()].reduce((a, b) => a + b, 0)
      let acc = 0
      return [k, [...row].map(([to, w]) => [to, (acc += w / total)] as const)]
    }),
  )
  const rnd = random(7)
  const p = (removed: string | null) => {
    let hits = 0
    for (let s = 0; s < simulations; s++) {
      let state = '(start)'
      for (let step = 0; step < 1000; step++) {
        const u = rnd()
        state = cumulative.get(state)!.find(([, c]) => u < c)?.[0] ?? '(null)'
        if (state === removed) state = '(null)'
        if (state === '(conversion)' || state === '(null)') break
      }
      if (state === '(conversion)') hits++
    }
    return hits / simulations
  }
  const base = p(null)
  return Object.fromEntries(CHANNELS.map((c) => [c, 1 - p(c) / base]))
}

/** Wall and CPU time (user + system of the process: what the shared machine's load does not inflate) of one call. */
function time<T>(f: () => T): { ms: number; cpuMs: number; result: T } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const result = f()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, result }
}

const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0)

/** Every model once over `input` (the journey array, or one compileJourneys result shared by all). */
function runModels(input: Parameters<typeof attribution.markovAttribution>[0], revenue: number) {
  const wall: Record<string, number> = {}
  const cpu: Record<string, number> = {}
  let revenueExact = true
  const record = (name: string, t: { ms: number; cpuMs: number }) => {
    wall[name] = t.ms
    cpu[name] = t.cpuMs
  }
  for (const model of attribution.RULE_BASED_MODELS) {
    const t = time(() => attribution.ruleBasedAttribution(input, model))
    record(model, t)
    revenueExact &&= t.result.channels.reduce((a, c) => a + c.value, 0) === revenue
  }
  const markov = time(() => attribution.markovAttribution(input))
  record('markov', markov)
  record(
    'shapley',
    time(() => attribution.shapleyAttribution(input)),
  )
  record(
    'shapley (pooled-rate, exact, 12 channels)',
    time(() => attribution.shapleyAttribution(input, { worth: 'pooled-rate' })),
  )
  return { wall, cpu, revenueExact, markov: markov.result }
}

export function runAttributionBench() {
  const count = Number(process.env['BENCH_JOURNEYS'] ?? 100_000)
  const js = journeys(count)
  attribution.markovAttribution(js.slice(0, 1000)) // warm-up
  const revenue = js.reduce((a, j) => a + j.value, 0)
  const loadBefore = loadavg()
  // Each model called on the journey array, validating and indexing it itself (the one-model caller's cost).
  const separate = runModels(js, revenue)
  // compileJourneys once, then every model on the compiled journeys (the several-models caller's cost).
  const compile = time(() => attribution.compileJourneys(js))
  const shared = runModels(compile.result, revenue)
  const loadAfter = loadavg()
  const simulations = Number(process.env['BENCH_SIMULATIONS'] ?? 100_000)
  const reference = time(() => simulatedRemovalEffects(js, simulations))
  const markov = separate.markov
  const maxRelativeDifference = Math.max(
    ...CHANNELS.map((c) => Math.abs(reference.result[c]! / markov.removalEffects[c]! - 1)),
  )
  const allModelsCpuMs = sum(separate.cpu)
  return {
    journeys: count,
    channels: CHANNELS.length,
    loadAverage: { before: loadBefore, after: loadAfter },
    msPerModel: separate.wall,
    cpuMsPerModel: separate.cpu,
    allModelsMs: sum(separate.wall),
    allModelsCpuMs,
    compiledOnce: {
      compileMs: compile.ms,
      compileCpuMs: compile.cpuMs,
      msPerModel: shared.wall,
      cpuMsPerModel: shared.cpu,
      allModelsMs: compile.ms + sum(shared.wall),
      allModelsCpuMs: compile.cpuMs + sum(shared.cpu),
    },
    targetMs: 2000,
    target: 'CPU time of every model called once on the journey array, summed, ≤ targetMs',
    meetsTarget: allModelsCpuMs <= 2000,
    revenueCreditedExactly: separate.revenueExact && shared.revenueExact,
    markovReference: {
      method: `Monte-Carlo simulation of the same chain, ${simulations} paths per removal (ChannelAttribution's method)`,
      ms: reference.ms,
      cpuMs: reference.cpuMs,
      speedup: reference.ms / separate.wall['markov']!,
      cpuSpeedup: reference.cpuMs / separate.cpu['markov']!,
      maxRelativeDifferenceOfRemovalEffects: maxRelativeDifference,
    },
  }
}
