import type { CrmServices } from '@rapport/core'
import { isRapportError } from '@rapport/core'
import * as z from 'zod'
import { marketingError } from '../marketing-error.js'
import { surveyChannels, surveyKinds } from './survey-entities.js'

/** One of the survey kinds: `csat` (1–5) or `nps` (0–10). */
export type SurveyKind = (typeof surveyKinds)[number]

/** A stored survey response. */
export interface SurveyResponse {
  readonly id: string
  readonly ticketId: string
  readonly kind: SurveyKind
  readonly score: number
  readonly comment: string | null
  readonly channel: (typeof surveyChannels)[number]
  readonly contactId: string | null
  readonly respondedAt: Date
  readonly createdAt: Date
}

/** Input of `surveys.record()`. */
export interface SurveyResponseInput {
  readonly ticketId: string
  /** Default `csat`. */
  readonly kind?: SurveyKind
  /** CSAT: an integer 1–5; NPS: an integer 0–10. */
  readonly score: number
  readonly comment?: string | null
  /** Default `email`. */
  readonly channel?: (typeof surveyChannels)[number]
  /** Default: the clock. */
  readonly respondedAt?: Date
}

/** What `record` did: stored a new response, or found the same response already stored. */
export interface RecordedResponse {
  readonly response: SurveyResponse
  readonly created: boolean
}

/** Survey responses, as `crm.plugins.marketing.surveys`. */
export interface SurveyService {
  /**
   * Stores the response to a ticket's survey. A ticket has at most one response per kind: sending the same response
   * again (a survey tool redelivering its webhook) returns the stored one with `created: false` and writes nothing;
   * a different second response is `MARKETING_DUPLICATE_RESPONSE` (the first answer stands). A score out of range or
   * an unknown kind is `MARKETING_INVALID_SURVEY`; a ticket the caller cannot see is `NOT_FOUND`.
   */
  record(input: SurveyResponseInput): Promise<RecordedResponse>
  /** The responses of a ticket (at most one per kind). */
  forTicket(ticketId: string): Promise<SurveyResponse[]>
}

const RANGE: Record<SurveyKind, readonly [number, number]> = { csat: [1, 5], nps: [0, 10] }

const inputSchema = z
  .strictObject({
    ticketId: z.string().min(1).max(100),
    kind: z.enum(surveyKinds).default('csat'),
    score: z.int(),
    comment: z.string().max(5000).nullable().optional(),
    channel: z.enum(surveyChannels).default('email'),
    respondedAt: z.date().optional(),
  })
  .superRefine((v, ctx) => {
    const [min, max] = RANGE[v.kind]
    if (v.score < min || v.score > max)
      ctx.addIssue({
        code: 'custom',
        path: ['score'],
        message: `A ${v.kind} score is an integer ${min}–${max}`,
      })
  })

const same = (a: SurveyResponse, b: z.infer<typeof inputSchema>) =>
  a.score === b.score && (a.comment ?? null) === (b.comment ?? null) && a.channel === b.channel

/** @internal */
export function createSurveyService(services: () => CrmServices, clock: () => Date): SurveyService {
  const responses = (crm: CrmServices = services()) => crm.entity<SurveyResponse>('surveyResponse')
  const existing = async (crm: CrmServices, ticketId: string, kind: SurveyKind) =>
    (
      await responses(crm).list({
        where: {
          and: [
            { field: 'ticketId', op: 'eq', value: ticketId },
            { field: 'kind', op: 'eq', value: kind },
          ],
        },
        limit: 1,
      })
    ).items[0]
  const settle = (found: SurveyResponse, input: z.infer<typeof inputSchema>): RecordedResponse => {
    if (same(found, input)) return { response: found, created: false }
    throw marketingError(
      'MARKETING_DUPLICATE_RESPONSE',
      `Ticket ${input.ticketId} already has a ${input.kind} response`,
      { ticketId: input.ticketId, kind: input.kind, responseId: found.id },
    )
  }
  return {
    async record(raw) {
      const parsed = inputSchema.safeParse(raw)
      if (!parsed.success) {
        throw marketingError('MARKETING_INVALID_SURVEY', 'Invalid survey response', {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        })
      }
      const input = parsed.data
      const crm = services()
      try {
        return await crm.transaction(async (tx) => {
          const ticket = await tx.tickets.get(input.ticketId)
          const found = await existing(tx, input.ticketId, input.kind)
          if (found) return settle(found, input)
          const response = await responses(tx).create({
            ticketId: input.ticketId,
            kind: input.kind,
            score: input.score,
            comment: input.comment ?? null,
            channel: input.channel,
            contactId: (ticket as { requesterId?: string | null }).requesterId ?? null,
            respondedAt: input.respondedAt ?? clock(),
          })
          return { response, created: true }
        })
      } catch (error) {
        // Two deliveries at once: the unique index lets one in; the other settles against it.
        if (!isRapportError(error, 'UNIQUE_VIOLATION')) throw error
        const found = await existing(crm, input.ticketId, input.kind)
        if (!found) throw error
        return settle(found, input)
      }
    },
    async forTicket(ticketId) {
      await services().tickets.get(ticketId)
      return (await responses().list({ where: { field: 'ticketId', op: 'eq', value: ticketId }, limit: 10 }))
        .items
    },
  }
}
