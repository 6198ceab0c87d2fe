import { AnalyticsError } from './analytics-error.js'
import type { BgNbdParams } from './bg-nbd.js'
import type { BtydCustomer } from './customer-data.js'
import { checkParams } from './customer-data.js'

/** A seeded uniform generator on [0, 1). */
export type RandomSource = () => number

/**
 * A small, fast, seeded PRNG (mulberry32). Deterministic across platforms; not for cryptography.
 *
 * @param seed - any 32-bit integer
 * @returns a function returning uniforms in [0, 1)
 *
 * @example
 * ```ts
 * import { seededRandom } from '@rapport/analytics/clv'
 * const random = seededRandom(42)
 * random() // same value on every run
 * ```
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function normal(random: RandomSource): number {
  // Box–Muller; one value per call keeps the stream simple.
  const u = 1 - random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/** Gamma(shape, 1) variate (Marsaglia & Tsang 2000, with the shape < 1 boost). */
function gammaVariate(shape: number, random: RandomSource): number {
  if (shape < 1) return gammaVariate(shape + 1, random) * (1 - random()) ** (1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = 1 - random()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

/** Options of {@link simulateBgNbd}. */
export interface SimulateBgNbdOptions {
  /** Number of customers. */
  customers: number
  /** Observation length (age) of each customer, or a function of the customer's index. */
  T: number | ((index: number) => number)
  /** PRNG seed. Default 1. */
  seed?: number
}

/**
 * Simulates customers from the BG/NBD generative process: λ ~ Gamma(r, α), p ~ Beta(a, b); purchases follow a
 * Poisson process with rate λ from the first purchase at time 0, and after each repeat purchase the customer
 * drops out with probability p. Useful for testing, power analysis and benchmarks.
 *
 * @param params - BG/NBD parameters to simulate from
 * @param options - number of customers, their ages and the seed
 * @returns `{ frequency, recency, T }` per customer
 * @throws AnalyticsError `INVALID_PARAMS` / `INVALID_INPUT` for bad parameters or options
 *
 * @example
 * ```ts
 * import { fitBgNbd, simulateBgNbd } from '@rapport/analytics/clv'
 * const customers = simulateBgNbd({ r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, { customers: 5000, T: 39, seed: 7 })
 * fitBgNbd(customers).params // close to the true parameters
 * ```
 */
export function simulateBgNbd(params: BgNbdParams, options: SimulateBgNbdOptions): BtydCustomer[] {
  const { r, alpha, a, b } = params
  checkParams({ r, alpha, a, b }, 'BG/NBD')
  const n = options.customers
  if (!Number.isInteger(n) || n < 0) {
    throw new AnalyticsError('INVALID_INPUT', `customers must be a whole number ≥ 0, got ${n}`)
  }
  const random = seededRandom(options.seed ?? 1)
  const ageOf = typeof options.T === 'function' ? options.T : () => options.T as number
  const out: BtydCustomer[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const T = ageOf(i)
    if (!(T > 0) || !Number.isFinite(T)) {
      throw new AnalyticsError('INVALID_INPUT', `T must be a finite number > 0, got ${T} for customer ${i}`)
    }
    const lambda = gammaVariate(r, random) / alpha
    const ga = gammaVariate(a, random)
    const p = ga / (ga + gammaVariate(b, random))
    let time = 0
    let x = 0
    let last = 0
    for (;;) {
      time += -Math.log(1 - random()) / lambda
      if (!(time <= T)) break
      x++
      last = time
      if (random() < p) break
    }
    out[i] = { frequency: x, recency: last, T }
  }
  return out
}
