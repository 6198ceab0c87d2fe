/**
 * Numerics shared by BG/NBD and MBG/NBD predictions.
 * @internal
 */
import { lgamma } from './special-functions.js'

const MAX_TERMS = 20_000_000

/**
 * [1 − (1−z)^ε · ₂F₁(A, ε; C; z)] / ε, exactly and stably for every ε (including ε → 0, i.e. a → 1).
 *
 * Writing ₂F₁(A, ε; C; z) = 1 + ε·S with S = Σₙ (A)ₙ/(C)ₙ · (ε+1)ₙ₋₁/n! · zⁿ removes the 0/0 at ε = 0, and the
 * Euler-transformed form keeps all magnitudes moderate where the textbook form overflows (large x, long horizons).
 */
export function bgBracket(A: number, eps: number, C: number, z: number): number {
  if (z <= 0) return 0
  let term = (A / C) * z
  let S = term
  for (let n = 1; n < MAX_TERMS; n++) {
    const ratio = (((A + n) / (C + n)) * (eps + n) * z) / (n + 1)
    term *= ratio
    S += term
    if (Math.abs(term) <= 1e-17 * Math.abs(S) && Math.abs(ratio) < 1 && n > -C) break
    if (term === 0) break
  }
  const L = Math.log1p(-z)
  const q = eps * S
  if (eps === 0) return -(L + S)
  if (q > -1) return -Math.expm1(eps * L + Math.log1p(q)) / eps
  return (1 - Math.exp(eps * L) * (1 + q)) / eps
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
