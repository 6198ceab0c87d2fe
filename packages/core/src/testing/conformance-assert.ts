import { isRapportError } from '../errors/rapport-error.js'

/**
 * Thrown by the conformance kit when an adapter misbehaves. Runner-agnostic: any test runner reports it as a
 * failure, and `runConformance()` records its message.
 */
export class ConformanceAssertionError extends Error {
  /** What the kit expected, when the check compares values. */
  readonly expected?: unknown
  /** What the adapter produced, when the check compares values. */
  readonly actual?: unknown

  constructor(message: string, values?: { expected: unknown; actual: unknown }) {
    super(message)
    this.name = 'ConformanceAssertionError'
    if (values) {
      this.expected = values.expected
      this.actual = values.actual
    }
  }
}

/** Renders a value for assertion messages: dates as ISO, `undefined` and `-0` visible, long output cut. */
export function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return '<undefined>'
    if (typeof v === 'number' && Object.is(v, -0)) return '<-0>'
    if (typeof v === 'bigint') return `<bigint ${v}>`
    return v
  })
  const rendered = text === undefined ? String(value) : text
  return rendered.length > 600 ? `${rendered.slice(0, 600)}…` : rendered
}

/** Structural equality: `Date` by instant (and type), arrays in order, objects by own keys (missing ≠ undefined). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]))
  }
  const ak = Object.keys(a)
  const bk = Object.keys(b)
  if (ak.length !== bk.length) return false
  return ak.every(
    (k) =>
      Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  )
}

/** Fails with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceAssertionError(message)
}

/** Fails unless `actual` and `expected` are structurally equal (see {@link deepEqual}). */
export function checkEqual<T>(actual: unknown, expected: T, message: string): asserts actual is T {
  if (!deepEqual(actual, expected)) {
    throw new ConformanceAssertionError(
      `${message}\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`,
      {
        expected,
        actual,
      },
    )
  }
}

/** Compares two id lists as sets, reporting what is missing and what is extra. */
export function checkSameIds(actual: readonly unknown[], expected: readonly string[], message: string): void {
  const a = [...actual].map(String).sort()
  const e = [...expected].sort()
  if (deepEqual(a, e)) return
  const missing = e.filter((id) => !a.includes(id))
  const extra = a.filter((id) => !e.includes(id))
  const dupes = a.length - new Set(a).size
  throw new ConformanceAssertionError(
    `${message}\n  missing: ${show(missing)}\n  extra:   ${show(extra)}${dupes ? `\n  duplicates: ${dupes}` : ''}`,
    { expected: e, actual: a },
  )
}

/** Awaits `run` and fails unless it rejects with a `RapportError` of `code`; returns that error. */
export async function checkRejects(
  run: () => Promise<unknown>,
  code: string,
  message: string,
): Promise<Error & { code: string; details: Record<string, unknown> }> {
  let outcome: unknown
  try {
    outcome = await run()
  } catch (err) {
    if (isRapportError(err, code)) return err as Error & { code: string; details: Record<string, unknown> }
    const got = isRapportError(err) ? `RapportError ${err.code}: ${err.message}` : String(err)
    throw new ConformanceAssertionError(`${message}: expected a RapportError ${code}, got ${got}`)
  }
  throw new ConformanceAssertionError(
    `${message}: expected a RapportError ${code}, but it resolved ${show(outcome)}`,
  )
}
