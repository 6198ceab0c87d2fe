import type { CrmServices } from '@rapport/core'
import { RapportError } from '@rapport/core'
import type { Page } from '@rapport/core/services'
import * as z from 'zod'
import { consentChannels, consentEntity, lawfulBases } from '../privacy-entities.js'
import { PrivacyErrorCodes } from '../privacy-error.js'

/** One consent statement as stored. */
export interface ConsentRecord {
  readonly id: string
  readonly subjectType: 'contact' | 'lead'
  readonly subjectId: string
  readonly purpose: string
  readonly channel: (typeof consentChannels)[number]
  readonly status: 'opt_in' | 'opt_out' | 'pending_double_opt_in'
  readonly lawfulBasis: (typeof lawfulBases)[number]
  readonly source: string
  readonly capturedAt: Date
  readonly doubleOptInAt: Date | null
  readonly evidence: Record<string, unknown> | null
}

/** The state of consent for one purpose on one channel: `none` when the subject never said anything. */
export type ConsentState = ConsentRecord['status'] | 'none'

/** Consent per purpose × channel, append-only, with double opt-in. */
export interface ConsentService {
  /** Records an opt-in or opt-out (the newest statement wins). */
  record(input: ConsentInput): Promise<ConsentRecord>
  /**
   * Starts a double opt-in: records `pending_double_opt_in` and returns the token to send to the subject (only its
   * SHA-256 is stored). The state stays pending until {@link ConsentService.confirm}.
   */
  requestDoubleOptIn(
    input: Omit<ConsentInput, 'status'> & { readonly ttlHours?: number },
  ): Promise<{ readonly consent: ConsentRecord; readonly token: string }>
  /** Confirms a double opt-in by its token; `PRIVACY_INVALID_TOKEN` when unknown, superseded or expired. */
  confirm(token: string): Promise<ConsentRecord>
  /** The current state for a purpose on a channel (a channel-specific statement beats one for `*`). */
  state(subjectId: string, purpose: string, channel: ConsentRecord['channel']): Promise<ConsentState>
  /** Every statement of a subject, newest first. */
  history(
    subjectId: string,
    page?: { readonly limit?: number; readonly cursor?: string | null },
  ): Promise<Page<ConsentRecord>>
}

/** Input of {@link ConsentService.record}. */
export interface ConsentInput {
  readonly subjectType?: 'contact' | 'lead'
  readonly subjectId: string
  readonly purpose: string
  readonly channel: ConsentRecord['channel']
  readonly status: 'opt_in' | 'opt_out'
  readonly source: string
  readonly lawfulBasis?: ConsentRecord['lawfulBasis']
  readonly capturedAt?: Date
  readonly evidence?: Record<string, unknown>
}

const inputSchema = z.strictObject({
  subjectType: z.enum(['contact', 'lead']).optional(),
  subjectId: z.string().min(1).max(200),
  purpose: z.string().min(1).max(100),
  channel: z.enum(consentChannels),
  status: z.enum(['opt_in', 'opt_out']),
  source: z.string().min(1).max(200),
  lawfulBasis: z.enum(lawfulBases).optional(),
  capturedAt: z.date().optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
})

