import { AnalyticsError } from '../clv/analytics-error.js'
import { solveLinearSystem } from './solve-linear-system.js'

/** Options of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** L2 penalty `λ/2 · Σ βⱼ²` on the coefficients (never on the intercept); default 1 (scikit-learn's `C = 1`). */
  readonly l2?: number
  /** Newton (IRLS) iteration cap; default 100. */
  readonly maxIterations?: number
  /** Stop when the largest parameter change is below this; default 1e-10. */
  readonly tolerance?: number
  /** Per-row weights (default all 1). */
  readonly weights?: readonly number[]
}

/** A fitted logistic regression on the given design (no standardisation here). */
export interface LogisticRegressionFit {
  /** Intercept β₀. */
  readonly intercept: number
  /** Coefficients β₁…βₚ, aligned with the columns of `X`. */
  readonly coefficients: readonly number[]
  /** Newton iterations used. */
  readonly iterations: number
  /** True when the tolerance was reached within `maxIterations`. */
  readonly converged: boolean
  /** Penalised negative log-likelihood at the solution. */
  readonly objective: number
}

/**
 * Fits `P(y = 1 | x) = σ(β₀ + x·β)` by penalised maximum likelihood with Newton's method (IRLS) and step halving:
 * deterministic, no learning rate to tune, and with `l2 > 0` well defined even on separable data. Standardise the
 * features first (the churn classifier does) so that the penalty treats them alike.
 *
 * @throws `AnalyticsError` `INVALID_INPUT` for ragged or non-finite data, labels other than 0/1, or a negative `l2`.
 *
 * @example
 * ```ts
 * const fit = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0.1 })
 * fit.coefficients[0] // > 0
 * ```
 */
export function fitLogisticRegression(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionFit {
  const l2 = options.l2 ?? 1
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-10
  const n = X.length
  const p = n > 0 ? X[0]!.length : 0
  if (y.length !== n)
    throw new AnalyticsError('INVALID_INPUT', 'X and y must have the same length', { n, y: y.length })
  if (!(l2 >= 0)) throw new AnalyticsError('INVALID_INPUT', 'l2 must be ≥ 0', { l2 })
  const w = options.weights ?? new Array<number>(n).fill(1)
  X.forEach((row, i) => {
    if (row.length !== p || !row.every(Number.isFinite)) {
      throw new AnalyticsError('INVALID_INPUT', `row ${i} must have ${p} finite values`, { index: i })
    }
    if (y[i] !== 0 && y[i] !== 1)
      throw new AnalyticsError('INVALID_INPUT', `y[${i}] must be 0 or 1`, { index: i })
    if (!(w[i]! >= 0)) throw new AnalyticsError('INVALID_INPUT', `weights[${i}] must be ≥ 0`, { index: i })
  })
  const k = p + 1
  let beta = new Array<number>(k).fill(0)
  const objective = (b: readonly number[]): number => {
    let s = 0
    for (let i = 0; i < n; i++) {
      const eta = linear(b, X[i]!)
      // −[y·η − log(1 + e^η)], computed stably
      s += w[i]! * (softplus(eta) - y[i]! * eta)
    }
    for (let j = 1; j < k; j++) s += (l2 / 2) * b[j]! * b[j]!
    return s
  }
  let current = objective(beta)
  let iterations = 0
  let converged = false
  while (iterations < maxIterations) {
    iterations++
    const grad = new Array<number>(k).fill(0)
    const H = Array.from({ length: k }, () => new Array<number>(k).fill(0))
    for (let i = 0; i < n; i++) {
      const row = X[i]!
      const mu = sigmoid(linear(beta, row))
      const r = w[i]! * (mu - y[i]!)
      const v = w[i]! * mu * (1 - mu)
      for (let a = 0; a < k; a++) {
        const xa = a === 0 ? 1 : row[a - 1]!
        grad[a]! += r * xa
        if (v === 0) continue
        const Ha = H[a]!
        for (let c = a; c < k; c++) Ha[c]! += v * xa * (c === 0 ? 1 : row[c - 1]!)
      }
    }
    for (let a = 0; a < k; a++) {
      for (let c = 0; c < a; c++) H[a]![c] = H[c]![a]!
      if (a > 0) {
        grad[a]! += l2 * beta[a]!
        H[a]![a]! += l2
      }
      H[a]![a]! += 1e-12 // keeps an all-constant design solvable
    }
    const step = solveLinearSystem(H, grad)
    if (!step) break
    let t = 1
    let next = beta.map((b, j) => b - t * step[j]!)
    let value = objective(next)
    while (value > current + 1e-12 * Math.abs(current) && t > 1e-10) {
      t /= 2
      next = beta.map((b, j) => b - t * step[j]!)
      value = objective(next)
    }
    const change = Math.max(...next.map((b, j) => Math.abs(b - beta[j]!)))
    beta = next
    current = value
    if (change < tolerance) {
      converged = true
      break
    }
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), iterations, converged, objective: current }
}

/** The logistic function σ(z) = 1 / (1 + e^−z), computed without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))
}

function linear(beta: readonly number[], row: readonly number[]): number {
  let s = beta[0]!
  for (let j = 0; j < row.length; j++) s += beta[j + 1]! * row[j]!
  return s
}
