import { bgBracket, logNbdPmf, nbdUpperTail } from './bg-family.js'
import type { BtydCustomer, CustomerColumns } from './customer-data.js'
import {
  checkCount,
  checkCustomer,
  checkHorizon,
  checkParams,
  scaleColumns,
  toColumns,
  unscaleAlpha,
} from './customer-data.js'
import type { FitOptions } from './fit-report.js'
import { maximizeLikelihood } from './fit-report.js'
import { digamma, expit, lbeta, lgamma } from './special-functions.js'
import type { Fitted, TransactionModel } from './transaction-model.js'

/** MBG/NBD parameters: same roles as {@link BgNbdParams}; customers may also drop out right after the first purchase. */
export interface MbgNbdParams {
  /** Shape of the purchase-rate gamma. */
  r: number
  /** Scale of the purchase-rate gamma (in the time unit of the data). */
  alpha: number
  /** Beta shape a of the dropout probability. */
  a: number
  /** Beta shape b of the dropout probability. */
  b: number
}

/** A modified BG/NBD model (Batislam, Denizel & Filiztekin 2007). See {@link mbgNbd} and {@link fitMbgNbd}. */
export type MbgNbdModel = TransactionModel<MbgNbdParams>

/**
 * Builds an MBG/NBD model from known parameters. Unlike BG/NBD, customers with no repeat purchase can be dead,
 * so `probabilityAlive` is below 1 for them.
 *
 * @param params - r, alpha, a, b (all > 0)
 * @returns the model's prediction functions
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { mbgNbd } from '@rapport/analytics/clv'
 * const model = mbgNbd({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 })
 * model.probabilityAlive({ frequency: 0, recency: 0, T: 39 })
 * ```
 */
export function mbgNbd(params: MbgNbdParams): MbgNbdModel {
  const { r, alpha, a, b } = params
  checkParams({ r, alpha, a, b }, 'MBG/NBD')
  const frozen = Object.freeze({ r, alpha, a, b })
  const probabilityAlive = (c: BtydCustomer) => {
    checkCustomer(c)
    const x = c.frequency
    return expit(
      -(Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + c.T) - Math.log(alpha + c.recency))),
    )
  }
  return {
    model: 'mbg-nbd',
    params: frozen,
    probabilityAlive,
    expectedPurchases(t, c) {
      checkHorizon(t)
      const pAlive = probabilityAlive(c)
      const x = c.frequency
      return (a + b + x) * bgBracket(a + b - r, a - 1, a + b + x, t, alpha + c.T) * pAlive
    },
    expectedPurchasesNewCustomer(t) {
      checkHorizon(t)
      return b * bgBracket(a + b - r, a - 1, a + b, t, alpha)
    },
    probabilityOfPurchases(n, t) {
      checkCount(n, 'n', 0)
      checkHorizon(t)
      const z = t / (alpha + t)
      const logB = lbeta(a, b)
      const first =
        t === 0
          ? n === 0
            ? 1
            : 0
          : Math.exp(lbeta(a, b + 1 + n) - logB + logNbdPmf(r, n, Math.log1p(-z), Math.log(z)))
      return first + Math.exp(lbeta(a + 1, b + n) - logB) * nbdUpperTail(r, n, z)
    },
    logLikelihoodOf(customers) {
      return mbgNbdLogLikelihood([r, alpha, a, b], toColumns(customers))
    },
  }
}