function invalid(error: z.ZodError): RapportError {
  return new RapportError(
    PrivacyErrorCodes.PRIVACY_INVALID_CONSENT,
    `Invalid consent: ${error.issues[0]?.message}`,
    {
      details: { issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    },
  )
}

async function sha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const NEWEST = [{ field: 'capturedAt', direction: 'desc' }] as const

/**
 * Builds the consent service over `services` (the CRM's, or a scoped one).
 *
 * @internal
 */
export function createConsentService(services: () => CrmServices, clock: () => Date): ConsentService {
  const table = () =>
    services().entity<ConsentRecord & { tokenHash: string | null; tokenExpiresAt: Date | null }>(
      consentEntity.name,
    )

  async function latest(subjectId: string, purpose: string, channel: string) {
    const page = await table().list({
      where: {
        and: [
          { field: 'subjectId', op: 'eq', value: subjectId },
          { field: 'purpose', op: 'eq', value: purpose },
          { field: 'channel', op: 'eq', value: channel },
        ],
      },
      orderBy: NEWEST,
      limit: 1,
    })
    return page.items[0] ?? null
  }

  async function requireSubject(type: 'contact' | 'lead', id: string) {
    await services().entity(type).get(id)
  }

  const clean = (row: ConsentRecord & { tokenHash?: unknown; tokenExpiresAt?: unknown }): ConsentRecord => {
    const { tokenHash: _t, tokenExpiresAt: _e, ...rest } = row as unknown as Record<string, unknown>
    return rest as unknown as ConsentRecord
  }

  return {
    async record(input) {
      const parsed = inputSchema.safeParse(input)
      if (!parsed.success) throw invalid(parsed.error)
      const { subjectType = 'contact', capturedAt, ...rest } = parsed.data
      await requireSubject(subjectType, rest.subjectId)
      return clean(await table().create({ ...rest, subjectType, capturedAt: capturedAt ?? clock() }))
    },
    async requestDoubleOptIn(input) {
      const { ttlHours = 72, ...statement } = input
      const parsed = inputSchema.safeParse({ ...statement, status: 'opt_in' })
      if (!parsed.success) throw invalid(parsed.error)
      if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > 24 * 90) {
        throw new RapportError(
          PrivacyErrorCodes.PRIVACY_INVALID_CONSENT,
          'ttlHours must be an integer from 1 to 2160',
        )
      }
      const { subjectType = 'contact', capturedAt, status: _s, ...rest } = parsed.data
      await requireSubject(subjectType, rest.subjectId)
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32))
      const token = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
      const now = capturedAt ?? clock()
      const consent = await table().create({
        ...rest,
        subjectType,
        status: 'pending_double_opt_in',
        capturedAt: now,
        tokenHash: await sha256(token),
        tokenExpiresAt: new Date(now.getTime() + ttlHours * 3_600_000),
      })
      return { consent: clean(consent), token }
    },
    async confirm(token) {
      const refuse = () =>
        new RapportError(
          PrivacyErrorCodes.PRIVACY_INVALID_TOKEN,
          'Unknown, superseded or expired double opt-in token',
        )
      if (typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token)) throw refuse()
      const pending = (
        await table().list({ where: { field: 'tokenHash', op: 'eq', value: await sha256(token) }, limit: 1 })
      ).items[0]
      if (!pending) throw refuse()
      const now = clock()
      const current = await latest(pending.subjectId, pending.purpose, pending.channel)
      if (
        current?.id !== pending.id ||
        !pending.tokenExpiresAt ||
        pending.tokenExpiresAt.getTime() < now.getTime()
      ) {
        throw refuse()
      }
      return clean(
        await table().create({
          subjectType: pending.subjectType,
          subjectId: pending.subjectId,
          purpose: pending.purpose,
          channel: pending.channel,
          status: 'opt_in',
          lawfulBasis: pending.lawfulBasis,
          source: pending.source,
          capturedAt: now,
          doubleOptInAt: now,
          ...(pending.evidence ? { evidence: pending.evidence } : {}),
        }),
      )
    },
    async state(subjectId, purpose, channel) {
      const exact = await latest(subjectId, purpose, channel)
      if (exact) return exact.status
      const any = channel === '*' ? null : await latest(subjectId, purpose, '*')
      return any?.status ?? 'none'
    },
    async history(subjectId, page = {}) {
      const result = await table().list({
        where: { field: 'subjectId', op: 'eq', value: subjectId },
        orderBy: NEWEST,
        ...(page.limit ? { limit: page.limit } : {}),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      })
      return { ...result, items: result.items.map(clean) }
    },
  }
}
