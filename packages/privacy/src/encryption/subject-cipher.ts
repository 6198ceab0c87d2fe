import { RapportError } from '@rapport/core'
import { PrivacyErrorCodes } from '../privacy-error.js'

// WebCrypto (`globalThis.crypto.subtle`) rather than node:crypto: the same code runs on Node, Deno, Bun, edge
// runtimes and browsers, and keeps the package free of Node-only imports.
const subtle = (): typeof globalThis.crypto.subtle => {
  const s = globalThis.crypto?.subtle
  if (!s)
    throw new RapportError(
      PrivacyErrorCodes.PRIVACY_INVALID_CONFIG,
      'WebCrypto (globalThis.crypto.subtle) is not available',
    )
  return s
}

/** A WebCrypto key (the DOM lib's `CryptoKey`, which Node's types expose as a value only). */
type WebCryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>

const PREFIX = 'rpk1'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

const toB64 = (bytes: Uint8Array): string => {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
const fromB64 = (text: string): Uint8Array<ArrayBuffer> => {
  const s = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/**
 * Where subject keys are protected at rest: `wrap` encrypts a fresh 256-bit key for the key table, `unwrap` gives it
 * back. Back it with your KMS (AWS KMS `Encrypt`/`Decrypt`, Vault transit, GCP KMS); the default wraps with a key
 * derived from the plugin's `secret`. Destroying a subject's row in the key table shreds its data either way.
 *
 * @example
 * ```ts
 * const kms: KeyWrapper = {
 *   wrap: async (key, { tenantId }) => (await kmsClient.encrypt({ plaintext: key, context: { tenantId } })).ciphertext,
 *   unwrap: async (wrapped, { tenantId }) => (await kmsClient.decrypt({ ciphertext: wrapped, context: { tenantId } })).plaintext,
 * }
 * ```
 */
export interface KeyWrapper {
  wrap(key: Uint8Array, context: { readonly tenantId: string; readonly keyId: string }): Promise<string>
  unwrap(wrapped: string, context: { readonly tenantId: string; readonly keyId: string }): Promise<Uint8Array>
}

/** Turns the plugin's secret into raw bytes; at least 32 bytes. */
export function secretBytes(secret: string | Uint8Array): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = typeof secret === 'string' ? fromB64(secret) : new Uint8Array(secret)
  } catch {
    bytes = new Uint8Array(0)
  }
  if (bytes.length < 32) {
    throw new RapportError(
      PrivacyErrorCodes.PRIVACY_INVALID_CONFIG,
      'The privacy secret must hold at least 32 bytes (base64url or bytes)',
    )
  }
  return bytes
}

async function derive(
  secret: Uint8Array<ArrayBuffer>,
  info: string,
  usage: 'aes' | 'hmac',
): Promise<WebCryptoKey> {
  const base = await subtle().importKey('raw', secret, 'HKDF', false, ['deriveKey'])
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: encoder.encode(info) }
  return usage === 'aes'
    ? subtle().deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    : subtle().deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign'])
}

/** The default {@link KeyWrapper}: AES-256-GCM under a key derived (HKDF) from the plugin's secret. */
export function localKeyWrapper(secret: Uint8Array<ArrayBuffer>): KeyWrapper {
  const kek = derive(secret, 'rapport/privacy/kek', 'aes')
  return {
    async wrap(key, { tenantId, keyId }) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
      const data = new Uint8Array(key)
      const ct = await subtle().encrypt(
        { name: 'AES-GCM', iv, additionalData: encoder.encode(`${tenantId}|${keyId}`) },
        await kek,
        data,
      )
      return `${toB64(iv)}.${toB64(new Uint8Array(ct))}`
    },
    async unwrap(wrapped, { tenantId, keyId }) {
      const [iv, ct] = wrapped.split('.')
      const raw = await subtle().decrypt(
        { name: 'AES-GCM', iv: fromB64(iv ?? ''), additionalData: encoder.encode(`${tenantId}|${keyId}`) },
        await kek,
        fromB64(ct ?? ''),
      )
      return new Uint8Array(raw)
    },
  }
}

/** HMAC-SHA-256 of normalised emails and phones under a key derived from the secret: the suppression list's hash. */
export function suppressionHasher(secret: Uint8Array<ArrayBuffer>): (value: string) => Promise<string> {
  const key = derive(secret, 'rapport/privacy/suppression', 'hmac')
  return async (value) => toB64(new Uint8Array(await subtle().sign('HMAC', await key, encoder.encode(value))))
}

/** A fresh random key id. */
export function newKeyId(): string {
  return toB64(globalThis.crypto.getRandomValues(new Uint8Array(12)))
}

/** A fresh random 256-bit key. */
export function newKey(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(32))
}

/** Whether a stored value is one of our ciphertexts. */
export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`)
}

/** The key id of a ciphertext. */
export function keyIdOf(ciphertext: string): string {
  return ciphertext.split('.')[1] ?? ''
}

/** What binds a ciphertext to its place: it cannot be copied to another tenant, entity or field. */
const aad = (tenantId: string, entity: string, field: string, keyId: string) =>
  encoder.encode(`${tenantId}|${entity}|${field}|${keyId}`)

/** Encrypts a string with AES-256-GCM under `key`: `rpk1.<keyId>.<iv>.<ciphertext+tag>`. */
export async function seal(
  key: Uint8Array<ArrayBuffer>,
  keyId: string,
  place: { tenantId: string; entity: string; field: string },
  plaintext: string,
): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
  const cryptoKey = await subtle().importKey('raw', key, 'AES-GCM', false, ['encrypt'])
  const ct = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(place.tenantId, place.entity, place.field, keyId) },
    cryptoKey,
    encoder.encode(plaintext),
  )
  return `${PREFIX}.${keyId}.${toB64(iv)}.${toB64(new Uint8Array(ct))}`
}

/** Decrypts a {@link seal}ed value; `PRIVACY_DECRYPT_FAILED` when it was tampered with or moved. */
export async function open(
  key: Uint8Array<ArrayBuffer>,
  place: { tenantId: string; entity: string; field: string },
  ciphertext: string,
): Promise<string> {
  const [, keyId, iv, ct] = ciphertext.split('.')
  try {
    const cryptoKey = await subtle().importKey('raw', key, 'AES-GCM', false, ['decrypt'])
    const plain = await subtle().decrypt(
      {
        name: 'AES-GCM',
        iv: fromB64(iv ?? ''),
        additionalData: aad(place.tenantId, place.entity, place.field, keyId ?? ''),
      },
      cryptoKey,
      fromB64(ct ?? ''),
    )
    return decoder.decode(plain)
  } catch (cause) {
    throw new RapportError(
      PrivacyErrorCodes.PRIVACY_DECRYPT_FAILED,
      `Cannot decrypt ${place.entity}.${place.field}`,
      {
        cause,
        details: { entity: place.entity, field: place.field },
      },
    )
  }
}
