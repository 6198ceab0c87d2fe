import { optionalBoolean, optionalNumber } from '../validation/input-checks.js'
import { AnalyticsError } from './analytics-error.js'
import type { Gradient, Objective, OptimizeResult } from './optimize.js'
import { minimizeBfgs, minimizeNelderMead, numericGradient } from './optimize.js'

/**
 * Options shared by every `fit*` function.
 */
export interface FitOptions {
  /**
   * L2 penalty added to the mean negative log-likelihood: `penalizer · Σ θ²` over the natural-scale parameters
   * (the lifetimes `penalizer_coef` convention). Use 0.001–0.1 on small or odd data sets whose likelihood has a
   * ridge (e.g. BG/NBD a, b → ∞). Default 0.
   */
  penalizer?: number
  /** Initial parameters (natural scale, in the model's parameter order). Tried first. */
  initialParams?: readonly number[]
  /** Maximum number of extra starts tried when the first run does not converge. Default 3. */
  maxRestarts?: number
  /** Maximum BFGS iterations per run. Default 400. */
  maxIterations?: number
  /** Throw `FIT_FAILED` instead of returning `converged: false`. Default false. */
  requireConvergence?: boolean
}

/**
 * An honest account of how a fit went. `converged` is true only when the gradient of the (mean) objective is
 * essentially zero at the returned point and no parameter ran off to 0 or ∞.
 */
export interface FitReport {
  /** True when the optimiser reached a stationary point with finite, interior parameters. */
  converged: boolean
  /** Optimiser iterations summed over all runs (starts and polishing). */
  iterations: number
  /** Objective evaluations summed over all runs. */
  evaluations: number
  /** ∞-norm of the gradient of the mean penalised negative log-likelihood with respect to log-parameters. */
  gradientNorm: number
  /** Number of start points tried. */
  starts: number
  /** Human-readable outcome. */
  message: string
}

/** Gradient ∞-norm (mean objective, log-parameters) under which a fit is reported as converged. */
export const GRADIENT_TOLERANCE = 1e-5
const LOG_PARAM_BOUND = 10
/**
 * Beyond this (|ln θ| > 12, i.e. θ below 6e-6 or above 1.6e5) the optimiser stops: the fit will be reported as not
 * converged anyway, and near 0/∞ each likelihood evaluation of the hypergeometric models grows very slow.
 */
const LOG_PARAM_STOP = 12
const stopWhenDrifting = (x: readonly number[]) => x.some((v) => Math.abs(v) > LOG_PARAM_STOP)

/** Internal description of a likelihood to maximise on log-parameters. */
export interface MleProblem {
  names: readonly string[]
  /** Mean negative log-likelihood at log-parameters θ (no penalty). */
  meanNll: Objective
  /** Optional analytic gradient of `meanNll` with respect to θ. */
  gradient?: Gradient
  /** Default start points, log-parameters. */
  starts: readonly (readonly number[])[]
}

/** @internal */
export interface MleResult {
  theta: number[]
  report: FitReport
}

/**
 * Maximise a likelihood on log-parameters: BFGS from the first start (or the caller's), extra starts with
 * Nelder–Mead + BFGS when needed, then a BFGS restart from the optimum with a fresh Hessian to confirm it.
 */
