/**
 * Small dependency-free unconstrained optimisers used to fit the BTYD models on log-parameters:
 * BFGS (analytic or central-difference gradients, backtracking Armijo line search) and Nelder–Mead.
 * Internal module: the public surface is the fit functions and their {@link FitReport}.
 */

/** Objective to minimise. Non-finite values are treated as +∞ (the line search backs off). */
export type Objective = (x: readonly number[]) => number
/** Gradient of an {@link Objective}; writes into `out` and returns the objective value at `x`. */
export type Gradient = (x: readonly number[], out: number[]) => number

/** Outcome of one optimiser run. */
export interface OptimizeResult {
  x: number[]
  value: number
  iterations: number
  evaluations: number
  /** ∞-norm of the gradient at `x` (NaN for Nelder–Mead). */
  gradientNorm: number
  converged: boolean
  message: string
}

const FINITE_DIFF_STEP = 6e-6
const FORWARD_DIFF_STEP = 1.5e-8

/**
 * Finite-difference gradient; returns f(x). Uses forward differences (k + 1 evaluations) while the gradient is
 * large and switches to central differences (2k + 1, accurate to ~1e-10) near a stationary point.
 */
export function numericGradient(f: Objective): Gradient {
  let lastNorm = Number.POSITIVE_INFINITY
  return (x, out) => {
    const xs = x.slice()
    const central = lastNorm < 1e-2
    const f0 = f(xs)
    let norm = 0
    for (let i = 0; i < xs.length; i++) {
      const xi = xs[i]!
      if (central) {
        const h = FINITE_DIFF_STEP * Math.max(1, Math.abs(xi))
        xs[i] = xi + h
        const fp = f(xs)
        xs[i] = xi - h
        const fm = f(xs)
        out[i] = (fp - fm) / (2 * h)
      } else {
        const h = FORWARD_DIFF_STEP * Math.max(1, Math.abs(xi))
        xs[i] = xi + h
        out[i] = (f(xs) - f0) / h
      }
      xs[i] = xi
      norm = Math.max(norm, Math.abs(out[i]!))
    }
    lastNorm = norm
    return f0
  }
}

function safe(v: number): number {
  return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY
}

function infNorm(g: readonly number[]): number {
  let m = 0
  for (const v of g) m = Math.max(m, Math.abs(v))
  return m
}

/** Options for {@link minimizeBfgs}. */
export interface BfgsOptions {
  gtol?: number
  maxIterations?: number
  /** Largest ∞-norm of a single step (in log-parameter units). */
  maxStep?: number
  /**
   * The gradient is about as cheap as the value (analytic): evaluate both at each line-search trial and reuse the
   * gradient of the accepted point. Default false (value-only trials, then one gradient).
   */
  cheapGradient?: boolean
  /** Stops early (not converged) when it returns true for the current point, e.g. a parameter running off. */
  stopWhen?: (x: readonly number[]) => boolean
}

/**
 * BFGS quasi-Newton minimisation with a backtracking Armijo line search and Powell-safe updates.
 */
export function minimizeBfgs(f: Objective, grad: Gradient, x0: readonly number[], options: BfgsOptions = {}) {
  const gtol = options.gtol ?? 1e-9
  const maxIterations = options.maxIterations ?? 400
  const maxStep = options.maxStep ?? 3
  const cheap = options.cheapGradient ?? false
  const n = x0.length
  let evaluations = 0
  const fe: Objective = (x) => {
    evaluations++
    return safe(f(x))
  }
  let x = x0.slice()
  let g = new Array<number>(n).fill(0)
  let fx = safe(grad(x, g))
  evaluations++
  if (!Number.isFinite(fx) || g.some((v) => !Number.isFinite(v))) {
    return result(x, fx, 0, Number.NaN, false, 'objective or gradient is not finite at the start point')
  }
  // Inverse Hessian approximation, row-major.
  let H = identity(n)
  let iterations = 0
  let message = 'maximum number of iterations reached'
  let converged = false
  let resetOnce = false
  for (; iterations < maxIterations; iterations++) {
    if (infNorm(g) <= gtol) {
      converged = true
      message = 'gradient norm below tolerance'
      break
    }
    if (options.stopWhen?.(x)) {
      message = 'stopped: a parameter left the search region'
      break
    }
    let d = matVec(H, g).map((v) => -v)
    let slope = dot(g, d)
    if (!(slope < 0)) {
      H = identity(n)
      d = g.map((v) => -v)
      slope = dot(g, d)
    }
    const dn = infNorm(d)
    if (dn > maxStep) {
      const s = maxStep / dn
      d = d.map((v) => v * s)
      slope *= s
    }
    // Backtracking Armijo line search with quadratic interpolation.
    let step = 1
    let xNew = x
    let fNew = Number.POSITIVE_INFINITY
    let accepted = false
    const gNew = new Array<number>(n).fill(0)
    for (let k = 0; k < 60; k++) {
      xNew = x.map((v, i) => v + step * d[i]!)
      if (cheap) {
        fNew = safe(grad(xNew, gNew))
        evaluations++
      } else fNew = fe(xNew)
      if (fNew <= fx + 1e-4 * step * slope) {
        accepted = true
        break
      }
      const q = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - fx - slope * step)) : step * 0.1
      step = Math.min(0.5 * step, Math.max(0.1 * step, q))
    }
    if (!accepted || fNew >= fx) {
      // No decrease possible along the quasi-Newton direction: retry once from steepest descent, then stop.
      if (!resetOnce) {
        resetOnce = true
        H = identity(n)
        continue
      }
      message = 'line search could not decrease the objective (precision limit)'
      break
    }
    resetOnce = false
    let fCheck = fNew
    if (!cheap) {
      fCheck = safe(grad(xNew, gNew))
      evaluations++
    }
    const s = xNew.map((v, i) => v - x[i]!)
    const y = gNew.map((v, i) => v - g[i]!)
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (iterations === 0) H = identity(n).map((v) => (v * sy) / dot(y, y))
      const rho = 1 / sy
      const Hy = matVec(H, y)
      const yHy = dot(y, Hy)
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] =
            H[i * n + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!
        }
      }
    }
    x = xNew
    fx = Number.isFinite(fCheck) ? fCheck : fNew
    g = gNew
  }
  const gn = infNorm(g)
  return result(x, fx, iterations, gn, converged, message)

  function result(
    x: number[],
    value: number,
    it: number,
    gn: number,
    conv: boolean,
    msg: string,
  ): OptimizeResult {
    return { x, value, iterations: it, evaluations, gradientNorm: gn, converged: conv, message: msg }
  }
}

