/**
 * Solves `A x = b` by Gaussian elimination with partial pivoting; `A` is square. Returns `null` when `A` is singular
 * to working precision. Inputs are not modified.
 *
 * @internal
 */
export function solveLinearSystem(A: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length
  const m = A.map((row, i) => [...row, b[i]!])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r
    if (Math.abs(m[pivot]![col]!) < 1e-300) return null
    if (pivot !== col) [m[col], m[pivot]] = [m[pivot]!, m[col]!]
    const p = m[col]!
    for (let r = col + 1; r < n; r++) {
      const row = m[r]!
      const f = row[col]! / p[col]!
      if (f === 0) continue
      for (let c = col; c <= n; c++) row[c]! -= f * p[c]!
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r]!
    let s = row[n]!
    for (let c = r + 1; c < n; c++) s -= row[c]! * x[c]!
    x[r] = s / row[r]!
  }
  return x
}
