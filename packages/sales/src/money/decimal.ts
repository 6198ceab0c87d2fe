import { SalesErrorCodes, salesError } from '../errors.js'

/** A decimal given as a string (`"1.5"`, `"21"`, `"0.075"`) or a finite number; strings are exact, numbers are read
 * through their shortest decimal form. */
export type DecimalInput = string | number

/** An exact rational `n / d` with `d > 0`. */
export interface Ratio {
  readonly n: bigint
  readonly d: bigint
}

const DECIMAL = /^([+-]?)(\d{1,18})(?:\.(\d{1,12}))?$/
// A document repeats a few quantities and tax rates over its lines, and a quote is recalculated on every write: the
// regex, the string-to-bigint conversion and formatting back were an eighth of calculateDocument's time on a 200-line
// quote (bench/sales).
// Ratios are frozen, so sharing one between callers is safe; the cache is dropped whole when full.
const PARSED_CACHE_SIZE = 4096
const parsed = new Map<string, Ratio>()
const formatted = new WeakMap<Ratio, string>()
const powersOfTen: bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i))

/** `10^exponent` as a bigint (cached for the exponents money uses). */
export function pow10(exponent: number): bigint {
  return powersOfTen[exponent] ?? 10n ** BigInt(exponent)
}

/**
 * Reads a decimal exactly. At most 18 integer and 12 fraction digits, no exponent notation: a quantity, a percentage
 * or a rate longer than that is an input error, not a number to approximate.
 */
export function parseDecimal(value: DecimalInput, path: readonly (string | number)[]): Ratio {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  const known = typeof text === 'string' ? parsed.get(text) : undefined
  if (known) return known
  const match = typeof text === 'string' ? DECIMAL.exec(text) : null
  if (!match) {
    throw salesError(
      SalesErrorCodes.INVALID_DECIMAL,
      `Not a decimal at ${path.join('.')}: ${String(value)}`,
      {
        path,
        value: typeof value === 'string' ? value.slice(0, 64) : String(value),
      },
    )
  }
  const fraction = match[3] ?? ''
  const magnitude = BigInt((match[2] ?? '0') + fraction)
  const ratio = Object.freeze({ n: match[1] === '-' ? -magnitude : magnitude, d: pow10(fraction.length) })
  if (parsed.size >= PARSED_CACHE_SIZE) parsed.clear()
  parsed.set(text as string, ratio)
  return ratio
}

/** The shortest decimal string of a ratio whose denominator is a power of ten (`"21"`, `"7.5"`, `"0.075"`). */
export function formatDecimal(ratio: Ratio): string {
  let text = formatted.get(ratio)
  if (text === undefined) {
    text = formatRatio(ratio)
    formatted.set(ratio, text)
  }
  return text
}

function formatRatio(ratio: Ratio): string {
  const negative = ratio.n < 0n
  const digits = (negative ? -ratio.n : ratio.n).toString()
  const scale = ratio.d.toString().length - 1
  if (scale === 0) return (negative ? '-' : '') + digits
  const padded = digits.padStart(scale + 1, '0')
  const fraction = padded.slice(-scale).replace(/0+$/, '')
  const whole = padded.slice(0, -scale)
  return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '')
}