/** Options for {@link minimizeNelderMead}. */
export interface NelderMeadOptions {
  maxIterations?: number
  /** Stop when the simplex's value spread is below this. */
  ftol?: number
  /** Stop when the simplex's diameter (∞-norm) is below this. */
  xtol?: number
  /** Initial simplex edge. */
  step?: number
  /** Stops early (not converged) when it returns true for the best point. */
  stopWhen?: (x: readonly number[]) => boolean
}

/**
 * Nelder–Mead simplex minimisation (adaptive coefficients of Gao & Han 2012).
 */
export function minimizeNelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}) {
  const n = x0.length
  const maxIterations = options.maxIterations ?? 200 * n
  const ftol = options.ftol ?? 1e-10
  const xtol = options.xtol ?? 1e-8
  const step = options.step ?? 0.5
  const alpha = 1
  const beta = 1 + 2 / n
  const gamma = 0.75 - 1 / (2 * n)
  const delta = 1 - 1 / n
  let evaluations = 0
  const fe: Objective = (x) => {
    evaluations++
    return safe(f(x))
  }
  const simplex: { x: number[]; f: number }[] = [{ x: x0.slice(), f: fe(x0) }]
  for (let i = 0; i < n; i++) {
    const x = x0.slice()
    x[i] = x[i]! + step
    simplex.push({ x, f: fe(x) })
  }
  let iterations = 0
  let converged = false
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.f - q.f)
    const best = simplex[0]!
    const worst = simplex[n]!
    let diameter = 0
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) diameter = Math.max(diameter, Math.abs(simplex[i]!.x[j]! - best.x[j]!))
    }
    if (Math.abs(worst.f - best.f) <= ftol * (1 + Math.abs(best.f)) && diameter <= xtol) {
      converged = true
      break
    }
    if (options.stopWhen?.(best.x)) break
    const centroid = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[i]!.x[j]! / n
    const along = (t: number) => centroid.map((c, j) => c + t * (c - worst.x[j]!))
    const xr = along(alpha)
    const fr = fe(xr)
    if (fr < best.f) {
      const xe = along(beta)
      const fExp = fe(xe)
      simplex[n] = fExp < fr ? { x: xe, f: fExp } : { x: xr, f: fr }
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = { x: xr, f: fr }
    } else {
      const outside = fr < worst.f
      const xc = along(outside ? gamma : -gamma)
      const fc = fe(xc)
      if (fc < (outside ? fr : worst.f)) {
        simplex[n] = { x: xc, f: fc }
      } else {
        for (let i = 1; i <= n; i++) {
          const x = simplex[i]!.x.map((v, j) => best.x[j]! + delta * (v - best.x[j]!))
          simplex[i] = { x, f: fe(x) }
        }
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f)
  const best = simplex[0]!
  return {
    x: best.x,
    value: best.f,
    iterations,
    evaluations,
    gradientNorm: Number.NaN,
    converged,
    message: converged ? 'simplex converged' : 'maximum number of iterations reached',
  } satisfies OptimizeResult
}

function identity(n: number): number[] {
  const m = new Array<number>(n * n).fill(0)
  for (let i = 0; i < n; i++) m[i * n + i] = 1
  return m
}

function matVec(m: readonly number[], v: readonly number[]): number[] {
  const n = v.length
  const out = new Array<number>(n).fill(0)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < n; j++) s += m[i * n + j]! * v[j]!
    out[i] = s
  }
  return out
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
