import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

/** How a masked field is shown: a phone keeps its country code, 3 leading and 4 trailing digits; an email its first
 * character and domain; anything else becomes `***`. */
export type MaskKind = 'phone' | 'email' | 'full'

/**
 * Masks one phone number: `+8613912345678` → `+86 139****5678`. The country code is found with libphonenumber-js;
 * numbers of 7 digits or fewer become `***`.
 *
 * @example
 * ```ts
 * maskPhone('+8613912345678') // '+86 139****5678'
 * ```
 */
export function maskPhone(phone: string): string {
  const known = maskedPhones.get(phone)
  if (known !== undefined) return known
  const masked = maskPhoneUncached(phone)
  if (maskedPhones.size >= 10_000) maskedPhones.clear()
  maskedPhones.set(phone, masked)
  return masked
}

/** Parsing a number for its country code costs more than the query that read it: remember recent answers. */
const maskedPhones = new Map<string, string>()

function maskPhoneUncached(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone)
  const code = parsed ? `+${parsed.countryCallingCode} ` : ''
  const national = parsed ? String(parsed.nationalNumber) : phone.replace(/\D/g, '')
  if (national.length <= 7) return `${code}***`
  return `${code}${national.slice(0, 3)}${'*'.repeat(national.length - 7)}${national.slice(-4)}`
}

/**
 * Masks one email address: `alice@acme.example` → `a***@acme.example`.
 *
 * @example
 * ```ts
 * maskEmail('alice@acme.example') // 'a***@acme.example'
 * ```
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return '***'
  return `${email.slice(0, 1)}***${email.slice(at)}`
}

/**
 * The masking function of a kind, applied to a field's value as stored on the record: strings, arrays of them, and
 * the entries of `phones` / `emails` (their `number` / `address`).
 *
 * @internal
 */
export function maskerOf(kind: MaskKind): (value: unknown) => unknown {
  const text = kind === 'phone' ? maskPhone : kind === 'email' ? maskEmail : () => '***'
  const one = (value: unknown): unknown => {
    if (value === null || value === undefined) return value
    if (typeof value === 'string') return text(value)
    if (Array.isArray(value)) return value.map(one)
    if (typeof value === 'object') {
      const entry = value as Record<string, unknown>
      if (kind === 'phone' && typeof entry['number'] === 'string')
        return { ...entry, number: text(entry['number']) }
      if (kind === 'email' && typeof entry['address'] === 'string')
        return { ...entry, address: text(entry['address']) }
    }
    return '***'
  }
  return one
}
