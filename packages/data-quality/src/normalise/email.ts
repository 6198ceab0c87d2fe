import normalizeEmailAddress from 'validator/lib/normalizeEmail.js'
import { cached } from './bounded-cache.js'

/**
 * The e-mail match key of an address: trimmed and lower-cased, the domain in ASCII (IDN to punycode), and the
 * provider rules applied: Gmail ignores dots and `+tags` and `googlemail.com` is `gmail.com`; Outlook, Hotmail,
 * Live and MSN drop `+tags` but keep dots; Yahoo drops `-tags`; iCloud drops `+tags`. Custom domains (including
 * Google Workspace ones) keep their dots. `null` when the input is not an e-mail address.
 *
 * The raw address is what a record stores; this key is only for matching. The provider rules come from
 * validator's `normalizeEmail`, which is maintained against the providers' behaviour.
 *
 * @example
 * ```ts
 * emailKey('John.Smith+crm@GoogleMail.com') // 'johnsmith@gmail.com'
 * emailKey('Dora.Ma@Example.com')           // 'dora.ma@example.com'
 * emailKey('not an email')                  // null
 * ```
 */
export function emailKey(input: string | null | undefined): string | null {
  return typeof input === 'string' ? cachedEmailKey(input) : null
}

// An import reads each address three times (the in-file key, the upsert look-up, the match key written with the
// record): ~6 µs each, most of it in the URL parser.
const cachedEmailKey = cached((input: string): string | null => {
  const trimmed = input.normalize('NFKC').trim()
  const at = trimmed.lastIndexOf('@')
  if (at <= 0 || at === trimmed.length - 1 || /\s/u.test(trimmed)) return null
  const domain = asciiDomain(trimmed.slice(at + 1))
  if (domain === null) return null
  const normalised = normalizeEmailAddress(`${trimmed.slice(0, at)}@${domain}`, {
    all_lowercase: true,
    gmail_remove_dots: true,
    gmail_remove_subaddress: true,
    gmail_convert_googlemaildotcom: true,
    outlookdotcom_remove_subaddress: true,
    yahoo_remove_subaddress: true,
    icloud_remove_subaddress: true,
  })
  if (normalised === false || !normalised.includes('@') || normalised.startsWith('@')) return null
  return normalised
})

/** A host name in lower-case ASCII (punycode for IDNs), or `null` when it is not a valid host name. */
export function asciiDomain(host: string): string | null {
  return cachedAsciiDomain(host)
}

// A file's addresses share few domains; WHATWG URL parsing is the costly part of an e-mail key.
const cachedAsciiDomain = cached((host: string): string | null => {
  const trimmed = host.normalize('NFKC').trim().replace(/\.$/u, '').toLowerCase()
  if (trimmed.length === 0 || trimmed.length > 253 || /[\s/\\?#@:]/u.test(trimmed)) return null
  let ascii: string
  try {
    ascii = new URL(`http://${trimmed}`).hostname
  } catch {
    return null
  }
  if (!/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{2,63}$/u.test(ascii)) return null
  return ascii
})
