import type { StageChange, Ticket, TicketInput } from '../entities/entity-types.js'
import type { EventMeta } from '../events/crm-events.js'
import type { SlaStatus } from '../pipeline/sla.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { EntityService } from './entity-service.js'
import type { MoveStageOptions } from './stage-move-options.js'

/** Payload of `ticket.sla_breached`: emitted once per ticket and target, by `crm.tickets.checkSla`. */
export interface SlaBreachedEvent extends EventMeta {
  readonly record: Ticket
  readonly metric: 'firstResponse' | 'resolution'
  /** When the target was due. */
  readonly dueAt: Date
  readonly policyId: string
}

/** One breach found by {@link TicketService.checkSla}. */
export interface SlaBreach {
  readonly ticketId: string
  readonly metric: 'firstResponse' | 'resolution'
  readonly dueAt: Date
}

/**
 * Support tickets: a status flow with reopen, SLA policies in business hours, and breach detection.
 *
 * @example
 * ```ts
 * const ticket = await crm.tickets.create({ subject: 'Cannot log in', priority: 'high', requesterId: ada.id })
 * await crm.tickets.recordResponse(ticket.id)
 * const sla = await crm.tickets.sla(ticket.id) // { firstResponse: { state: 'met', … }, resolution: { state: 'on_track', dueAt, … } }
 * const breaches = await crm.tickets.checkSla() // run from a scheduler; emits ticket.sla_breached once per breach
 * ```
 */
export interface TicketService extends EntityService<Ticket, TicketInput, Partial<TicketInput>> {
  /** Moves a ticket to another status (the pipeline's edges decide which). */
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<Ticket>
  /** Records the first response (now, or `at`); later calls keep the first one. */
  recordResponse(id: string, options?: { readonly at?: Date }): Promise<Ticket>
  /** The ticket's status history, oldest first. */
  stageHistory(id: string): Promise<StageChange[]>
  /** Time spent per status. */
  timeInStage(id: string): Promise<TimeInStage>
  /** The SLA of a ticket now (the CRM clock): `null` targets when it has no policy or no target for its priority. */
  sla(id: string): Promise<SlaStatus>
  /**
   * Finds tickets whose first-response or resolution target is breached at `now` (default: the CRM clock), marks
   * them (`firstResponseBreachedAt`, `resolutionBreachedAt`) and emits `ticket.sla_breached` once per ticket and
   * target. Served by the due-time indexes; safe to run from several schedulers (a version guard makes each mark
   * happen once).
   */
  checkSla(now?: Date): Promise<SlaBreach[]>
}
