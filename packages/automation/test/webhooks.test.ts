import type { IncomingMessage } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from '../src/index.js'
import { setup } from './helpers.js'

interface Received {
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

const HOOKS = `whsec_${Buffer.from('outbound-secret-of-32-bytes-long!').toString('base64')}`
const INBOUND = `whsec_${Buffer.from('inbound-secret-of-32-bytes-long!!').toString('base64')}`
const WRONG = `whsec_${Buffer.from('some-other-secret-of-32-bytes!!!').toString('base64')}`

const servers: ReturnType<typeof createServer>[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

async function receiver(statuses: number[]) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(statuses.shift() ?? 200).end()
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received }
}

describe('outbound webhooks', () => {
  it('are signed the Standard Webhooks way (the standardwebhooks package verifies them), retried with backoff, with a stable idempotency id', async () => {
    const { url, received } = await receiver([500, 200])
    const { crm, engine, deal, advance, now } = await setup({ secrets: { hooks: HOOKS } })
    engine.register({
      id: 'notify',
      name: 'Notify',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [
        { type: 'webhook', url, secret: 'hooks', allowPrivateNetwork: true, headers: { 'x-tenant': 'acme' } },
      ],
    })
    const d = await deal('Signed')
    await engine.runDue()
    expect(received).toHaveLength(1)
    advance(1000)
    await engine.runDue()
    expect(received).toHaveLength(2)
    for (const r of received) {
      expect(verifyWebhook({ secret: HOOKS, body: r.body, headers: r.headers as never, now: now() })).toBe(
        true,
      )
      expect(verifyWebhook({ secret: WRONG, body: r.body, headers: r.headers as never, now: now() })).toBe(
        false,
      )
      const signature = new Webhook(HOOKS).sign(
        r.headers['webhook-id'] as string,
        new Date(Number(r.headers['webhook-timestamp']) * 1000),
        r.body,
      )
      expect(r.headers['webhook-signature']).toBe(signature)
      expect(r.headers['x-tenant']).toBe('acme')
    }
    expect(received[0]?.headers['webhook-id']).toBe(received[1]?.headers['webhook-id'])
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      ruleId: 'notify',
      record: { id: d.id, name: 'Signed' },
    })
    expect((await engine.log()).items[0]?.status).toBe('completed')
    void crm
  })

  it('the SSRF guard blocks loopback and private targets (by IP and by name) unless allowed; never retried', async () => {
    const { url, received } = await receiver([])
    const { engine, deal } = await setup({ secrets: { hooks: HOOKS } })
    const port = new URL(url).port
    engine.register({
      id: 'ip',
      name: 'By IP',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'webhook', url, secret: 'hooks' }],
    })
    engine.register({
      id: 'name',
      name: 'By name',
      entity: 'deal',
      trigger: { type: 'record', events: ['created'] },
      actions: [{ type: 'webhook', url: `http://localhost:${port}/hook`, secret: 'hooks' }],
    })
    await deal('D')
    await engine.runDue()
    expect(received).toHaveLength(0)
    const dead = await engine.deadLetters()
    expect(dead.map((d) => [d.error?.['code'], d.attempts])).toEqual([
      ['AUTOMATION_WEBHOOK_BLOCKED', 1],
      ['AUTOMATION_WEBHOOK_BLOCKED', 1],
    ])
  })
})

describe('inbound webhooks', () => {
  it('enroll a record when the signature is valid, once per webhook-id; a bad signature is FORBIDDEN', async () => {
    const { crm, engine, deal, now } = await setup({ secrets: { inbound: INBOUND } })
    engine.register({
      id: 'inbound',
      name: 'Payment received',
      entity: 'deal',
      trigger: { type: 'webhook', secret: 'inbound' },
      actions: [{ type: 'addTag', tag: 'paid' }],
    })
    const d = await deal('Invoice')
    const body = JSON.stringify({ paid: true })
    // Signed by the reference implementation: Rapport accepts standard deliveries.
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(now().getTime() / 1000)),
      'webhook-signature': new Webhook(INBOUND).sign('evt_1', now(), body),
    }
    const first = await engine.receiveWebhook('inbound', { recordId: d.id, body, headers: { ...headers } })
    const again = await engine.receiveWebhook('inbound', { recordId: d.id, body, headers: { ...headers } })
    expect('runId' in first).toBe(true)
    expect(again).toEqual({ skipped: 'already-enrolled' })
    const forged = await engine
      .receiveWebhook('inbound', { recordId: d.id, body: '{"paid":false}', headers: { ...headers } })
      .catch((e: unknown) => e)
    expect(forged).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'no_matching_signature' } })
    const late = signWebhook({ secret: INBOUND, id: 'evt_2', body, now: new Date(now().getTime() - 600_000) })
    const stale = await engine
      .receiveWebhook('inbound', { recordId: d.id, body, headers: { ...late } })
      .catch((e: unknown) => e)
    expect(stale).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Webhook timestamp too old (600 s ago; the tolerance is 300 s)',
      details: { reason: 'timestamp_too_old' },
    })
    await engine.runDue()
    expect((await crm.deals.get(d.id)).tags).toEqual(['paid'])
    expect(await crm.entity('automationRun').count()).toBe(1)
  })
})

describe('webhook secrets', () => {
  it('must be Standard Webhooks secrets (whsec_ + base64): AUTOMATION_INVALID_CONFIG otherwise', async () => {
    const error = await setup({ secrets: { hooks: 'plain-password' } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'AUTOMATION_INVALID_CONFIG' })
    expect(String((error as Error).message)).not.toContain('plain-password')
  })
})
