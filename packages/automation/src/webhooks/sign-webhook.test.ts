import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { checkWebhook, signWebhook, verifyWebhook, webhookSecretKey } from './sign-webhook.js'

const secret = `whsec_${Buffer.from('a-thirty-two-byte-secret-for-tests!').toString('base64')}`
const other = `whsec_${randomBytes(32).toString('base64')}`
const now = new Date('2026-03-02T09:00:00Z')
const seconds = now.getTime() / 1000

/**
 * Standard Webhooks, proven both ways against the reference `standardwebhooks` package: it verifies what Rapport
 * signs, and Rapport verifies what it signs.
 */
describe('Standard Webhooks signatures', () => {
  it('signs id.timestamp.body as v1,<base64> with the decoded whsec_ key', () => {
    const headers = signWebhook({ secret, id: 'arun_1:0', body: '{"a":1}', now })
    expect(headers).toEqual({
      'webhook-id': 'arun_1:0',
      'webhook-timestamp': String(seconds),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    })
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('arun_1:0', now, '{"a":1}'))
  })

  it('the standardwebhooks package verifies Rapport deliveries, and Rapport verifies its signatures', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !/[\s,]/.test(id)),
        fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        (id, body, unix, bytes) => {
          const key = `whsec_${Buffer.from(bytes).toString('base64')}`
          const at = new Date(unix * 1000)
          const ours = signWebhook({ secret: key, id, body, now: at })
          // The reference checks the timestamp against the real clock, so the property uses fresh timestamps there.
          const fresh = signWebhook({ secret: key, id, body })
          expect(new Webhook(key).verify(body, { ...fresh })).toEqual(JSON.parse(body))
          const theirs = new Webhook(key).sign(id, at, body)
          expect(theirs).toBe(ours['webhook-signature'])
          const headers = { 'webhook-id': id, 'webhook-timestamp': String(unix), 'webhook-signature': theirs }
          expect(checkWebhook({ secret: key, body, headers, now: at })).toEqual({ valid: true })
        },
      ),
      { numRuns: 200 },
    )
  })

  it('accepts any matching signature of a space-separated list (key rotation)', () => {
    const signed = signWebhook({ secret, id: 'evt_1', body: '{}', now })
    const rotated = new Webhook(other).sign('evt_1', now, '{}')
    const headers = { ...signed, 'webhook-signature': `${rotated} v2,abc ${signed['webhook-signature']}` }
    expect(verifyWebhook({ secret, body: '{}', headers, now })).toBe(true)
    expect(verifyWebhook({ secret: other, body: '{}', headers, now })).toBe(true)
  })

  it('says why a delivery fails: stale or future timestamp, wrong signature, missing headers', () => {
    const headers = signWebhook({ secret, id: 'evt_1', body: '{"a":1}', now })
    const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000)
    const stale = checkWebhook({ secret, body: '{"a":1}', headers, now: at(301) })
    expect(stale).toEqual({
      valid: false,
      reason: 'timestamp_too_old',
      message: 'Webhook timestamp too old (301 s ago; the tolerance is 300 s)',
    })
    expect(checkWebhook({ secret, body: '{"a":1}', headers, now: at(300) }).valid).toBe(true)
    expect(checkWebhook({ secret, body: '{"a":1}', headers, now: at(-301) })).toMatchObject({
      reason: 'timestamp_too_new',
    })
    expect(checkWebhook({ secret, body: '{"a":2}', headers, now })).toMatchObject({
      reason: 'no_matching_signature',
    })
    expect(checkWebhook({ secret: other, body: '{"a":1}', headers, now })).toMatchObject({
      reason: 'no_matching_signature',
    })
    expect(
      checkWebhook({ secret, body: '{"a":1}', headers: { ...headers, 'webhook-id': 'evt_2' }, now }),
    ).toMatchObject({ reason: 'no_matching_signature' })
    expect(checkWebhook({ secret, body: '{"a":1}', headers: {}, now })).toMatchObject({
      reason: 'missing_headers',
    })
    expect(
      checkWebhook({ secret, body: '{"a":1}', headers: { ...headers, 'webhook-timestamp': '1e9' }, now }),
    ).toMatchObject({ reason: 'invalid_timestamp' })
    // The reference agrees that a stale delivery is about the timestamp, not the signature.
    const old = signWebhook({ secret, id: 'evt_1', body: '{}', now: new Date(Date.now() - 3_600_000) })
    expect(() => new Webhook(secret).verify('{}', { ...old })).toThrow(WebhookVerificationError)
    expect(() => new Webhook(secret).verify('{}', { ...old })).toThrow(/timestamp too old/)
  })

  it('refuses secrets that are not whsec_ plus 24–64 base64 bytes with INVALID_CONFIG', () => {
    for (const bad of ['s3cret', 'whsec_', 'whsec_!!!', `whsec_${Buffer.alloc(8).toString('base64')}`]) {
      expect(() => webhookSecretKey(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }))
    }
    expect(webhookSecretKey(secret)).toHaveLength(35)
  })
})
