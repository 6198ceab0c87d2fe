/** 100k journeys through every attribution model; the Markov model against a Monte-Carlo simulation of the chain. */
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

function time<T>(f: () => T): { ms: number; result: T } {
  const t0 = performance.now()
  const result = f()
  return { ms: performance.now() - t0, result }
}

export function runAttributionBench() {
  const count = Number(process.env['BENCH_JOURNEYS'] ?? 100_000)
  const js = journeys(count)
  attribution.markovAttribution(js.slice(0, 1000)) // warm-up
  const models: Record<string, number> = {}
  let revenueExact = true
  const revenue = js.reduce((a, j) => a + j.value, 0)
  for (const model of attribution.RULE_BASED_MODELS) {
    const { ms, result } = time(() => attribution.ruleBasedAttribution(js, model))
    models[model] = ms
    revenueExact &&= result.channels.reduce((a, c) => a + c.value, 0) === revenue
  }
  const markov = time(() => attribution.markovAttribution(js))
  models['markov'] = markov.ms
  const shapley = time(() => attribution.shapleyAttribution(js))
  models['shapley'] = shapley.ms
  const pooled = time(() => attribution.shapleyAttribution(js, { worth: 'pooled-rate' }))
  models['shapley (pooled-rate, exact, 12 channels)'] = pooled.ms
  const simulations = Number(process.env['BENCH_SIMULATIONS'] ?? 100_000)
  const reference = time(() => simulatedRemovalEffects(js, simulations))
  const maxRelativeDifference = Math.max(
    ...CHANNELS.map((c) => Math.abs(reference.result[c]! / markov.result.removalEffects[c]! - 1)),
  )
  const allModelsMs = Object.values(models).reduce((a, b) => a + b, 0)
  return {
    journeys: count,
    channels: CHANNELS.length,
    msPerModel: models,
    allModelsMs,
    targetMs: 2000,
    meetsTarget: allModelsMs <= 2000,
    revenueCreditedExactly: revenueExact,
    markovReference: {
      method: `Monte-Carlo simulation of the same chain, ${simulations} paths per removal (ChannelAttribution's method)`,
      ms: reference.ms,
      speedup: reference.ms / markov.ms,
      maxRelativeDifferenceOfRemovalEffects: maxRelativeDifference,
    },
  }
}
