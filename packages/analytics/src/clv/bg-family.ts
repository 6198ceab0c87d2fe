/**
 * Numerics shared by BG/NBD and MBG/NBD predictions.
 * @internal
 */
import { gammaSign, lgamma, logHyp2f1 } from './special-functions.js'

const MAX_TERMS = 20_000_000

/**
 * [1 − (1−z)^ε · ₂F₁(A, ε; C; z)] / ε with z = t/(s+t), exactly and stably for every ε (including ε → 0, i.e.
 * a → 1) and every horizon t.
 *
 * Writing ₂F₁(A, ε; C; z) = 1 + ε·S with S = Σₙ (A)ₙ/(C)ₙ · (ε+1)ₙ₋₁/n! · zⁿ removes the 0/0 at ε = 0, and the
 * Euler-transformed form keeps all magnitudes moderate where the textbook form overflows (large x, long horizons).
 * For z close to 1 (very long horizons) the series is replaced by the 1 − z connection formula.
 */
export function bgBracket(A: number, eps: number, C: number, t: number, s: number): number {
  if (t <= 0) return 0
  const z = t / (s + t)
  const w = s / (s + t)
  if (w < 0.01) {
    const far = bracketNearOne(A, eps, C, w)
    if (far !== undefined && Number.isFinite(far)) return far
  }
  let term = (A / C) * z
  let S = term
  for (let n = 1; n < MAX_TERMS; n++) {
    const ratio = (((A + n) / (C + n)) * (eps + n) * z) / (n + 1)
    term *= ratio
    S += term
    if (Math.abs(term) <= 1e-17 * Math.abs(S) && Math.abs(ratio) < 1 && n > -C) break
    if (term === 0) break
  }
  const L = Math.log(w)
  const q = eps * S
  if (eps === 0) return -(L + S)
  if (q > -1) return -Math.expm1(eps * L + Math.log1p(q)) / eps
  return (1 - Math.exp(eps * L) * (1 + q)) / eps
}

/**
 * The same bracket through Abramowitz & Stegun 15.3.6 (argument w = 1 − z): fast when w is small. Returns
 * `undefined` in the degenerate cases (C − A − ε within 1e-6 of an integer, or |ε| < 1e-6), where the caller
 * falls back to the series.
 */
function bracketNearOne(A: number, eps: number, C: number, w: number): number | undefined {
  const m = C - A - eps
  if (Math.abs(m - Math.round(m)) < 1e-6 || Math.abs(eps) < 1e-6) return undefined
  const lw = Math.log(w)
  const lgC = lgamma(C)
  const f1 = logHyp2f1(A, eps, 1 - m, w)
  const l1 = eps * lw + lgC + lgamma(m) - lgamma(C - A) - lgamma(C - eps) + f1.log
  const s1 = gammaSign(C) * gammaSign(m) * gammaSign(C - A) * gammaSign(C - eps) * f1.sign
  let G = s1 * Math.exp(l1)
  if (!(A <= 0 && Number.isInteger(A))) {
    const f2 = logHyp2f1(C - A, C - eps, 1 + m, w)
    const l2 = (C - A) * lw + lgC + lgamma(-m) - lgamma(A) - lgamma(eps) + f2.log
    const s2 = gammaSign(C) * gammaSign(-m) * gammaSign(A) * gammaSign(eps) * f2.sign
    G += s2 * Math.exp(l2)
  }
  return (1 - G) / eps
}

/** ln of the negative-binomial pmf Γ(r+j)/(Γ(r) j!) (1−z)^r z^j. */
export function logNbdPmf(r: number, j: number, logOneMinusZ: number, logZ: number): number {
  return lgamma(r + j) - lgamma(r) - lgamma(j + 1) + r * logOneMinusZ + (j === 0 ? 0 : j * logZ)
}

/** P(N ≥ n) for N ~ NBD with pmf Γ(r+j)/(Γ(r) j!) (1−z)^r z^j, computed from whichever side avoids cancellation. */
export function nbdUpperTail(r: number, n: number, z: number): number {
  if (n <= 0) return 1
  if (z <= 0) return 0
  // pmf_j by the recurrence pmf_{j+1} = pmf_j · (r+j)/(j+1) · z, from pmf_0 = (1−z)^r.
  let pmf = Math.exp(r * Math.log1p(-z))
  let cdf = 0
  for (let j = 0; j < n; j++) {
    cdf += pmf
    pmf *= ((r + j) / (j + 1)) * z
  }
  if (cdf < 0.5 || pmf === 0) return Math.max(0, 1 - cdf)
  // Sum the upper tail directly: the terms eventually decrease geometrically.
  let tail = 0
  for (let j = n; j < n + MAX_TERMS; j++) {
    tail += pmf
    const ratio = ((r + j) / (j + 1)) * z
    pmf *= ratio
    if (pmf <= 1e-17 * tail && ratio < 1) break
  }
  return tail
}
