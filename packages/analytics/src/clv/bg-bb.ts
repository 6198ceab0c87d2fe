import { AnalyticsError } from './analytics-error.js'
import { checkCount, checkParams, checkWeight } from './customer-data.js'
import type { FitOptions } from './fit-report.js'
import { maximizeLikelihood } from './fit-report.js'
import { digamma, lbeta, lgamma, logAddExp } from './special-functions.js'
import type { FitOutcome } from './transaction-model.js'

/** A customer in discrete time: transactions at `n` equally spaced opportunities (e.g. yearly donations). */
export interface BgBbCustomer {
  /** Number of repeat transactions x (0 ≤ x ≤ recency). */
  frequency: number
  /** Opportunity of the last transaction t_x (0 when x = 0; x ≤ t_x ≤ n). */
  recency: number
  /** Number of transaction opportunities observed. */
  n: number
  /** Optional multiplicity (e.g. the count of customers sharing this pattern); default 1. */
  weight?: number
}

/** BG/BB parameters: transaction probability p ~ Beta(α, β); dropout probability θ ~ Beta(γ, δ). */
export interface BgBbParams {
  /** Beta shape α of the transaction probability. */
  alpha: number
  /** Beta shape β of the transaction probability. */
  beta: number
  /** Beta shape γ of the dropout probability. */
  gamma: number
  /** Beta shape δ of the dropout probability. */
  delta: number
}

/** The beta-geometric/beta-Bernoulli model (Fader, Hardie & Shang 2010). See {@link bgBb} and {@link fitBgBb}. */
export interface BgBbModel {
  /** `'bg-bb'`. */
  readonly model: string
  /** Natural-scale parameters. */
  readonly params: Readonly<BgBbParams>
  /** Expected transactions in the next `futureOpportunities` opportunities: E[X(n, n + n*) | x, t_x, n]. */
  expectedPurchases(futureOpportunities: number, customer: BgBbCustomer): number
  /**
   * Probability the customer is alive at opportunity n + `periodsAhead` (default 0: alive after the last observed
   * opportunity). Fader, Hardie & Shang's table 6 "alive in 2002" for 1996–2001 data is `periodsAhead = 1`.
   */
  probabilityAlive(customer: BgBbCustomer, periodsAhead?: number): number
  /** Expected transactions of a new customer over the first n opportunities: E[X(n)]. */
  expectedPurchasesNewCustomer(n: number): number
  /** P(X(n) = x): probability a new customer makes exactly x transactions in n opportunities. */
  probabilityOfPurchases(x: number, n: number): number
  /** Total (weighted) log-likelihood of a data set under these parameters. */
  logLikelihoodOf(customers: readonly BgBbCustomer[]): number
}

function checkBgBbCustomer(c: BgBbCustomer, i = 0): void {
  const x = checkCount(c?.frequency, 'frequency', i)
  const tx = checkCount(c.recency, 'recency', i)
  const n = checkCount(c.n, 'n', i)
  checkWeight(c.weight, i)
  if (tx > n || x > tx || (x === 0 && tx !== 0) || (x > 0 && tx === 0)) {
    throw new AnalyticsError(
      'INVALID_INPUT',
      `customers[${i}] must satisfy 0 ≤ frequency ≤ recency ≤ n, and recency = 0 exactly when frequency = 0 (got x=${x}, t_x=${tx}, n=${n})`,
      { index: i },
    )
  }
}

function customerLogLik(p: readonly number[], x: number, tx: number, n: number): number {
  const [al, be, ga, de] = p as [number, number, number, number]
  const lbAB = lbeta(al, be)
  const lbGD = lbeta(ga, de)
  let ll = lbeta(al + x, be + n - x) - lbAB + lbeta(ga, de + n) - lbGD
  for (let i = 0; i < n - tx; i++) {
    ll = logAddExp(ll, lbeta(al + x, be + tx - x + i) - lbAB + lbeta(ga + 1, de + tx + i) - lbGD)
  }
  return ll
}

function totalLogLik(p: readonly number[], rows: readonly BgBbCustomer[]): number {
  let ll = 0
  for (const c of rows) ll += (c.weight ?? 1) * customerLogLik(p, c.frequency, c.recency, c.n)
  return ll
}

/**
 * Builds a BG/BB model from known parameters.
 *
 * @param params - alpha, beta, gamma, delta (all > 0)
 * @returns the model's prediction functions
 * @throws AnalyticsError `INVALID_PARAMS` if a parameter is not finite and > 0
 *
 * @example
 * ```ts
 * import { bgBb } from '@rapport/analytics/clv'
 * const model = bgBb({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 })
 * model.probabilityAlive({ frequency: 6, recency: 6, n: 6 }, 1) // ≈ 0.93
 * ```
 */
