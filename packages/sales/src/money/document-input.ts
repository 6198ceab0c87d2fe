import { SalesErrorCodes, salesError } from '../errors.js'
import { currencyExponent } from './currency.js'
import type { Ratio } from './decimal.js'
import { parseDecimal } from './decimal.js'
import type { DocumentInput, LineInput, LineKind, TaxRounding } from './document-types.js'
import type { RoundingMode } from './rounding.js'
import { roundingModes } from './rounding.js'

/** A line discount step after validation. */
export type ParsedDiscount =
  | { readonly kind: 'percent'; readonly ratio: Ratio }
  | { readonly kind: 'perUnit'; readonly amount: bigint }
  | { readonly kind: 'line'; readonly amount: bigint }

/** A validated line. */
export interface ParsedLine {
  readonly kind: LineKind
  readonly quantity: Ratio
  readonly unitPrice: bigint
  readonly discounts: readonly ParsedDiscount[]
  readonly taxRate: Ratio
}

/** A validated document: everything checked before any arithmetic runs. */
export interface ParsedDocument {
  readonly currency: string
  readonly exponent: number
  readonly lines: readonly ParsedLine[]
  readonly pricesIncludeTax: boolean
  readonly taxRounding: TaxRounding
  readonly roundingMode: RoundingMode
  readonly headerDiscount: ParsedDiscount | undefined
  readonly fx:
    | { readonly companyCurrency: string; readonly companyExponent: number; readonly rate: Ratio }
    | undefined
}

/** The most lines one document may have; a larger one is refused rather than computed slowly. */
export const MAX_DOCUMENT_LINES = 10_000

type Path = readonly (string | number)[]

const documentKeys = new Set([
  'currency',
  'lines',
  'pricesIncludeTax',
  'taxRounding',
  'roundingMode',
  'headerDiscount',
  'fx',
])
const lineKeys = new Set(['kind', 'quantity', 'unitPriceMinor', 'currency', 'discount', 'taxRate'])
const lineKinds: readonly LineKind[] = ['item', 'shipping', 'fee']

function invalid(path: Path, message: string): never {
  throw salesError(SalesErrorCodes.INVALID_DOCUMENT, `${message} at ${path.join('.') || 'document'}`, {
    path,
  })
}

function record(value: unknown, path: Path, keys: ReadonlySet<string>): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(path, 'Expected an object')
  for (const key of Object.keys(value)) if (!keys.has(key)) invalid([...path, key], 'Unknown field')
  return value as Record<string, unknown>
}

function amount(value: unknown, path: Path): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw salesError(
      SalesErrorCodes.INVALID_AMOUNT,
      `Expected non-negative integer minor units at ${path.join('.')}`,
      {
        path,
      },
    )
  }
  return BigInt(value)
}

function percent(value: unknown, path: Path): Ratio {
  const ratio = parseDecimal(value as string, path)
  if (ratio.n < 0n || ratio.n > 100n * ratio.d) {
    throw salesError(
      SalesErrorCodes.INVALID_DISCOUNT,
      `A percentage must be between 0 and 100 at ${path.join('.')}`,
      {
        path,
      },
    )
  }
  return ratio
}

const lineDiscountKeys = ['percent', 'amountPerUnitMinor', 'amountMinor']
const headerDiscountKeys = ['percent', 'amountMinor']
const lineDiscountKeySet = new Set(lineDiscountKeys)
const headerDiscountKeySet = new Set(headerDiscountKeys)

function discount(value: unknown, path: Path, perUnit: boolean): ParsedDiscount {
  const keys = perUnit ? lineDiscountKeys : headerDiscountKeys
  const given = record(value, path, perUnit ? lineDiscountKeySet : headerDiscountKeySet)
  const present = keys.filter((key) => given[key] !== undefined)
  if (present.length !== 1) invalid(path, `Expected exactly one of ${keys.join(', ')}`)
  const key = present[0] as string
  if (key === 'percent') return { kind: 'percent', ratio: percent(given[key], [...path, key]) }
  if (key === 'amountPerUnitMinor') return { kind: 'perUnit', amount: amount(given[key], [...path, key]) }
  return { kind: 'line', amount: amount(given[key], [...path, key]) }
}

