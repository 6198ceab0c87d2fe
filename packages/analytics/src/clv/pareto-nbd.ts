import type { BtydCustomer, CustomerColumns } from './customer-data.js'
import {
  checkCount,
  checkCustomer,
  checkHorizon,
  checkParams,
  dedupeColumns,
  scaleColumns,
  toColumns,
  unscaleAlpha,
} from './customer-data.js'
import type { FitOptions } from './fit-report.js'
import { maximizeLikelihood } from './fit-report.js'
import { expit, lbeta, lgamma, log1mExp, logAddExp, logHyp2f1 } from './special-functions.js'
import type { Fitted, TransactionModel } from './transaction-model.js'

/** Pareto/NBD parameters: purchase rate λ ~ Gamma(r, α); dropout rate μ ~ Gamma(s, β). */
export interface ParetoNbdParams {
  /** Shape of the purchase-rate gamma. */
  r: number
  /** Scale of the purchase-rate gamma (time unit of the data). */
  alpha: number
  /** Shape of the dropout-rate gamma. */
  s: number
  /** Scale of the dropout-rate gamma (time unit of the data). */
  beta: number
}

/** A Pareto/NBD model (Schmittlein, Morrison & Colombo 1987). See {@link paretoNbd} and {@link fitParetoNbd}. */
export type ParetoNbdModel = TransactionModel<ParetoNbdParams>

const MAX_TERMS = 20_000_000

/** ln ₂F₁(1, B; C; z) for 0 ≤ z < 1 and 0 < B < C: every term is positive and the sum is at most 1/(1−z). */
function logHyp2f1One(B: number, C: number, z: number): number {
  if (z <= 0) return 0
  let term = 1
  let sum = 1
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((B + n) / (C + n)) * z
    sum += term
    if (term <= 1e-17 * sum) break
  }
  return Math.log(sum)
}

/**
 * ln[₂F₁(r+s+x, p; r+s+x+1; z) / (m+t)^(r+s+x)] with z = w/(m+t), evaluated through the Euler transform
 * ₂F₁(a, b; a+1; z) = (1−z)^(1−b) ₂F₁(1, a+1−b; a+1; z) so that every series term is positive and bounded.
 */
function logA0Term(rsx: number, p: number, w: number, m: number, t: number): number {
  const z = w / (m + t)
  return (1 - p) * Math.log1p(-z) + logHyp2f1One(rsx + 1 - p, rsx + 1, z) - rsx * Math.log(m + t)
}

/** ln of the Pareto/NBD A₀ term (−∞ when t_x = T). */
function logA0(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  const rsx = r + s + x
  const [m, w, p] = alpha >= beta ? [alpha, alpha - beta, s + 1] : [beta, beta - alpha, r + x]
  if (T <= tx) return Number.NEGATIVE_INFINITY
  const l1 = logA0Term(rsx, p, w, m, tx)
  const l2 = logA0Term(rsx, p, w, m, T)
  return l2 >= l1 ? Number.NEGATIVE_INFINITY : l1 + log1mExp(l2 - l1)
}

/** ln of the bracket [1 − q^ε]/ε with ln q = lq (limit −lq at ε = 0). */
function powerBracket(eps: number, lq: number): number {
  return eps === 0 ? -lq : -Math.expm1(eps * lq) / eps
}

/**
 * Builds a Pareto/NBD model from known parameters.
 *
 * @param params - r, alpha, s, beta (all > 0)
 * @returns the model's prediction functions
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { paretoNbd } from '@rapport/analytics/clv'
 * const model = paretoNbd({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 })
 * model.probabilityAlive({ frequency: 26, recency: 30.86, T: 31 }) // ≈ 0.998
 * ```
 */
export function paretoNbd(params: ParetoNbdParams): ParetoNbdModel {
  const { r, alpha, s, beta } = params
  checkParams({ r, alpha, s, beta }, 'Pareto/NBD')
  const frozen = Object.freeze({ r, alpha, s, beta })
  const probabilityAlive = (c: BtydCustomer) => {
    checkCustomer(c)
    const x = c.frequency
    const la0 = logA0(r, alpha, s, beta, x, c.recency, c.T)
    if (la0 === Number.NEGATIVE_INFINITY) return 1
    return expit(
      -(Math.log(s) - Math.log(r + s + x) + (r + x) * Math.log(alpha + c.T) + s * Math.log(beta + c.T) + la0),
    )
  }
  return {
    model: 'pareto-nbd',
    params: frozen,
    probabilityAlive,
    expectedPurchases(t, c) {
      checkHorizon(t)
      const pAlive = probabilityAlive(c)
      const x = c.frequency
      const bt = beta + c.T
      return (pAlive * (r + x) * bt * powerBracket(s - 1, -Math.log1p(t / bt))) / (alpha + c.T)
    },
    expectedPurchasesNewCustomer(t) {
      checkHorizon(t)
      return ((r * beta) / alpha) * powerBracket(s - 1, -Math.log1p(t / beta))
    },
    probabilityOfPurchases(n, t) {
      checkCount(n, 'n', 0)
      checkHorizon(t)
      if (t === 0) return n === 0 ? 1 : 0
      return paretoPmf(r, alpha, s, beta, n, t)
    },
    logLikelihoodOf(customers) {
      return logLikelihood([r, alpha, s, beta], toColumns(customers))
    },
  }
}

