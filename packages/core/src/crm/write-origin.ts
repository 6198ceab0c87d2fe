import * as z from 'zod'
import { RapportError } from '../errors/rapport-error.js'

/** Where a write came from: the channels audit history and privacy tooling tell apart. */
export const writeChannels = ['api', 'ui', 'automation', 'import', 'merge', 'erasure', 'system'] as const

/** One of {@link writeChannels}. */
export type WriteChannel = (typeof writeChannels)[number]

/**
 * Why and through which door a unit of work writes, carried on the session next to the actor: set it with
 * `crm.scoped({ origin })` (a REST server per request, automation per run, an importer per job). Every write of that
 * session, and every `beforeCommit` hook it triggers, sees it.
 *
 * @example
 * ```ts
 * const api = crm.scoped({
 *   actor: { id: 'usr_1' },
 *   origin: { channel: 'api', requestId: req.headers.get('x-request-id') ?? undefined },
 * })
 * await api.contacts.update(id, { lastName: 'Lovelace' })
 * ```
 */
export interface WriteOrigin {
  /** The channel; `api` when not given. */
  readonly channel?: WriteChannel
  /** The request that caused the write (HTTP request id, MCP call id). */
  readonly requestId?: string
  /** The event or run that caused the write, linking automation cascades to their trigger. */
  readonly causationId?: string
  /** The rule, job or merge id behind an `automation`, `import` or `merge` write. */
  readonly channelRef?: string
  /** A free-text reason, e.g. for `system` writes. */
  readonly reason?: string
}

const idText = z.string().min(1).max(200)

const writeOriginSchema = z
  .object({
    channel: z.enum(writeChannels).optional(),
    requestId: idText.optional(),
    causationId: idText.optional(),
    channelRef: idText.optional(),
    reason: z.string().min(1).max(1000).optional(),
  })
  .strict()

/** The default origin of a session nobody described. */
export const DEFAULT_WRITE_ORIGIN: WriteOrigin = Object.freeze({})

/**
 * Checks an origin given to `crm.scoped()`; a malformed one is `INVALID_CONFIG` before anything runs.
 *
 * @internal
 */
export function parseWriteOrigin(origin: unknown): WriteOrigin {
  if (origin === undefined) return DEFAULT_WRITE_ORIGIN
  const parsed = writeOriginSchema.safeParse(origin)
  if (!parsed.success) {
    throw new RapportError('INVALID_CONFIG', `Invalid write origin: ${parsed.error.issues[0]?.message}`, {
      details: {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    })
  }
  const value = parsed.data
  return Object.freeze(
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as WriteOrigin,
  )
}
