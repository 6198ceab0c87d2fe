import type { EmailEventInput } from './email-event-input.js'

/** One SendGrid Event Webhook item (the fields Rapport reads; custom args `campaign_id` / `member_id`). */
export interface SendGridEvent {
  readonly event: string
  readonly sg_event_id?: string
  readonly timestamp?: number
  readonly sg_machine_open?: boolean
  readonly url?: string
  readonly type?: string
  readonly campaign_id?: string
  readonly member_id?: string
  readonly [key: string]: unknown
}

const TYPES: Readonly<Record<string, EmailEventInput['type']>> = {
  processed: 'sent',
  delivered: 'delivered',
  deferred: 'deferred',
  dropped: 'dropped',
  bounce: 'bounced',
  open: 'opened',
  click: 'clicked',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
  spamreport: 'complained',
}

/**
 * Maps a SendGrid Event Webhook body to events for `campaigns.ingest`: `sg_event_id` becomes the idempotency key,
 * `sg_machine_open` marks proxy opens, a `blocked` bounce is soft and any other hard. Events Rapport does not track
 * (`group_resubscribe`) are left out; malformed items are passed through for `ingest` to reject.
 *
 * @example
 * ```ts
 * app.post('/webhooks/sendgrid', async (c) => {
 *   const report = await crm.plugins.marketing.campaigns.ingest(fromSendGrid(await c.req.json()))
 *   return c.json(report)
 * })
 * ```
 */
export function fromSendGrid(body: readonly SendGridEvent[]): EmailEventInput[] {
  const out: EmailEventInput[] = []
  for (const item of Array.isArray(body) ? body : []) {
    const type = TYPES[item?.event]
    if (!type) continue
    out.push({
      providerEventId: item.sg_event_id as string,
      type,
      at: new Date((item.timestamp ?? Number.NaN) * 1000),
      provider: 'sendgrid',
      ...(item.member_id !== undefined ? { memberId: item.member_id } : {}),
      ...(item.campaign_id !== undefined ? { campaignId: item.campaign_id } : {}),
      ...(item.sg_machine_open ? { machine: true } : {}),
      ...(typeof item.url === 'string' ? { url: item.url } : {}),
      ...(type === 'bounced' ? { bounceKind: item.type === 'blocked' ? 'soft' : 'hard' } : {}),
    } as EmailEventInput)
  }
  return out
}