/** P(X(t) = x) under the Pareto/NBD (Fader & Hardie note 012). */
function paretoPmf(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  const alive =
    lgamma(r + x) -
    lgamma(r) -
    lgamma(x + 1) +
    r * Math.log(alpha / (alpha + t)) +
    x * Math.log(t / (alpha + t)) +
    s * Math.log(beta / (beta + t))
  const [m, w, p] = alpha >= beta ? [alpha, alpha - beta, s + 1] : [beta, beta - alpha, r + x]
  const c = r + s + x + 1
  const f = (a: number, zArg: number) => {
    const h = logHyp2f1(a, p, c, zArg)
    return h.sign * Math.exp(h.log)
  }
  // B1 − Σ_{i=0..x} Γ(r+s+i)/(Γ(r+s) i!) tⁱ B2ᵢ, each term scaled by m^(r+s) to stay in range.
  let bracket = f(r + s, w / m)
  const lmt = Math.log(m + t) - Math.log(m)
  for (let i = 0; i <= x; i++) {
    const logCoef =
      lgamma(r + s + i) - lgamma(r + s) - lgamma(i + 1) + i * Math.log(t / (m + t)) - (r + s) * lmt
    bracket -= Math.exp(logCoef) * f(r + s + i, w / (m + t))
  }
  const logPrefix = r * Math.log(alpha / m) + s * Math.log(beta / m) + lbeta(r + x, s + 1) - lbeta(r, s)
  return Math.exp(alive) + Math.exp(logPrefix) * bracket
}

function logLikelihood(p: readonly number[], d: CustomerColumns): number {
  const [r, alpha, s, beta] = p as [number, number, number, number]
  const k = d.uniqueX.length
  const base = new Float64Array(k)
  const lnS = new Float64Array(k)
  for (let j = 0; j < k; j++) {
    const x = d.uniqueX[j]!
    base[j] = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta)
    lnS[j] = Math.log(s) - Math.log(r + s + x)
  }
  let ll = 0
  const { x: xs, tx: txs, T: Ts, w: ws, xIndex } = d
  for (let i = 0; i < d.n; i++) {
    const j = xIndex[i]!
    const x = xs[i]!
    const T = Ts[i]!
    const first = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T)
    const la0 = logA0(r, alpha, s, beta, x, txs[i]!, T)
    ll += ws[i]! * (base[j]! + logAddExp(first, lnS[j]! + la0))
  }
  return ll
}

const STARTS = [
  [0, 0, 0, 0],
  [0.1, 0.1, 0.1, 0.1],
  [Math.log(0.5), Math.log(0.25), Math.log(0.5), Math.log(0.25)],
  [0, Math.log(0.1), 0, Math.log(0.1)],
]

/**
 * Fits the Pareto/NBD model by maximum likelihood (log-parameters, BFGS with central-difference gradients,
 * Nelder–Mead restarts when BFGS stalls). The likelihood is flat along (s, β): compare fits by log-likelihood.
 *
 * @param customers - `{ frequency, recency, T, weight? }` per customer, all times in one unit
 * @param options - penalizer, initial parameters, restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for invalid customers, `FIT_FAILED` if no finite optimum is found
 *
 * @example
 * ```ts
 * import { fitParetoNbd } from '@rapport/analytics/clv'
 * const m = fitParetoNbd([
 *   { frequency: 2, recency: 30.43, T: 38.86 },
 *   { frequency: 0, recency: 0, T: 38.86 },
 *   { frequency: 5, recency: 20, T: 30 },
 * ])
 * m.probabilityAlive({ frequency: 5, recency: 20, T: 30 })
 * ```
 */
export function fitParetoNbd(
  customers: readonly BtydCustomer[],
  options: FitOptions = {},
): Fitted<ParetoNbdModel> {
  const original = toColumns(customers)
  // Each row costs two hypergeometric series: evaluate identical histories once.
  const { data, scale } = scaleColumns(dedupeColumns(original))
  const W = data.weightSum
  const { theta, report } = maximizeLikelihood(
    {
      names: ['r', 'alpha', 's', 'beta'],
      meanNll: (th) => -logLikelihood(th.map(Math.exp), data) / W,
      starts: STARTS,
    },
    {
      ...options,
      ...(options.initialParams ? { initialParams: unscaleAlpha(options.initialParams, scale, 1, 3) } : {}),
    },
  )
  const [r, alphaScaled, s, betaScaled] = theta.map(Math.exp) as [number, number, number, number]
  const params = { r, alpha: alphaScaled / scale, s, beta: betaScaled / scale }
  const model = paretoNbd(params)
  const logLik = logLikelihood([params.r, params.alpha, params.s, params.beta], original)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
