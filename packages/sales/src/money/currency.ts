import { data } from 'currency-codes'
import { SalesErrorCodes, salesError } from '../errors.js'

// ISO 4217 list one (via currency-codes): the minor-unit exponent is the standard's, never Intl's (CLDR says HUF 0,
// ISO 4217 says 2). The list gives metals, funds and test codes "N.A." minor units, which currency-codes turns into 0:
// they are not money a document can be priced in, so they are refused (XAF, XOF and XPF are real 0-digit currencies).
const withoutMinorUnits = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
])
const exponents = new Map<string, number>()
for (const record of data) {
  if (Number.isInteger(record.digits) && !withoutMinorUnits.has(record.code))
    exponents.set(record.code, record.digits)
}

/**
 * The ISO 4217 minor-unit exponent of a currency: 2 for EUR, 0 for JPY, 3 for KWD, 4 for CLF.
 *
 * @example
 * ```ts
 * currencyExponent('JPY') // 0
 * currencyExponent('HUF') // 2 (ISO 4217; Intl.NumberFormat would say 0)
 * ```
 */
export function currencyExponent(currency: string): number {
  const exponent = exponents.get(currency)
  if (exponent === undefined) {
    throw salesError(
      SalesErrorCodes.INVALID_CURRENCY,
      `Not an ISO 4217 currency with minor units: ${currency}`,
      {
        currency: String(currency).slice(0, 16),
      },
    )
  }
  return exponent
}

/** True when `currency` is an ISO 4217 code with a minor-unit exponent. */
export function isCurrency(currency: string): boolean {
  return exponents.has(currency)
}