/** Total weighted log-likelihood and (optionally) its gradient with respect to log-parameters. @internal */
export function mbgNbdLogLikelihood(p: readonly number[], d: CustomerColumns, grad?: number[]): number {
  const [r, alpha, a, b] = p as [number, number, number, number]
  const lnA = Math.log(alpha)
  const lnBab = lbeta(a, b)
  const k = d.uniqueX.length
  const base = new Float64Array(k)
  const logit0 = new Float64Array(k)
  const gr = new Float64Array(k)
  const ga = new Float64Array(k)
  const gb = new Float64Array(k)
  const psiR = grad ? digamma(r) : 0
  const psiB = grad ? digamma(b) : 0
  const psiAB = grad ? digamma(a + b) : 0
  for (let j = 0; j < k; j++) {
    const x = d.uniqueX[j]!
    base[j] = lgamma(r + x) - lgamma(r) + r * lnA + lbeta(a, b + x + 1) - lnBab
    logit0[j] = Math.log(a) - Math.log(b + x)
    if (grad) {
      const psiABx = digamma(a + b + x + 1)
      gr[j] = digamma(r + x) - psiR + lnA
      ga[j] = psiAB - psiABx
      gb[j] = digamma(b + x + 1) - psiABx - psiB + psiAB
    }
  }
  let ll = 0
  let dr = 0
  let dAlpha = 0
  let da = 0
  let db = 0
  const { x: xs, tx: txs, T: Ts, w: ws, xIndex } = d
  for (let i = 0; i < d.n; i++) {
    const j = xIndex[i]!
    const x = xs[i]!
    const w = ws[i]!
    const l1 = Math.log(alpha + Ts[i]!)
    const l2 = Math.log(alpha + txs[i]!)
    const u = logit0[j]! + (r + x) * (l1 - l2)
    // softplus(u) and expit(u) from one exponential.
    const e = Math.exp(-Math.abs(u))
    ll += w * (base[j]! - (r + x) * l1 + Math.max(u, 0) + Math.log1p(e))
    if (grad) {
      const s = u >= 0 ? 1 / (1 + e) : e / (1 + e)
      const i1 = 1 / (alpha + Ts[i]!)
      const i2 = 1 / (alpha + txs[i]!)
      dr += w * (gr[j]! - l1 + s * (l1 - l2))
      dAlpha += w * (r / alpha - (r + x) * i1 + s * (r + x) * (i1 - i2))
      da += w * (ga[j]! + s / a)
      db += w * (gb[j]! - s / (b + x))
    }
  }
  if (grad) {
    grad[0] = dr * r
    grad[1] = dAlpha * alpha
    grad[2] = da * a
    grad[3] = db * b
  }
  return ll
}

const STARTS = [
  [0.1, 0.1, 0.1, 0.1],
  [0, Math.log(0.1), 0, Math.log(3)],
  [Math.log(0.5), Math.log(0.05), Math.log(0.5), Math.log(0.5)],
  [0, 0, Math.log(2), Math.log(5)],
]

/**
 * Fits the MBG/NBD model by maximum likelihood (log-parameters, analytic gradient, BFGS with restarts).
 *
 * @param customers - `{ frequency, recency, T, weight? }` per customer, all times in one unit
 * @param options - penalizer, initial parameters, restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for invalid customers, `FIT_FAILED` if no finite optimum is found
 *
 * @example
 * ```ts
 * import { fitMbgNbd } from '@rapport/analytics/clv'
 * const m = fitMbgNbd([
 *   { frequency: 2, recency: 30.43, T: 38.86 },
 *   { frequency: 0, recency: 0, T: 38.86 },
 *   { frequency: 5, recency: 20, T: 30 },
 * ])
 * m.expectedPurchases(52, { frequency: 2, recency: 30.43, T: 38.86 })
 * ```
 */
export function fitMbgNbd(customers: readonly BtydCustomer[], options: FitOptions = {}): Fitted<MbgNbdModel> {
  const original = toColumns(customers)
  const { data, scale } = scaleColumns(original)
  const W = data.weightSum
  const g = [0, 0, 0, 0]
  const { theta, report } = maximizeLikelihood(
    {
      names: ['r', 'alpha', 'a', 'b'],
      meanNll: (th) => -mbgNbdLogLikelihood(th.map(Math.exp), data) / W,
      gradient: (th, out) => {
        const v = -mbgNbdLogLikelihood(th.map(Math.exp), data, g) / W
        for (let i = 0; i < 4; i++) out[i] = -g[i]! / W
        return v
      },
      starts: STARTS,
    },
    {
      ...options,
      ...(options.initialParams ? { initialParams: unscaleAlpha(options.initialParams, scale, 1) } : {}),
    },
  )
  const [r, alphaScaled, a, b] = theta.map(Math.exp) as [number, number, number, number]
  const model = mbgNbd({ r, alpha: alphaScaled / scale, a, b })
  const logLik = mbgNbdLogLikelihood([r, alphaScaled / scale, a, b], original)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
