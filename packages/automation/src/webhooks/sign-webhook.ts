import { createHmac, timingSafeEqual } from 'node:crypto'
import { RapportError } from '@rapport/core'

/** The headers of a signed webhook, as the Standard Webhooks specification names them. */
export interface WebhookSignatureHeaders {
  /** The delivery's idempotency key (the step key): receivers dedupe on it. */
  readonly 'webhook-id': string
  /** Unix seconds when the request was signed. */
  readonly 'webhook-timestamp': string
  /** `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}`. */
  readonly 'webhook-signature': string
}

const SECRET_PREFIX = 'whsec_'
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Decodes a Standard Webhooks secret: `whsec_` followed by the base64 of 24 to 64 random bytes (generate one with
 * `'whsec_' + randomBytes(32).toString('base64')`). The HMAC key is the decoded bytes, as the specification says.
 *
 * @throws `RapportError('INVALID_CONFIG')` for anything else, naming what is wrong (never echoing the secret).
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto'
 * import { webhookSecretKey } from '@rapport/automation'
 *
 * const secret = `whsec_${randomBytes(32).toString('base64')}`
 * webhookSecretKey(secret).length // 32
 * ```
 */
export function webhookSecretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    throw new RapportError(
      'INVALID_CONFIG',
      'A webhook secret must be "whsec_" followed by base64 (Standard Webhooks)',
      { details: { reason: 'prefix' } },
    )
  }
  const encoded = secret.slice(SECRET_PREFIX.length)
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0)
  if (key.length < 24 || key.length > 64) {
    throw new RapportError(
      'INVALID_CONFIG',
      'A webhook secret must hold 24 to 64 base64-encoded bytes after "whsec_" (Standard Webhooks)',
      { details: { reason: 'length', bytes: key.length } },
    )
  }
  return key
}

function sign(key: Buffer, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
}

/**
 * Signs a webhook the Standard Webhooks way: HMAC-SHA256 keyed with the decoded `whsec_` secret over
 * `${id}.${timestamp}.${body}`, sent as `webhook-signature: v1,<base64>`. Any Standard Webhooks library (for
 * example the `standardwebhooks` npm package) verifies it.
 *
 * @throws `RapportError('INVALID_CONFIG')` for a secret that is not `whsec_` + base64.
 *
 * @example
 * ```ts
 * const headers = signWebhook({ secret: process.env.HOOK_SECRET!, id: 'arun_1:0', body: JSON.stringify(payload) })
 * ```
 */
export function signWebhook(args: {
  readonly secret: string
  readonly id: string
  readonly body: string
  readonly now?: Date
}): WebhookSignatureHeaders {
  const key = webhookSecretKey(args.secret)
  const timestamp = String(Math.floor((args.now ?? new Date()).getTime() / 1000))
  return {
    'webhook-id': args.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${sign(key, args.id, timestamp, args.body)}`,
  }
}

/** Why a webhook did not verify. */
export type WebhookVerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'

/** The outcome of {@link checkWebhook}. */
export type WebhookVerification =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: WebhookVerificationFailure; readonly message: string }

/** Arguments of {@link checkWebhook} and {@link verifyWebhook}. */
export interface VerifyWebhookArgs {
  /** The shared `whsec_` secret. */
  readonly secret: string
  /** The raw request body, exactly as received. */
  readonly body: string
  /** The request headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>> | WebhookSignatureHeaders
  /** The receiver's clock (default: now). */
  readonly now?: Date
  /** How far the timestamp may be from `now`, either way (default 300 s, as the specification recommends). */
  readonly toleranceSeconds?: number
}

/**
 * Verifies a Standard Webhooks delivery and says why it failed: missing headers, a timestamp outside the tolerance
 * (too old: a replay or a slow queue; too new: a skewed clock), or no `v1` signature matching. The header may carry
 * several space-separated signatures (key rotation); any match verifies. Signatures are compared in constant time.
 *
 * @throws `RapportError('INVALID_CONFIG')` for a secret that is not `whsec_` + base64.
 *
 * @example
 * ```ts
 * const check = checkWebhook({ secret, body: rawBody, headers: req.headers })
 * if (!check.valid) return res.writeHead(401).end(check.message) // e.g. 'Webhook timestamp too old (…)'
 * ```
 */
export function checkWebhook(args: VerifyWebhookArgs): WebhookVerification {
  const key = webhookSecretKey(args.secret)
  const header = (name: string) => {
    const v = (args.headers as Readonly<Record<string, string | string[] | undefined>>)[name]
    return Array.isArray(v) ? v[0] : v
  }
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signatures = header('webhook-signature')
  if (!id || !timestamp || !signatures) {
    return fail(
      'missing_headers',
      'Webhook headers missing: webhook-id, webhook-timestamp and webhook-signature are required',
    )
  }
  if (!/^\d{1,12}$/.test(timestamp)) return fail('invalid_timestamp', 'Webhook timestamp is not Unix seconds')
  const tolerance = args.toleranceSeconds ?? 300
  const skew = Math.floor((args.now ?? new Date()).getTime() / 1000) - Number(timestamp)
  if (skew > tolerance) {
    return fail(
      'timestamp_too_old',
      `Webhook timestamp too old (${skew} s ago; the tolerance is ${tolerance} s)`,
    )
  }
  if (skew < -tolerance) {
    return fail(
      'timestamp_too_new',
      `Webhook timestamp too new (${-skew} s ahead; the tolerance is ${tolerance} s)`,
    )
  }
  const expected = Buffer.from(sign(key, id, timestamp, args.body))
  for (const candidate of signatures.split(' ')) {
    const [version, signature] = candidate.split(',', 2)
    if (version !== 'v1' || signature === undefined) continue
    const given = Buffer.from(signature)
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { valid: true }
  }
  return fail('no_matching_signature', 'Webhook signature does not match (wrong secret or altered body)')
}

/**
 * Verifies a Standard Webhooks delivery: `true` when a `v1` signature matches and the timestamp is fresh. Use
 * {@link checkWebhook} to learn why a delivery failed.
 *
 * @example
 * ```ts
 * const ok = verifyWebhook({ secret, body: rawBody, headers: req.headers })
 * if (!ok) return res.writeHead(401).end()
 * ```
 */
export function verifyWebhook(args: VerifyWebhookArgs): boolean {
  return checkWebhook(args).valid
}

function fail(reason: WebhookVerificationFailure, message: string): WebhookVerification {
  return { valid: false, reason, message }
}
