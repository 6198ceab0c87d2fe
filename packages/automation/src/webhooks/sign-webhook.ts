import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

/** The headers of a signed Rapport webhook. */
export interface WebhookSignatureHeaders {
  /** The delivery's idempotency key (the step key): receivers dedupe on it. */
  readonly 'webhook-id': string
  /** Unix seconds when the request was signed. */
  readonly 'webhook-timestamp': string
  /** A random nonce, part of the signed content. */
  readonly 'webhook-nonce': string
  /** `v1=<hex HMAC-SHA256>` over `${timestamp}.${nonce}.${body}`. */
  readonly 'webhook-signature': string
}

/**
 * Signs a webhook body: HMAC-SHA256 with `secret` over `${timestamp}.${nonce}.${body}`.
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
  readonly nonce?: string
}): WebhookSignatureHeaders {
  const timestamp = String(Math.floor((args.now ?? new Date()).getTime() / 1000))
  const nonce = args.nonce ?? randomUUID()
  const mac = createHmac('sha256', args.secret).update(`${timestamp}.${nonce}.${args.body}`).digest('hex')
  return {
    'webhook-id': args.id,
    'webhook-timestamp': timestamp,
    'webhook-nonce': nonce,
    'webhook-signature': `v1=${mac}`,
  }
}

/**
 * Verifies a signed webhook on the receiving side: the signature (constant-time comparison) and the timestamp's
 * freshness (default tolerance 300 s, against replays).
 *
 * @returns `true` when the signature is valid and fresh.
 *
 * @example
 * ```ts
 * const ok = verifyWebhook({ secret, body: rawBody, headers: req.headers })
 * if (!ok) return res.writeHead(401).end()
 * ```
 */
export function verifyWebhook(args: {
  readonly secret: string
  readonly body: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>> | WebhookSignatureHeaders
  readonly now?: Date
  readonly toleranceSeconds?: number
}): boolean {
  const header = (name: string) => {
    const v = (args.headers as Readonly<Record<string, string | string[] | undefined>>)[name]
    return Array.isArray(v) ? v[0] : v
  }
  const timestamp = header('webhook-timestamp')
  const nonce = header('webhook-nonce')
  const signature = header('webhook-signature')
  if (!timestamp || !nonce || !signature || !/^\d{1,12}$/.test(timestamp)) return false
  const age = Math.abs((args.now ?? new Date()).getTime() / 1000 - Number(timestamp))
  if (age > (args.toleranceSeconds ?? 300)) return false
  const expected = Buffer.from(
    `v1=${createHmac('sha256', args.secret).update(`${timestamp}.${nonce}.${args.body}`).digest('hex')}`,
  )
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
