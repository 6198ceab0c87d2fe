import type { Crm, CrmServices } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { TimelineHealthScorer } from '@rapport/core/timeline'
import type { Context } from 'hono'
import type { cors } from 'hono/cors'

/** What the host's `authenticate` hook returns for a request it accepts. */
export interface AuthResult {
  /** The acting user: every call of the request runs as this actor (filters, access policies, audit, events). */
  readonly actor: Actor | null
  /** The tenant; default the CRM's own tenant. */
  readonly tenantId?: string
}

/** What the host's `rateLimit` hook decides. */
export type RateLimitVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number }

/** The variables the server keeps on Hono's context for its handlers and for hosts' middleware. */
export interface RapportVariables {
  /** The CRM services scoped to the request's tenant and actor. */
  readonly rapport: CrmServices
  readonly auth: AuthResult
  readonly requestId: string
}

/** Options of {@link createRapportServer}. */
export interface RapportServerOptions {
  /** The CRM to serve. Its plugins' exposed entities and operations get routes too (`crm.describe()`). */
  readonly crm: Crm<any>
  /**
   * Authentication is the host's: return the actor and tenant of the request, or `null` to answer 401. Throwing a
   * `RapportError` answers with its status. There is no default, so a server is never open by accident; pass
   * `() => ({ actor: null })` for a deliberately open one.
   */
  authenticate(c: Context): AuthResult | null | Promise<AuthResult | null>
  /** Called after authentication; refuse to answer 429 with `Retry-After`. */
  rateLimit?(c: Context, auth: AuthResult): RateLimitVerdict | Promise<RateLimitVerdict>
  /** The largest accepted request body, in bytes (default 1 MiB). */
  readonly bodyLimit?: number
  /** CORS: `false` (default) adds no headers; an options object enables Hono's `cors()` with them. */
  readonly cors?: false | Parameters<typeof cors>[0]
  /** Refuse updates, archives, deletes and stage moves without `If-Match` (428). Default `false`. */
  readonly requireIfMatch?: boolean
  /** Statuses of plugin error codes the fixed mapping does not know (default 422). */
  statusOf?(code: string): number | undefined
  /**
   * Computes the `healthScore` of `GET /{contacts,companies}/{id}/timeline/figures` (see `crm.timeline.figures`);
   * without it the score is `null`. Timeline entries themselves come from `crm.timeline`: a host adds its own kinds
   * with a core plugin's `timeline` sources.
   */
  readonly timelineHealthScore?: TimelineHealthScorer
  /** The `info` block of the OpenAPI document. */
  readonly info?: { readonly title?: string; readonly version?: string; readonly description?: string }
  /** Where unexpected failures (500s) go; default `console.error`. The client only sees the request id. */
  onUnexpectedError?(error: unknown, c: Context): void
  /** Serve the API reference page at `/reference` (default `true`). */
  readonly reference?: boolean
}
