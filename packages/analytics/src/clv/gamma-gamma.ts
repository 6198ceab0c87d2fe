import { checkDistinctCustomerIds } from '../validation/input-checks.js'
import { AnalyticsError } from './analytics-error.js'
import { checkCount, checkParams, checkWeight } from './customer-data.js'
import type { FitOptions } from './fit-report.js'
import { maximizeLikelihood } from './fit-report.js'
import { digamma, lgamma } from './special-functions.js'
import type { FitOutcome } from './transaction-model.js'

/** A customer's repeat-purchase spend: number of repeat purchases and their mean value. */
export interface SpendCustomer {
  /** Number of repeat purchase periods (x). */
  frequency: number
  /** Mean value of the repeat purchases (m_x); must be > 0 when `frequency` > 0. Ignored when `frequency` is 0. */
  monetaryValue: number
  /** Optional multiplicity; default 1. */
  weight?: number
  /** Optional id; ids must be distinct (`DUPLICATE_ID`), rows without one aren't checked. */
  customerId?: string | number
}

/** Gamma-Gamma parameters: transaction value ~ Gamma(p, ν), ν ~ Gamma(q, γ). */
export interface GammaGammaParams {
  /** Shape of the per-transaction value gamma. */
  p: number
  /** Shape of the gamma mixing distribution of ν. */
  q: number
  /** Scale of the mixing distribution (`v` in lifetimes), in money units. */
  gamma: number
}

/** The Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Hardie note 025). See {@link fitGammaGamma}. */
export interface GammaGammaModel {
  /** `'gamma-gamma'`. */
  readonly model: string
  /** Natural-scale parameters. */
  readonly params: Readonly<GammaGammaParams>
  /**
   * E(M | p, q, γ, m_x, x): the expected mean transaction value of this customer, shrinking the observed mean
   * towards the population mean. Customers with `frequency` 0 get the population mean.
   * @throws AnalyticsError `INVALID_PARAMS` when q ≤ 1 and `frequency` is 0 (the population mean is undefined)
   */
  expectedSpend(customer: SpendCustomer): number
  /**
   * Population mean spend pγ/(q − 1).
   * @throws AnalyticsError `INVALID_PARAMS` when q ≤ 1
   */
  populationMeanSpend(): number
  /** Total (weighted) log-likelihood of the repeat customers (frequency > 0) in `customers`. */
  logLikelihoodOf(customers: readonly SpendCustomer[]): number
}

/** @internal */
export interface SpendColumns {
  x: Float64Array
  m: Float64Array
  w: Float64Array
  logX: Float64Array
  logM: Float64Array
  xIndex: Int32Array
  uniqueX: number[]
  n: number
  weightSum: number
  meanM: number
}

