import type { CountryCode, E164Number } from 'libphonenumber-js/min'
import { Metadata, PhoneNumber } from 'libphonenumber-js/min'

const E164_SHAPE = /^\+[1-9]\d{6,14}$/u

/**
 * The fast path for text already in E.164 form, the form numbers are stored in (a batch duplicate job reads every
 * stored number again): the number is built from its calling code and national number and asked whether it is valid,
 * skipping the text extraction of a parse. It answers only when that is sure to be the parse's answer: the text is
 * `+` and digits, the national number does not start with the plan's national prefix (a parse may strip one) and the
 * number is valid (the main country of the calling code is the first one a parse tries) and reads back as the text.
 * `undefined` otherwise, so the caller parses. `test/stored-e164.test.ts` checks it against the parse.
 */
export function storedE164(input: string): string | undefined {
  if (!E164_SHAPE.test(input)) return undefined
  let number: PhoneNumber
  try {
    number = new PhoneNumber(input as E164Number)
  } catch {
    return undefined
  }
  const prefix = nationalPrefixOf(number.countryCallingCode)
  if (prefix === undefined || prefix?.test(number.nationalNumber)) return undefined
  return number.number === input && number.isValid() ? input : undefined
}

/**
 * The national prefix a parse strips, per calling code (`null`: none; `undefined`: unknown, e.g. if the library's
 * metadata no longer offers it, which turns the fast path off).
 */
function nationalPrefixOf(callingCode: string): RegExp | null | undefined {
  let prefix = nationalPrefixes.get(callingCode)
  if (prefix === undefined && !nationalPrefixes.has(callingCode)) {
    const metadata = new Metadata()
    metadata.selectNumberingPlan(callingCode as CountryCode)
    const plan = metadata.numberingPlan as { nationalPrefixForParsing?: () => string | undefined } | undefined
    if (typeof plan?.nationalPrefixForParsing !== 'function') prefix = undefined
    else {
      const pattern = plan.nationalPrefixForParsing()
      prefix = pattern ? new RegExp(`^(?:${pattern})`) : null
    }
    nationalPrefixes.set(callingCode, prefix)
  }
  return prefix
}
const nationalPrefixes = new Map<string, RegExp | null | undefined>()
