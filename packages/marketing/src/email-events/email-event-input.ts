import * as z from 'zod'
import { messageEventTypes } from '../campaigns/campaign-entities.js'
import { MarketingErrorCodes, marketingError } from '../marketing-error.js'

/**
 * One email event to ingest, provider-neutral. Name the member by `memberId`, or by `campaignId` + `recordId`.
 * `providerEventId` (SendGrid `sg_event_id`) makes ingestion idempotent.
 */
export interface EmailEventInput {
  readonly providerEventId: string
  readonly type: (typeof messageEventTypes)[number]
  readonly at: Date
  readonly memberId?: string
  readonly campaignId?: string
  readonly recordId?: string
  /** A proxy open (Apple Mail Privacy Protection, SendGrid `sg_machine_open`): stored, never counted as an open. */
  readonly machine?: boolean
  readonly url?: string
  readonly bounceKind?: 'hard' | 'soft'
  /** Default `generic`. */
  readonly provider?: string
}

const ref = z.string().min(1).max(200)

/** The schema every event is checked against before anything is written. */
export const emailEventInputSchema = z
  .strictObject({
    providerEventId: ref,
    type: z.enum(messageEventTypes),
    at: z.date().refine((d) => !Number.isNaN(d.getTime()), 'Invalid date'),
    memberId: ref.optional(),
    campaignId: ref.optional(),
    recordId: ref.optional(),
    machine: z.boolean().optional(),
    url: z.string().max(2000).optional(),
    bounceKind: z.enum(['hard', 'soft']).optional(),
    provider: z.string().min(1).max(50).optional(),
  })
  .refine((e) => e.memberId !== undefined || (e.campaignId !== undefined && e.recordId !== undefined), {
    message: 'Name the member: memberId, or campaignId and recordId',
  })

/** Checks a batch of events; the first bad one is `MARKETING_INVALID_EVENT` with its index and issues. */
export function checkEmailEvents(events: readonly unknown[]): EmailEventInput[] {
  if (!Array.isArray(events) || events.length > 10_000) {
    throw marketingError(
      MarketingErrorCodes.MARKETING_INVALID_EVENT,
      'Events must be an array of at most 10,000',
    )
  }
  return events.map((event, index) => {
    const parsed = emailEventInputSchema.safeParse(event)
    if (!parsed.success) {
      throw marketingError(
        MarketingErrorCodes.MARKETING_INVALID_EVENT,
        `Invalid email event at [${index}]: ${parsed.error.issues[0]?.message}`,
        {
          index,
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        },
      )
    }
    return parsed.data as EmailEventInput
  })
}