function line(value: unknown, index: number, currency: string): ParsedLine {
  const path = ['lines', index]
  const given = record(value, path, lineKeys) as Partial<Record<keyof LineInput, unknown>>
  const kind = given.kind ?? 'item'
  if (!lineKinds.includes(kind as LineKind)) invalid([...path, 'kind'], 'Expected item, shipping or fee')
  if (given.currency !== undefined && given.currency !== currency) {
    throw salesError(
      SalesErrorCodes.CURRENCY_MISMATCH,
      `Line ${index} is in ${String(given.currency)}, not ${currency}`,
      {
        path: [...path, 'currency'],
        expected: currency,
        actual: String(given.currency).slice(0, 16),
      },
    )
  }
  const quantity = parseDecimal(given.quantity as string, [...path, 'quantity'])
  if (quantity.n < 0n) {
    throw salesError(SalesErrorCodes.NEGATIVE_QUANTITY, `Line ${index} has a negative quantity`, {
      path: [...path, 'quantity'],
    })
  }
  const unitPrice = amount(given.unitPriceMinor, [...path, 'unitPriceMinor'])
  const steps =
    given.discount === undefined ? [] : Array.isArray(given.discount) ? given.discount : [given.discount]
  const discounts = steps.map((step, k) =>
    discount(step, Array.isArray(given.discount) ? [...path, 'discount', k] : [...path, 'discount'], true),
  )
  const taxRate =
    given.taxRate === undefined
      ? { n: 0n, d: 1n }
      : parseDecimal(given.taxRate as string, [...path, 'taxRate'])
  if (taxRate.n < 0n) {
    throw salesError(SalesErrorCodes.INVALID_TAX_RATE, `Line ${index} has a negative tax rate`, {
      path: [...path, 'taxRate'],
    })
  }
  return { kind: kind as LineKind, quantity, unitPrice, discounts, taxRate }
}

/** Checks a whole document before any arithmetic, throwing the first typed error found. */
export function parseDocument(input: DocumentInput): ParsedDocument {
  const given = record(input, [], documentKeys) as Partial<Record<keyof DocumentInput, unknown>>
  const currency = String(given.currency)
  const exponent = currencyExponent(currency)
  if (!Array.isArray(given.lines)) invalid(['lines'], 'Expected an array of lines')
  if (given.lines.length > MAX_DOCUMENT_LINES) invalid(['lines'], `More than ${MAX_DOCUMENT_LINES} lines`)
  const taxRounding = given.taxRounding ?? 'perLine'
  if (taxRounding !== 'perLine' && taxRounding !== 'global')
    invalid(['taxRounding'], 'Expected perLine or global')
  const roundingMode = given.roundingMode ?? 'halfUp'
  if (!roundingModes.includes(roundingMode as RoundingMode))
    invalid(['roundingMode'], 'Unknown rounding mode')
  const pricesIncludeTax = given.pricesIncludeTax ?? false
  if (typeof pricesIncludeTax !== 'boolean') invalid(['pricesIncludeTax'], 'Expected a boolean')
  const lines = given.lines.map((value: unknown, index: number) => line(value, index, currency))
  const headerDiscount =
    given.headerDiscount === undefined ? undefined : discount(given.headerDiscount, ['headerDiscount'], false)
  let fx: ParsedDocument['fx']
  if (given.fx !== undefined) {
    const rate = record(given.fx, ['fx'], new Set(['companyCurrency', 'rate']))
    const companyCurrency = String(rate['companyCurrency'])
    let ratio: Ratio | undefined
    try {
      ratio = parseDecimal(rate['rate'] as string, ['fx', 'rate'])
    } catch {
      ratio = undefined
    }
    if (!ratio || ratio.n <= 0n) {
      throw salesError(SalesErrorCodes.INVALID_FX_RATE, 'The exchange rate must be a positive decimal', {
        path: ['fx', 'rate'],
      })
    }
    fx = { companyCurrency, companyExponent: currencyExponent(companyCurrency), rate: ratio }
  }
  return {
    currency,
    exponent,
    lines,
    pricesIncludeTax,
    taxRounding: taxRounding as TaxRounding,
    roundingMode: roundingMode as RoundingMode,
    headerDiscount,
    fx,
  }
}
