import type {
  Activity,
  BusinessCalendar,
  Company,
  Contact,
  Deal,
  DealContact,
  Lead,
  Pipeline,
  SlaPolicy,
  Tag,
  Task,
  Ticket,
} from '../entities/entity-types.js'
import type { Order } from '../entities/order.js'
import type { EntityEvents } from '../events/crm-events.js'
import type { StageChangedEvent } from '../pipeline/stage-events.js'
import type { LeadConvertedEvent } from '../types/lead-service.js'
import type { SlaBreachedEvent } from '../types/ticket-service.js'

/** The pipeline events of deals, leads and tickets. */
export interface PipelineEvents {
  'deal.stage_changed': StageChangedEvent<Deal>
  'deal.won': StageChangedEvent<Deal>
  'deal.lost': StageChangedEvent<Deal>
  'deal.reopened': StageChangedEvent<Deal>
  'lead.stage_changed': StageChangedEvent<Lead>
  'lead.disqualified': StageChangedEvent<Lead>
  'lead.reopened': StageChangedEvent<Lead>
  'lead.converted': LeadConvertedEvent
  'ticket.stage_changed': StageChangedEvent<Ticket>
  'ticket.resolved': StageChangedEvent<Ticket>
  'ticket.reopened': StageChangedEvent<Ticket>
  'ticket.sla_breached': SlaBreachedEvent
}

/**
 * Every event core emits, by name. Plugins may emit their own events on the same bus.
 */
export type CrmEvents = EntityEvents<'contact', Contact> &
  EntityEvents<'company', Company> &
  EntityEvents<'deal', Deal> &
  EntityEvents<'dealContact', DealContact> &
  EntityEvents<'pipeline', Pipeline> &
  EntityEvents<'activity', Activity> &
  EntityEvents<'task', Task> &
  EntityEvents<'tag', Tag> &
  EntityEvents<'lead', Lead> &
  EntityEvents<'ticket', Ticket> &
  EntityEvents<'slaPolicy', SlaPolicy> &
  EntityEvents<'businessCalendar', BusinessCalendar> &
  EntityEvents<'order', Order> &
  PipelineEvents &
  Record<string, unknown>
