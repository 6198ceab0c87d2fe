import { checkNumber, checkReal, invalid } from '../validation/input-checks.js'
import { AnalyticsError } from './analytics-error.js'

/**
 * Special functions used by the BTYD likelihoods, in log space where it matters. Dependency-free; accurate to
 * roughly 1e-14 relative for the argument ranges the models use (verified against mpmath in the tests).
 */

const LANCZOS_G = 7
const LANCZOS_COEF = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]
const HALF_LOG_2PI = 0.9189385332046727

/**
 * Natural log of |Γ(x)|. Lanczos approximation for x ≥ 0.5, reflection below; `Infinity` at the poles (0, -1, ...).
 *
 * @param x - any real number
 * @returns ln |Γ(x)|
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN
  if (x < 0.5) {
    if (Number.isInteger(x)) return Number.POSITIVE_INFINITY
    // Γ(x)Γ(1−x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x)
  }
  if (x === 1 || x === 2) return 0
  if (x > 1e7) {
    // Stirling series: enough terms for double precision at this size.
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + 1 / (12 * x)
  }
  const xm1 = x - 1
  let a = LANCZOS_COEF[0]!
  const t = xm1 + LANCZOS_G + 0.5
  for (let i = 1; i < 9; i++) a += LANCZOS_COEF[i]! / (xm1 + i)
  return HALF_LOG_2PI + (xm1 + 0.5) * Math.log(t) - t + Math.log(a)
}

/**
 * Sign of Γ(x): +1 for x > 0, alternating between the poles for x < 0 (`NaN` at the poles).
 *
 * @param x - any real number
 * @returns +1 or −1
 */
export function gammaSign(x: number): number {
  if (x > 0) return 1
  if (Number.isInteger(x)) return Number.NaN
  return Math.floor(x) % 2 === 0 ? 1 : -1
}

/**
 * Natural log of the beta function B(a, b) = Γ(a)Γ(b)/Γ(a+b), for a, b > 0.
 *
 * @param a - first shape, > 0
 * @param b - second shape, > 0
 * @returns ln B(a, b)
 */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b)
}

/**
 * Digamma ψ(x) = d/dx ln Γ(x) for x > 0 (recurrence up to 10, then the asymptotic series).
 *
 * @param x - a positive real
 * @returns ψ(x)
 */
export function digamma(x: number): number {
  let result = 0
  while (x < 10) {
    result -= 1 / x
    x += 1
  }
  const inv = 1 / x
  const inv2 = inv * inv
  return (
    result +
    Math.log(x) -
    0.5 * inv -
    inv2 *
      (1 / 12 -
        inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - (inv2 * 691) / 32760)))))
  )
}

/**
 * ln(eᵃ + eᵇ) without overflow.
 *
 * @param a - a log value
 * @param b - a log value
 * @returns ln(eᵃ + eᵇ)
 */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b
  if (b === Number.NEGATIVE_INFINITY) return a
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b))
}

/**
 * ln(1 + eˣ) (softplus) without overflow.
 *
 * @param x - any real number
 * @returns ln(1 + eˣ)
 */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))
}

/**
 * ln(1 − eˣ) for x ≤ 0, accurate near both ends (Mächler 2012).
 *
 * @param x - a non-positive real
 * @returns ln(1 − eˣ)
 */
export function log1mExp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x))
}

/**
 * The logistic function 1 / (1 + e⁻ˣ), without overflow.
 *
 * @param x - any real number
 * @returns a value in [0, 1]
 */
export function expit(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

const MAX_SERIES_TERMS = 5_000_000

/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) by its power series with a running scale, for 0 ≤ z < 1.
 * Returns the result as `{ log, sign }` (ln |₂F₁| and its sign) so values beyond 1e308 stay representable.
 * Intended for the parameter ranges of the BTYD models; callers apply the Euler transform first when it gives a
 * better-conditioned series. Throws `AnalyticsError('INVALID_INPUT')` outside the domain (NaN, c a non-positive
 * integer, z outside [0, 1)) and `AnalyticsError('NOT_CONVERGED')` if the series has not converged after 5 million
 * terms.
 *
 * @param a - first numerator parameter
 * @param b - second numerator parameter
 * @param c - denominator parameter (not 0 or a negative integer)
 * @param z - argument in [0, 1)
 * @returns ln |₂F₁| and the sign of ₂F₁
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): { log: number; sign: number } {
  checkReal(a, 'a')
  checkReal(b, 'b')
  checkReal(c, 'c')
  if (c <= 0 && Number.isInteger(c)) invalid('c', 'not 0 or a negative integer', c)
  checkNumber(z, 'z', { min: 0, below: 1 })
  if (z === 0) return { log: 0, sign: 1 }
  // Sum in a rescaled frame: value = sum · e^{logScale}. Rescale when the sum grows large.
  let term = 1
  let sum = 1
  let logScale = 0
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1))
    term *= ratio
    sum += term
    if (term === 0) return { log: logScale + Math.log(Math.abs(sum)), sign: Math.sign(sum) }
    const absSum = Math.abs(sum)
    if (absSum > 1e250) {
      logScale += Math.log(absSum)
      term /= absSum
      sum /= absSum
    }
    // Converged once the terms are negligible and (past the turning point) shrinking.
    if (Math.abs(term) <= 1e-17 * Math.abs(sum) && n + 1 > -Math.min(a, b, c) && Math.abs(ratio) < 1) {
      return { log: logScale + Math.log(Math.abs(sum)), sign: Math.sign(sum) }
    }
  }
  throw new AnalyticsError(
    'NOT_CONVERGED',
    `logHyp2f1: the series did not converge after ${MAX_SERIES_TERMS} terms (a=${a}, b=${b}, c=${c}, z=${z})`,
    { a, b, c, z },
  )
}

/**
 * Gauss hypergeometric ₂F₁(a, b; c; z) for 0 ≤ z < 1 (see {@link logHyp2f1} for the log-space form).
 *
 * @param a - first numerator parameter
 * @param b - second numerator parameter
 * @param c - denominator parameter
 * @param z - argument in [0, 1)
 * @returns ₂F₁(a, b; c; z)
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const { log, sign } = logHyp2f1(a, b, c, z)
  return sign * Math.exp(log)
}