export function maximizeLikelihood(problem: MleProblem, options: FitOptions = {}): MleResult {
  const penalizer = optionalNumber(options.penalizer, 'options.penalizer', 0, { min: 0 })
  const maxRestarts = optionalNumber(options.maxRestarts, 'options.maxRestarts', 3, { min: 0, integer: true })
  const maxIterations = optionalNumber(options.maxIterations, 'options.maxIterations', 400, {
    min: 1,
    integer: true,
  })
  optionalBoolean(options.requireConvergence, 'options.requireConvergence', false)
  const k = problem.names.length
  const objective: Objective =
    penalizer === 0
      ? problem.meanNll
      : (th) => {
          let p = 0
          for (const v of th) p += Math.exp(2 * v)
          return problem.meanNll(th) + penalizer * p
        }
  const baseGrad = problem.gradient ?? numericGradient(problem.meanNll)
  const gradient: Gradient =
    penalizer === 0
      ? baseGrad
      : (th, out) => {
          let f = baseGrad(th, out)
          for (let i = 0; i < th.length; i++) {
            const e2 = Math.exp(2 * th[i]!)
            f += penalizer * e2
            out[i] = out[i]! + 2 * penalizer * e2
          }
          return f
        }
  const starts: number[][] = []
  if (options.initialParams) {
    if (
      options.initialParams.length !== k ||
      options.initialParams.some((v) => !(v > 0 && Number.isFinite(v)))
    ) {
      throw new AnalyticsError(
        'INVALID_INPUT',
        `initialParams must be ${k} finite positive numbers (${problem.names.join(', ')})`,
      )
    }
    starts.push(options.initialParams.map(Math.log))
  }
  for (const s of problem.starts) starts.push(s.slice())
  // Central differences are accurate to ~1e-10 here; ask analytic gradients for more.
  const gtol = problem.gradient ? 1e-9 : 1e-8
  const cheapGradient = problem.gradient !== undefined
  let iterations = 0
  let evaluations = 0
  let tried = 0
  let best: OptimizeResult | undefined
  const consider = (r: OptimizeResult) => {
    iterations += r.iterations
    evaluations += r.evaluations
    if (Number.isFinite(r.value) && (!best || r.value < best.value)) best = r
  }
  for (let i = 0; i < starts.length && tried <= maxRestarts; i++) {
    const x0 = starts[i]!
    tried++
    let r = minimizeBfgs(objective, gradient, x0, {
      maxIterations,
      gtol,
      cheapGradient,
      stopWhen: stopWhenDrifting,
    })
    if (!isGood(r)) {
      // Derivative-free pass first (robust to rough starts), then polish.
      const nm = minimizeNelderMead(objective, x0, { maxIterations: 300 * k, stopWhen: stopWhenDrifting })
      consider(nm)
      if (Number.isFinite(nm.value)) {
        const polished = minimizeBfgs(objective, gradient, nm.x, {
          maxIterations,
          gtol,
          cheapGradient,
          stopWhen: stopWhenDrifting,
        })
        if (polished.value <= r.value || !Number.isFinite(r.value)) r = polished
        else consider(polished)
      }
    }
    consider(r)
    if (best && isGood(best)) break
  }
  if (!best) {
    throw new AnalyticsError('FIT_FAILED', 'the likelihood is not finite at any start point', {
      starts: starts.length,
    })
  }
  // Confirm: restart BFGS from the optimum with a fresh Hessian (the BTYD "re-run from the estimate" check).
  const confirm = minimizeBfgs(objective, gradient, best.x, {
    maxIterations,
    gtol,
    cheapGradient,
    stopWhen: stopWhenDrifting,
  })
  iterations += confirm.iterations
  evaluations += confirm.evaluations
  if (Number.isFinite(confirm.value) && confirm.value <= best.value) best = confirm
  const finalGrad = new Array<number>(k).fill(0)
  const fFinal = gradient(best.x, finalGrad)
  evaluations++
  const gradientNorm = finalGrad.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  if (!Number.isFinite(fFinal) || best.x.some((v) => !Number.isFinite(v))) {
    throw new AnalyticsError('FIT_FAILED', 'fitting ended at a non-finite likelihood', {
      params: best.x.map(Math.exp),
    })
  }
  const boundary = best.x.findIndex((v) => Math.abs(v) > LOG_PARAM_BOUND)
  let converged = gradientNorm <= GRADIENT_TOLERANCE && boundary < 0
  let message: string
  if (boundary >= 0) {
    converged = false
    message = `parameter ${problem.names[boundary]} drifted to ${Math.exp(best.x[boundary]!).toExponential(3)}: the likelihood has a ridge here; add a penalizer (e.g. 0.001–0.1) or more data`
  } else if (converged) {
    message = `converged: gradient norm ${gradientNorm.toExponential(2)} ≤ ${GRADIENT_TOLERANCE}`
  } else {
    message = `not converged: gradient norm ${gradientNorm.toExponential(2)} > ${GRADIENT_TOLERANCE} (${best.message}); try a penalizer or other initialParams`
  }
  const report: FitReport = { converged, iterations, evaluations, gradientNorm, starts: tried, message }
  if (!converged && options.requireConvergence) {
    throw new AnalyticsError('FIT_FAILED', message, { params: best.x.map(Math.exp), gradientNorm })
  }
  return { theta: best.x, report }

  function isGood(r: OptimizeResult): boolean {
    return (
      Number.isFinite(r.value) &&
      r.gradientNorm <= GRADIENT_TOLERANCE &&
      r.x.every((v) => Math.abs(v) <= LOG_PARAM_BOUND)
    )
  }
}