/** Validates spend rows and keeps the repeat customers, in columns. @internal */
export function toSpendColumns(customers: readonly SpendCustomer[]): SpendColumns {
  if (!Array.isArray(customers) || customers.length === 0) {
    throw new AnalyticsError('INVALID_INPUT', 'customers must be a non-empty array')
  }
  checkDistinctCustomerIds(customers)
  const rows: number[] = []
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!
    const x = checkCount(c?.frequency, 'frequency', i)
    checkWeight(c.weight, i)
    if (x === 0) continue
    if (typeof c.monetaryValue !== 'number' || !Number.isFinite(c.monetaryValue) || c.monetaryValue <= 0) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `customers[${i}].monetaryValue must be a finite number > 0 for a repeat customer, got ${c.monetaryValue}`,
        { index: i, field: 'monetaryValue', value: c.monetaryValue },
      )
    }
    rows.push(i)
  }
  if (rows.length === 0) {
    throw new AnalyticsError('INVALID_INPUT', 'Gamma-Gamma needs at least one customer with frequency > 0')
  }
  // Identical (frequency, spend) rows are merged into one weighted row, so the likelihood costs one term per distinct
  // history (the BG/NBD fits do the same), not one per customer.
  const xs: number[] = []
  const ms: number[] = []
  const ws: number[] = []
  const rowSlot = new Map<string, number>()
  for (const row of rows) {
    const c = customers[row]!
    const weight = c.weight ?? 1
    const key = `${c.frequency}|${c.monetaryValue}`
    const at = rowSlot.get(key)
    if (at !== undefined) {
      ws[at] = ws[at]! + weight
      continue
    }
    rowSlot.set(key, xs.length)
    xs.push(c.frequency)
    ms.push(c.monetaryValue)
    ws.push(weight)
  }
  const n = xs.length
  const x = Float64Array.from(xs)
  const m = Float64Array.from(ms)
  const w = Float64Array.from(ws)
  const xIndex = new Int32Array(n)
  const uniqueX: number[] = []
  const slot = new Map<number, number>()
  let weightSum = 0
  let sumM = 0
  for (let k = 0; k < n; k++) {
    weightSum += w[k]!
    sumM += w[k]! * m[k]!
    let s = slot.get(x[k]!)
    if (s === undefined) {
      s = uniqueX.length
      slot.set(x[k]!, s)
      uniqueX.push(x[k]!)
    }
    xIndex[k] = s
  }
  return {
    x,
    m,
    w,
    n,
    weightSum,
    meanM: sumM / weightSum,
    logX: x.map(Math.log),
    logM: m.map(Math.log),
    xIndex,
    uniqueX,
  }
}

/** Total weighted log-likelihood and (optionally) its gradient with respect to log-parameters. @internal */
export function gammaGammaLogLikelihood(
  params: readonly number[],
  d: SpendColumns,
  mScale = 1,
  grad?: number[],
): number {
  const [p, q, g] = params as [number, number, number]
  const lgq = lgamma(q)
  const lng = Math.log(g)
  const psiQ = grad ? digamma(q) : 0
  // Γ and ψ terms depend on the customer only through x: evaluate them once per distinct frequency.
  const k = d.uniqueX.length
  const lgTerm = new Float64Array(k)
  const psiPxq = new Float64Array(k)
  const psiPx = new Float64Array(k)
  for (let j = 0; j < k; j++) {
    const px = p * d.uniqueX[j]!
    lgTerm[j] = lgamma(px + q) - lgamma(px) - lgq + q * lng
    if (grad) {
      psiPxq[j] = digamma(px + q)
      psiPx[j] = digamma(px)
    }
  }
  const lnScale = Math.log(mScale)
  let ll = 0
  let dp = 0
  let dq = 0
  let dg = 0
  for (let i = 0; i < d.n; i++) {
    const j = d.xIndex[i]!
    const x = d.x[i]!
    const m = d.m[i]! * mScale
    const w = d.w[i]!
    const px = p * x
    const lgm = Math.log(g + m * x)
    const lm = d.logM[i]! + lnScale
    const lx = d.logX[i]!
    ll += w * (lgTerm[j]! + (px - 1) * lm + px * lx - (px + q) * lgm)
    if (grad) {
      dp += w * x * (psiPxq[j]! - psiPx[j]! + lm + lx - lgm)
      dq += w * (psiPxq[j]! - psiQ + lng - lgm)
      dg += w * (q / g - (px + q) / (g + m * x))
    }
  }
  if (grad) {
    grad[0] = dp * p
    grad[1] = dq * q
    grad[2] = dg * g
  }
  return ll
}

/**
 * Builds a Gamma-Gamma spend model from known parameters.
 *
 * @param params - p, q, gamma (all > 0; q > 1 for a finite population mean)
 * @returns the model
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { gammaGamma } from '@rapport/analytics/clv'
 * const spend = gammaGamma({ p: 6.25, q: 3.74, gamma: 15.44 })
 * spend.expectedSpend({ frequency: 2, monetaryValue: 22.35 }) // ≈ 24.66
 * ```
 */
