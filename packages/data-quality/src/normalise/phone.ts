import type { CountryCode } from 'libphonenumber-js/min'
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

/** An ISO 3166-1 alpha-2 region used to read national phone numbers, e.g. `US` or `CN`. */
export type PhoneRegion = CountryCode

/**
 * A phone number in E.164 (`+14155550101`), read with libphonenumber-js (Google's metadata): international input
 * (`+44 20 7946 0958`, `0044…` is not international) is read as is, national input (`(415) 555-0101`, `010-6552 9988`)
 * in `defaultRegion`. `null` when the text is not a valid number there.
 *
 * @example
 * ```ts
 * phoneToE164('(415) 555-0101', 'US')  // '+14155550101'
 * phoneToE164('138 1234 5678', 'CN')   // '+8613812345678'
 * phoneToE164('555-1234', 'US')        // null (too short to be valid)
 * ```
 */
export function phoneToE164(input: string | null | undefined, defaultRegion?: PhoneRegion): string | null {
  if (typeof input !== 'string') return null
  const text = input.normalize('NFKC').trim()
  if (text.length === 0 || text.length > 64) return null
  const parsed = defaultRegion
    ? parsePhoneNumberFromString(text, defaultRegion)
    : parsePhoneNumberFromString(text)
  return parsed?.isValid() ? parsed.number : null
}

/**
 * The blocking key Salesforce uses for phones: the E.164 number without its last four digits, so numbers of one
 * switchboard fall in one block. `null` when the number is not valid.
 *
 * @example
 * ```ts
 * phoneBlockKey('+14155550101') // '+1415555'
 * ```
 */
export function phoneBlockKey(e164: string | null | undefined): string | null {
  if (typeof e164 !== 'string' || !/^\+[1-9]\d{6,14}$/u.test(e164)) return null
  return e164.slice(0, -4)
}
