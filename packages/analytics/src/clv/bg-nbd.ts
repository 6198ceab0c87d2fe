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

/** BG/NBD parameters: purchase rate λ ~ Gamma(r, α); dropout probability p ~ Beta(a, b). */
export interface BgNbdParams {
  /** Shape of the purchase-rate gamma. */
  r: number
  /** Scale of the purchase-rate gamma (in the time unit of the data). */
  alpha: number
  /** Beta shape a of the dropout probability. */
  a: number
  /** Beta shape b of the dropout probability. */
  b: number
}

/** A BG/NBD model (Fader, Hardie & Lee 2005). See {@link bgNbd} and {@link fitBgNbd}. */
export type BgNbdModel = TransactionModel<BgNbdParams>

/**
 * Builds a BG/NBD model from known parameters (e.g. persisted from an earlier {@link fitBgNbd}). Note that under
 * BG/NBD a customer can only drop out right after a repeat purchase, so `probabilityAlive` is 1 for every customer
 * with `frequency` 0; use MBG/NBD ({@link mbgNbd}) when that matters.
 *
 * @param params - r, alpha, a, b (all > 0)
 * @returns the model's prediction functions
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { bgNbd } from '@rapport/analytics/clv'
 * const model = bgNbd({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 })
 * model.expectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }) // ≈ 1.226
 * ```
 */
export function bgNbd(params: BgNbdParams): BgNbdModel {
  const { r, alpha, a, b } = params
  checkParams({ r, alpha, a, b }, 'BG/NBD')
  const frozen = Object.freeze({ r, alpha, a, b })
  const logitDead = (x: number, tx: number, T: number) =>
    Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))
  const probabilityAlive = (c: BtydCustomer) => {
    checkCustomer(c)
    return c.frequency === 0 ? 1 : expit(-logitDead(c.frequency, c.recency, c.T))
  }
  return {
    model: 'bg-nbd',
    params: frozen,
    probabilityAlive,
    expectedPurchases(t, c) {
      checkHorizon(t)
      const pAlive = probabilityAlive(c)
      const x = c.frequency
      return (a + b + x - 1) * bgBracket(a + b - 1 - r, a - 1, a + b + x - 1, t, alpha + c.T) * pAlive
    },
    expectedPurchasesNewCustomer(t) {
      checkHorizon(t)
      return (a + b - 1) * bgBracket(a + b - 1 - r, a - 1, a + b - 1, t, alpha)
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
          : Math.exp(lbeta(a, b + n) - logB + logNbdPmf(r, n, Math.log1p(-z), Math.log(z)))
      if (n === 0) return first
      return first + Math.exp(lbeta(a + 1, b + n - 1) - logB) * nbdUpperTail(r, n, z)
    },
    logLikelihoodOf(customers) {
      return bgNbdLogLikelihood([r, alpha, a, b], toColumns(customers))
    },
  }
}

/** Total weighted log-likelihood and (optionally) its gradient with respect to log-parameters. @internal */
export function bgNbdLogLikelihood(p: readonly number[], d: CustomerColumns, grad?: number[]): number {
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
    base[j] = lgamma(r + x) - lgamma(r) + r * lnA + lbeta(a, b + x) - lnBab
    logit0[j] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0
    if (grad) {
      const psiABx = digamma(a + b + x)
      gr[j] = digamma(r + x) - psiR + lnA
      ga[j] = psiAB - psiABx
      gb[j] = digamma(b + x) - psiABx - psiB + psiAB
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
    let li = base[j]! - (r + x) * l1
    if (x > 0) {
      const l2 = Math.log(alpha + txs[i]!)
      const u = logit0[j]! + (r + x) * (l1 - l2)
      // softplus(u) and expit(u) from one exponential.
      const e = Math.exp(-Math.abs(u))
      li += Math.max(u, 0) + Math.log1p(e)
      if (grad) {
        const s = u >= 0 ? 1 / (1 + e) : e / (1 + e)
        const i1 = 1 / (alpha + Ts[i]!)
        const i2 = 1 / (alpha + txs[i]!)
        dr += w * (gr[j]! - l1 + s * (l1 - l2))
        dAlpha += w * (r / alpha - (r + x) * i1 + s * (r + x) * (i1 - i2))
        da += w * (ga[j]! + s / a)
        db += w * (gb[j]! - s / (b + x - 1))
      }
    } else if (grad) {
      dr += w * (gr[j]! - l1)
      dAlpha += w * (r / alpha - r / (alpha + Ts[i]!))
      da += w * ga[j]!
      db += w * gb[j]!
    }
    ll += w * li
  }
  if (grad) {
    grad[0] = dr * r
    grad[1] = dAlpha * alpha
    grad[2] = da * a
    grad[3] = db * b
  }
  return ll
}

/** Default start points (log-parameters, time rescaled to max T = 1). */
const STARTS = [
  [0.1, 0.1, 0.1, 0.1],
  [0, Math.log(0.1), 0, Math.log(3)],
  [Math.log(0.5), Math.log(0.05), Math.log(0.5), Math.log(0.5)],
  [0, 0, Math.log(2), Math.log(5)],
]

/**
 * Fits the BG/NBD model by maximum likelihood (log-parameters, analytic gradient, BFGS with restarts).
 *
 * @param customers - `{ frequency, recency, T, weight? }` per customer, all times in one unit
 * @param options - penalizer, initial parameters, restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for invalid customers, `FIT_FAILED` if no finite optimum is found
 *
 * @example
 * ```ts
 * import { fitBgNbd } from '@rapport/analytics/clv'
 * const m = fitBgNbd([
 *   { frequency: 2, recency: 30.43, T: 38.86 },
 *   { frequency: 0, recency: 0, T: 38.86 },
 *   { frequency: 5, recency: 20, T: 30 },
 * ])
 * console.log(m.params, m.logLikelihood, m.converged)
 * m.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 })
 * ```
 */
export function fitBgNbd(customers: readonly BtydCustomer[], options: FitOptions = {}): Fitted<BgNbdModel> {
  const original = toColumns(customers)
  const { data, scale } = scaleColumns(original)
  const W = data.weightSum
  const g = [0, 0, 0, 0]
  const { theta, report } = maximizeLikelihood(
    {
      names: ['r', 'alpha', 'a', 'b'],
      meanNll: (th) => -bgNbdLogLikelihood(th.map(Math.exp), data) / W,
      gradient: (th, out) => {
        const v = -bgNbdLogLikelihood(th.map(Math.exp), data, g) / W
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
  const model = bgNbd({ r, alpha: alphaScaled / scale, a, b })
  const logLik = bgNbdLogLikelihood([r, alphaScaled / scale, a, b], original)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
