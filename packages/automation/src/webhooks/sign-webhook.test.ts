import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from './sign-webhook.js'

describe('webhook signatures', () => {
  const now = new Date('2026-03-02T09:00:00Z')
  const headers = signWebhook({ secret: 's3cret', id: 'arun_1:0', body: '{"a":1}', now, nonce: 'n1' })

  it('signs timestamp, nonce and body; verifies them', () => {
    expect(headers['webhook-timestamp']).toBe(String(now.getTime() / 1000))
    expect(headers['webhook-signature']).toMatch(/^v1=[0-9a-f]{64}$/)
    expect(verifyWebhook({ secret: 's3cret', body: '{"a":1}', headers, now })).toBe(true)
  })

  it('rejects another body, nonce, secret, a stale timestamp and missing headers', () => {
    expect(verifyWebhook({ secret: 's3cret', body: '{"a":2}', headers, now })).toBe(false)
    expect(verifyWebhook({ secret: 'other', body: '{"a":1}', headers, now })).toBe(false)
    expect(
      verifyWebhook({
        secret: 's3cret',
        body: '{"a":1}',
        headers: { ...headers, 'webhook-nonce': 'n2' },
        now,
      }),
    ).toBe(false)
    expect(
      verifyWebhook({ secret: 's3cret', body: '{"a":1}', headers, now: new Date(now.getTime() + 301_000) }),
    ).toBe(false)
    expect(verifyWebhook({ secret: 's3cret', body: '{"a":1}', headers: {}, now })).toBe(false)
  })
})