export function gammaGamma(params: GammaGammaParams): GammaGammaModel {
  const { p, q, gamma } = params
  checkParams({ p, q, gamma }, 'Gamma-Gamma')
  const populationMeanSpend = () => {
    if (!(q > 1)) {
      throw new AnalyticsError(
        'INVALID_PARAMS',
        `Gamma-Gamma: q = ${q} ≤ 1, so the population mean spend is undefined`,
      )
    }
    return (p * gamma) / (q - 1)
  }
  return {
    model: 'gamma-gamma',
    params: Object.freeze({ p, q, gamma }),
    populationMeanSpend,
    expectedSpend(c) {
      const x = checkCount(c?.frequency, 'frequency', 0)
      if (x === 0) return populationMeanSpend()
      const m = c.monetaryValue
      if (!(m > 0) || !Number.isFinite(m)) {
        throw new AnalyticsError('INVALID_INPUT', `monetaryValue must be a finite number > 0, got ${m}`)
      }
      return ((gamma + m * x) * p) / (p * x + q - 1)
    },
    logLikelihoodOf(customers) {
      return gammaGammaLogLikelihood([p, q, gamma], toSpendColumns(customers))
    },
  }
}

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the **repeat customers only**: rows with
 * `frequency` 0 are skipped (their `monetaryValue` is not a repeat-purchase mean), rows with `frequency` > 0 must
 * have `monetaryValue` > 0. The model assumes spend is independent of purchase frequency; check the correlation
 * of frequency and monetaryValue before relying on it.
 *
 * @param customers - `{ frequency, monetaryValue, weight? }` per customer (e.g. the output of
 *   {@link summaryDataFromTransactions} with a `monetary` column)
 * @param options - penalizer, initial parameters (p, q, gamma), restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for invalid rows or no repeat customer, `FIT_FAILED` if fitting fails
 *
 * @example
 * ```ts
 * import { fitGammaGamma } from '@rapport/analytics/clv'
 * const spend = fitGammaGamma([
 *   { frequency: 2, monetaryValue: 22.35 },
 *   { frequency: 1, monetaryValue: 11.77 },
 *   { frequency: 0, monetaryValue: 0 }, // skipped
 *   { frequency: 5, monetaryValue: 47.5 },
 * ])
 * spend.expectedSpend({ frequency: 2, monetaryValue: 22.35 })
 * ```
 */
export function fitGammaGamma(
  customers: readonly SpendCustomer[],
  options: FitOptions = {},
): GammaGammaModel & FitOutcome {
  const data = toSpendColumns(customers)
  const W = data.weightSum
  // Money is rescaled to mean 1 for conditioning; gamma scales back exactly.
  const scale = 1 / data.meanM
  const g = [0, 0, 0]
  const { theta, report } = maximizeLikelihood(
    {
      names: ['p', 'q', 'gamma'],
      meanNll: (th) => -gammaGammaLogLikelihood(th.map(Math.exp), data, scale) / W,
      gradient: (th, out) => {
        const v = -gammaGammaLogLikelihood(th.map(Math.exp), data, scale, g) / W
        for (let i = 0; i < 3; i++) out[i] = -g[i]! / W
        return v
      },
      starts: [
        [0.1, 0.1, 0.1],
        [0, Math.log(2), 0],
        [Math.log(5), Math.log(3), Math.log(0.5)],
      ],
    },
    {
      ...options,
      ...(options.initialParams
        ? { initialParams: options.initialParams.map((v, i) => (i === 2 ? v * scale : v)) }
        : {}),
    },
  )
  const [p, q, gScaled] = theta.map(Math.exp) as [number, number, number]
  const params = { p, q, gamma: gScaled / scale }
  const model = gammaGamma(params)
  const logLik = gammaGammaLogLikelihood([params.p, params.q, params.gamma], data)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
