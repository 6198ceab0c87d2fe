import type { CountryCode } from 'libphonenumber-js/min'
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { BoundedCache } from './bounded-cache.js'
import { storedE164 } from './stored-e164.js'

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
  // International input reads the same in every region, so it shares one cache entry.
  const cacheKey = input.startsWith('+') ? input : `${defaultRegion ?? ''}\u0000${input}`
  const cached = parsedPhones.get(cacheKey)
  if (cached !== undefined) return cached
  const ready = storedE164(input)
  if (ready !== undefined) {
    parsedPhones.set(cacheKey, ready)
    return ready
  }
  const text = input.normalize('NFKC').trim()
  let e164: string | null = null
  if (text.length > 0 && text.length <= 64) {
    const parsed = defaultRegion
      ? parsePhoneNumberFromString(text, defaultRegion)
      : parsePhoneNumberFromString(text)
    e164 = parsed?.isValid() ? parsed.number : null
  }
  parsedPhones.set(cacheKey, e164)
  // The E.164 form is what the next step (match keys, comparisons) reads: it is its own E.164 form.
  if (e164 !== null) parsedPhones.set(e164, e164)
  return e164
}

// Parsing is the most expensive step of an import (~17 µs a number, reference §6.3), and one write reads each number
// several times: the normalize hook (national form to E.164), then the phone and phone-block match keys, then an
// import's comparison with the stored numbers. Results are pure functions of (input, region): a bounded cache,
// emptied when full, so memory stays flat however many numbers go through.
const parsedPhones = new BoundedCache<string | null>(4096)

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
