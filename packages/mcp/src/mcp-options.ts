import type { Crm } from '@rapport/core'
import type { Actor } from '@rapport/core/events'
import type { TimelineHealthScorer } from '@rapport/core/timeline'

/** Options of {@link createRapportMcpServer}. */
export interface RapportMcpOptions {
  /** The CRM. Entities and operations plugins expose become tools too (`crm.describe()`). */
  readonly crm: Crm<any>
  /** The actor every call runs as: filters, access policies, audit and events see this user. */
  readonly actor: Actor | null
  /** The tenant (default: the CRM's). */
  readonly tenantId?: string
  /**
   * Write tools to switch on, by name (e.g. `['create_contact', 'log_activity']`), or `'all'`. Default: none, so a
   * server is read-only unless told otherwise.
   */
  readonly writes?: readonly string[] | 'all'
  /** Entities with create and update tools (default: contact, company, deal, lead, ticket, activity, task). */
  readonly writableEntities?: readonly string[]
  /**
   * Computes the `healthScore` of the `timeline_figures` tool (see `crm.timeline.figures`); without it the score is
   * `null`. Timeline entries come from `crm.timeline`: add your own kinds with a core plugin's `timeline` sources.
   */
  readonly timelineHealthScore?: TimelineHealthScorer
  /** The name and version the server reports to clients. */
  readonly serverInfo?: { readonly name: string; readonly version: string }
}