export function bgBb(params: BgBbParams): BgBbModel {
  const { alpha, beta, gamma, delta } = params
  checkParams({ alpha, beta, gamma, delta }, 'BG/BB')
  const p = [alpha, beta, gamma, delta]
  /** Γ(γ+δ)/Γ(1+δ) · [D(k0) − D(k1)] / (γ − 1), D(k) = Γ(1+δ+k)/Γ(γ+δ+k), stable at γ → 1. */
  const dropoutBracket = (k0: number, k1: number) => {
    const lD0 = lgamma(1 + delta + k0) - lgamma(gamma + delta + k0)
    const lD1 = lgamma(1 + delta + k1) - lgamma(gamma + delta + k1)
    const eps = gamma - 1
    const lead = lgamma(gamma + delta) - lgamma(1 + delta) + lD0
    const diff = lD1 - lD0
    const ratio =
      Math.abs(eps) < 1e-9 ? digamma(1 + delta + k1) - digamma(1 + delta + k0) : -Math.expm1(diff) / eps
    return Math.exp(lead) * ratio
  }
  return {
    model: 'bg-bb',
    params: Object.freeze({ alpha, beta, gamma, delta }),
    expectedPurchases(nStar, c) {
      checkBgBbCustomer(c)
      checkCount(nStar, 'futureOpportunities', 0)
      const { frequency: x, recency: tx, n } = c
      const ll = customerLogLik(p, x, tx, n)
      const lead = lbeta(alpha + x + 1, beta + n - x) - lbeta(alpha, beta) - ll + Math.log(delta)
      return Math.exp(lead) * dropoutBracket(n, n + nStar)
    },
    probabilityAlive(c, periodsAhead = 0) {
      checkBgBbCustomer(c)
      checkCount(periodsAhead, 'periodsAhead', 0)
      const { frequency: x, recency: tx, n } = c
      const ll = customerLogLik(p, x, tx, n)
      return Math.exp(
        lbeta(alpha + x, beta + n - x) -
          lbeta(alpha, beta) +
          lbeta(gamma, delta + n + periodsAhead) -
          lbeta(gamma, delta) -
          ll,
      )
    },
    expectedPurchasesNewCustomer(n) {
      checkCount(n, 'n', 0)
      return (alpha / (alpha + beta)) * delta * dropoutBracket(0, n)
    },
    probabilityOfPurchases(x, n) {
      checkCount(x, 'x', 0)
      checkCount(n, 'n', 0)
      if (x > n) return 0
      const lbAB = lbeta(alpha, beta)
      const lbGD = lbeta(gamma, delta)
      const lchoose = (a: number, b: number) => lgamma(a + 1) - lgamma(b + 1) - lgamma(a - b + 1)
      let lp = lchoose(n, x) + lbeta(alpha + x, beta + n - x) - lbAB + lbeta(gamma, delta + n) - lbGD
      for (let i = x; i < n; i++) {
        lp = logAddExp(
          lp,
          lchoose(i, x) + lbeta(alpha + x, beta + i - x) - lbAB + lbeta(gamma + 1, delta + i) - lbGD,
        )
      }
      return Math.exp(lp)
    },
    logLikelihoodOf(customers) {
      customers.forEach(checkBgBbCustomer)
      return totalLogLik(p, customers)
    },
  }
}

/**
 * Fits the BG/BB model by maximum likelihood (log-parameters, BFGS with central-difference gradients and
 * Nelder–Mead restarts). The likelihood is summed in log space (log-sum-exp over the dropout opportunities), so
 * long histories do not underflow.
 *
 * @param customers - `{ frequency, recency, n, weight? }`, typically one row per (x, t_x, n) pattern with its count
 * @param options - penalizer, initial parameters, restarts; see {@link FitOptions}
 * @returns the fitted model with `params`, `logLikelihood`, `converged` and a {@link FitReport}
 * @throws AnalyticsError `INVALID_INPUT` for invalid rows, `FIT_FAILED` if fitting fails
 *
 * @example
 * ```ts
 * import { fitBgBb } from '@rapport/analytics/clv'
 * const m = fitBgBb([
 *   { frequency: 0, recency: 0, n: 6, weight: 3464 },
 *   { frequency: 1, recency: 1, n: 6, weight: 1091 },
 *   { frequency: 3, recency: 5, n: 6, weight: 225 },
 *   { frequency: 6, recency: 6, n: 6, weight: 1203 },
 * ])
 * m.expectedPurchases(5, { frequency: 3, recency: 5, n: 6 })
 * ```
 */
export function fitBgBb(
  customers: readonly BgBbCustomer[],
  options: FitOptions = {},
): BgBbModel & FitOutcome {
  if (!Array.isArray(customers) || customers.length === 0) {
    throw new AnalyticsError('INVALID_INPUT', 'customers must be a non-empty array')
  }
  customers.forEach(checkBgBbCustomer)
  // Collapse identical (x, t_x, n) patterns: the likelihood only depends on them.
  const grouped = new Map<string, BgBbCustomer>()
  let W = 0
  for (const c of customers) {
    const key = `${c.frequency},${c.recency},${c.n}`
    const w = c.weight ?? 1
    W += w
    const g = grouped.get(key)
    if (g) g.weight = (g.weight ?? 1) + w
    else grouped.set(key, { frequency: c.frequency, recency: c.recency, n: c.n, weight: w })
  }
  const rows = [...grouped.values()]
  const { theta, report } = maximizeLikelihood(
    {
      names: ['alpha', 'beta', 'gamma', 'delta'],
      meanNll: (th) => -totalLogLik(th.map(Math.exp), rows) / W,
      starts: [
        [0.1, 0.1, 0.1, 0.1],
        [0, 0, 0, 0],
        [Math.log(0.5), Math.log(2), Math.log(0.5), Math.log(2)],
      ],
    },
    options,
  )
  const [alpha, beta, gamma, delta] = theta.map(Math.exp) as [number, number, number, number]
  const model = bgBb({ alpha, beta, gamma, delta })
  const logLik = totalLogLik([alpha, beta, gamma, delta], rows)
  return { ...model, logLikelihood: logLik, converged: report.converged, report }
}
