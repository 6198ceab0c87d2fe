import fc from 'fast-check'
import examples from 'libphonenumber-js/examples.mobile.json'
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { describe, expect, it } from 'vitest'
import { phoneToE164 } from '../src/index.js'
import { storedE164 } from '../src/normalise/stored-e164.js'

/** What the slow path answers: a parse of the text, its E.164 form when valid. */
function parsed(text: string): string | null {
  const number = parsePhoneNumberFromString(text)
  return number?.isValid() ? number.number : null
}

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`))
/** The E.164 form of every country's example mobile number (libphonenumber's metadata), valid by construction. */
const exampleNumbers = getCountries().flatMap((country) => {
  const national = (examples as Record<string, string>)[country]
  return national ? [`+${getCountryCallingCode(country)}${national}`] : []
})

/** E.164-shaped text: example numbers with their last digits replaced, NANP numbers, and any calling code + digits. */
const e164Text = fc.oneof(
  fc
    .tuple(fc.constantFrom(...exampleNumbers), fc.integer({ min: 0, max: 5 }), digits(0, 5))
    .map(([number, cut, tail]) => `${number.slice(0, Math.max(2, number.length - cut))}${tail}`),
  fc
    .tuple(digits(3, 3), digits(3, 3), digits(4, 4))
    .map(([area, exchange, line]) => `+1${area}${exchange}${line}`),
  fc
    .tuple(fc.constantFrom(...getCountries().map((c) => getCountryCallingCode(c))), digits(4, 12))
    .map(([code, rest]) => `+${code}${rest}`),
)

describe('stored E.164 fast path', () => {
  it('answers like a parse whenever it answers', () => {
    let answered = 0
    fc.assert(
      fc.property(e164Text, (text) => {
        const fast = storedE164(text)
        if (fast !== undefined) answered++
        if (fast !== undefined) expect(fast).toBe(parsed(text))
        // And the normaliser, fast path or not, gives the parse's answer.
        expect(phoneToE164(text)).toBe(parsed(text))
        expect(phoneToE164(text, 'CN')).toBe(parsed(text))
      }),
      { numRuns: 10_000 },
    )
    // The comparison means something only if the fast path answered for many of the numbers (about a fifth do).
    expect(answered).toBeGreaterThan(1000)
  })

  it('answers like a parse for every country example number', () => {
    for (const number of exampleNumbers) {
      const fast = storedE164(number)
      if (fast !== undefined) expect(fast).toBe(parsed(number))
    }
  })

  it('skips the parse for valid stored numbers (US, GB, CN, DE mobile examples)', () => {
    for (const number of ['+14155550101', '+447400123456', '+8613812345678', '+4915123456789']) {
      expect(parsed(number)).toBe(number)
      expect(storedE164(number)).toBe(number)
    }
  })

  it('leaves text that is not plainly E.164, or not valid, to the parse', () => {
    for (const text of [
      '+1 415 555 0101',
      '4155550101',
      '+10000000000',
      '+1415555010',
      '+14155550101 ext. 2',
    ]) {
      expect(storedE164(text)).toBeUndefined()
    }
  })
})
