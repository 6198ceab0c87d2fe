import type { LookupAddress } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { isIP } from 'node:net'
import { RapportError } from '@rapport/core'
import { signWebhook } from './sign-webhook.js'
import { isPrivateAddress } from './ssrf-guard.js'

/** The outcome of a delivered webhook. */
export interface WebhookDelivery {
  readonly status: number
  readonly idempotencyKey: string
}

/**
 * A DNS lookup that refuses private addresses at connect time: the address checked is the address connected to,
 * so DNS rebinding cannot slip past the guard.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const list = addresses as unknown as LookupAddress[]
      const blocked = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address))
      if (blocked) {
        return callback(
          new RapportError(
            'AUTOMATION_WEBHOOK_BLOCKED',
            `Webhook host ${hostname} resolves to a private address`,
            {
              details: { host: hostname, address: blocked.address },
            },
          ) as unknown as NodeJS.ErrnoException,
          '',
          0,
        )
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list)
      const first = list[0] as LookupAddress
      callback(null, first.address, first.family)
    })
  }
}

/**
 * POSTs a signed JSON body. Private, loopback and link-local destinations are refused unless `allowPrivateNetwork`
 * (`AUTOMATION_WEBHOOK_BLOCKED`, never retried); redirects are not followed; network errors, timeouts and non-2xx
 * statuses throw `AUTOMATION_WEBHOOK_FAILED` so the job is retried with backoff.
 */
export async function sendWebhook(args: {
  readonly url: string
  readonly secret: string
  readonly idempotencyKey: string
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly allowPrivateNetwork?: boolean
  readonly timeoutMs?: number
  readonly now?: Date
}): Promise<WebhookDelivery> {
  const url = new URL(args.url)
  const allowPrivate = args.allowPrivateNetwork === true
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) {
    throw new RapportError('AUTOMATION_WEBHOOK_BLOCKED', `Webhook address ${host} is private`, {
      details: { host, address: host },
    })
  }
  const body = JSON.stringify(args.body)
  const signed = signWebhook({
    secret: args.secret,
    id: args.idempotencyKey,
    body,
    ...(args.now ? { now: args.now } : {}),
  })
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<WebhookDelivery>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(allowPrivate),
        timeout: args.timeoutMs ?? 5000,
        headers: {
          ...args.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': args.idempotencyKey,
          ...signed,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve({ status, idempotencyKey: args.idempotencyKey })
          else
            reject(
              new RapportError('AUTOMATION_WEBHOOK_FAILED', `Webhook ${url.origin} answered ${status}`, {
                details: { url: url.origin + url.pathname, status },
              }),
            )
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error) => {
      reject(
        error instanceof RapportError
          ? error
          : new RapportError('AUTOMATION_WEBHOOK_FAILED', `Webhook ${url.origin} failed: ${error.message}`, {
              details: { url: url.origin + url.pathname },
              cause: error,
            }),
      )
    })
    req.end(body)
  })
}
