/**
 * Structural equality for domain values: Dates by instant, arrays and plain objects recursively; `null`, `undefined`
 * and a missing key are the same "no value". Core uses it to detect changed fields; automation's change predicates
 * (`changed`, `changedFrom`, …) use it too, so both agree on what a change is.
 *
 * @example
 * ```ts
 * import { sameValue } from '@rapport/core/services'
 *
 * sameValue({ x: 1, y: undefined }, { x: 1 }) // true
 * sameValue(null, undefined) // true
 * ```
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // undefined and null are the same "no value" in records.
    return (a ?? null) === (b ?? null)
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((v, i) => sameValue(v, b[i]))
  }
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  if (ak.length !== bk.length) return false
  return ak.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
