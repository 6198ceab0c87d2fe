import canonicalize from 'canonicalize'

/** Fields every write bumps: they say when the record changed, not what it says. */
const VOLATILE = new Set(['version', 'updatedAt'])

/**
 * The SHA-256 (hex) of a record's content: RFC 8785 canonical JSON (the `canonicalize` package: sorted keys, one
 * number form, dates as their ISO strings) of every field but `version` and `updatedAt`, with empty (`null`) fields
 * left out so a cleared field and an absent one hash alike. Web Crypto, so it runs wherever core does.
 *
 * @example
 * ```ts
 * await recordHash({ id: 'com_1', name: 'Acme', version: 3 }) === (await recordHash({ name: 'Acme', id: 'com_1', version: 4 })) // true
 * ```
 */
export async function recordHash(record: Readonly<Record<string, unknown>>): Promise<string> {
  const content: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (!VOLATILE.has(key) && value !== null && value !== undefined) content[key] = value
  }
  const text = canonicalize(content) ?? ''
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
