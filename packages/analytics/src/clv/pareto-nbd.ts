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
import { digamma, expit, lbeta, lgamma, log1mExp, logAddExp, logHyp2f1 } from './special-functions.js'
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
      return paretoLogLikelihood([r, alpha, s, beta], toColumns(customers))
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

/** Scratch outputs of {@link a0Term}: value and partials with respect to p, c, m, w. */
const T1 = new Float64Array(5)
const T2 = new Float64Array(5)

/**
 * l(t) = (1−p)·ln(1−z) + ln ₂F₁(1, c+1−p; c+1; z) − c·ln(m+t) with z = w/(m+t), i.e. the log of one A₀ term, and
 * (when `grad`) its partial derivatives with respect to p, c, m and w, accumulated alongside the series.
 * Writes [l, ∂l/∂p, ∂l/∂c, ∂l/∂m, ∂l/∂w] into `out`.
 */
function a0Term(
  c: number,
  p: number,
  w: number,
  m: number,
  t: number,
  grad: boolean,
  out: Float64Array,
): void {
  const mt = m + t
  const z = w / mt
  const B = c + 1 - p
  const C = c + 1
  let F = 1
  let FB = 0
  let FC = 0
  let Fz = 0
  if (z > 0) {
    let term = 1
    let hB = 0
    let hC = 0
    for (let n = 0; n < MAX_TERMS; n++) {
      if (grad) {
        hB += 1 / (B + n)
        hC += 1 / (C + n)
      }
      term *= ((B + n) / (C + n)) * z
      F += term
      if (grad) {
        FB += term * hB
        FC -= term * hC
        Fz += (n + 1) * term
      }
      if (term <= 1e-17 * F) break
    }
    Fz /= z
  } else if (grad) {
    Fz = B / C
  }
  const l1z = Math.log1p(-z)
  const lmt = Math.log(mt)
  out[0] = (1 - p) * l1z + Math.log(F) - c * lmt
  if (!grad) return
  const dz = -(1 - p) / (1 - z) + Fz / F
  out[1] = -l1z - FB / F
  out[2] = (FB + FC) / F - lmt
  out[3] = -c / mt - (dz * z) / mt
  out[4] = dz / mt
}

/** Total weighted log-likelihood and (optionally) its gradient with respect to log-parameters. @internal */
export function paretoLogLikelihood(p: readonly number[], d: CustomerColumns, grad?: number[]): number {
  const [r, alpha, s, beta] = p as [number, number, number, number]
  const k = d.uniqueX.length
  const base = new Float64Array(k)
  const lnS = new Float64Array(k)
  const gBase = new Float64Array(k)
  const psiR = grad ? digamma(r) : 0
  const lnAlpha = Math.log(alpha)
  const lnBeta = Math.log(beta)
  for (let j = 0; j < k; j++) {
    const x = d.uniqueX[j]!
    base[j] = lgamma(r + x) - lgamma(r) + r * lnAlpha + s * lnBeta
    lnS[j] = Math.log(s) - Math.log(r + s + x)
    if (grad) gBase[j] = digamma(r + x) - psiR + lnAlpha
  }
  const alphaBranch = alpha >= beta
  const m = alphaBranch ? alpha : beta
  const w = alphaBranch ? alpha - beta : beta - alpha
  const withGrad = grad !== undefined
  let ll = 0
  let gr = 0
  let ga = 0
  let gs = 0
  let gb = 0
  const { x: xs, tx: txs, T: Ts, w: ws, xIndex } = d
  for (let i = 0; i < d.n; i++) {
    const j = xIndex[i]!
    const x = xs[i]!
    const T = Ts[i]!
    const tx = txs[i]!
    const wi = ws[i]!
    const c = r + s + x
    const pp = alphaBranch ? s + 1 : r + x
    const laT = Math.log(alpha + T)
    const lbT = Math.log(beta + T)
    const first = -(r + x) * laT - s * lbT
    let second = Number.NEGATIVE_INFINITY
    let e = 0
    if (T > tx) {
      a0Term(c, pp, w, m, tx, withGrad, T1)
      a0Term(c, pp, w, m, T, withGrad, T2)
      const l1 = T1[0]!
      const l2 = T2[0]!
      if (l2 < l1) {
        e = Math.exp(l2 - l1)
        second = lnS[j]! + l1 + Math.log1p(-e)
      }
    }
    const lse = logAddExp(first, second)
    ll += wi * (base[j]! + lse)
    if (!withGrad) continue
    const s1 = Math.exp(first - lse)
    const s2 = second === Number.NEGATIVE_INFINITY ? 0 : Math.exp(second - lse)
    // base and the first term
    gr += wi * (gBase[j]! - s1 * laT - s2 / c)
    ga += wi * (r / alpha - (s1 * (r + x)) / (alpha + T))
    gs += wi * (lnBeta - s1 * lbT + s2 * (1 / s - 1 / c))
    gb += wi * (s / beta - (s1 * s) / (beta + T))
    if (s2 === 0) continue
    // ln A0 = l1 + ln(1 − e^{l2−l1}):  d ln A0 = (dl1 − e·dl2) / (1 − e)
    const k2 = (s2 * wi) / (1 - e)
    const dp = T1[1]! - e * T2[1]!
    const dc = T1[2]! - e * T2[2]!
    const dm = T1[3]! - e * T2[3]!
    const dw = T1[4]! - e * T2[4]!
    gr += k2 * (dc + (alphaBranch ? 0 : dp))
    gs += k2 * (dc + (alphaBranch ? dp : 0))
    if (alphaBranch) {
      ga += k2 * (dm + dw)
      gb -= k2 * dw
    } else {
      gb += k2 * (dm + dw)
      ga -= k2 * dw
    }
  }
  if (grad) {
    grad[0] = gr * r
    grad[1] = ga * alpha
    grad[2] = gs * s
    grad[3] = gb * beta
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
 * Fits the Pareto/NBD model by maximum likelihood (log-parameters, BFGS with an analytic gradient that is
 * accumulated alongside the hypergeometric series, Nelder–Mead restarts when BFGS stalls). The likelihood is flat along (s, β): compare fits by log-likelihood.
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
  const g = [0, 0, 0, 0]
  const { theta, report } = maximizeLikelihood(
    {
      names: ['r', 'alpha', 's', 'beta'],
      meanNll: (th) => -paretoLogLikelihood(th.map(Math.exp), data) / W,
      gradient: (th, out) => {
        const v = -paretoLogLikelihood(th.map(Math.exp), data, g) / W
        for (let i = 0; i < 4; i++) out[i] = -g[i]! / W
        return v
      },
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
  const logLik = paretoLogLikelihood([params.r, params.alpha, params.s, params.beta], original)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
