import type {
  Activity,
  ActivityInput,
  BusinessCalendar,
  BusinessCalendarInput,
  Company,
  CompanyInput,
  Contact,
  ContactInput,
  Pipeline,
  PipelineInput,
  SlaPolicy,
  SlaPolicyInput,
  Tag,
  TagInput,
  Task,
  TaskInput,
} from '../entities/entity-types.js'
import type { TimelineService } from '../timeline/timeline-types.js'
import type { CustomFieldService } from './custom-field-service.js'
import type { DealService } from './deal-service.js'
import type { EntityService } from './entity-service.js'
import type { LeadService } from './lead-service.js'
import type { OrderService } from './order-service.js'
import type { StageHistoryService } from './stage-history-service.js'
import type { StagedEntityService } from './staged-entity-service.js'
import type { TicketService } from './ticket-service.js'

/**
 * The services of a CRM: the same API at the top level, inside `crm.transaction()`, in hook contexts and in plugins.
 */
export interface CrmServices {
  readonly contacts: EntityService<Contact, ContactInput, Partial<ContactInput>>
  readonly companies: EntityService<Company, CompanyInput, Partial<CompanyInput>>
  readonly deals: DealService
  /** Leads with their status flow and conversion. */
  readonly leads: LeadService
  /** Support tickets with their status flow and SLAs. */
  readonly tickets: TicketService
  /** SLA policies: first-response and resolution targets per priority. */
  readonly slaPolicies: EntityService<SlaPolicy, SlaPolicyInput, Partial<SlaPolicyInput>>
  /** Business calendars: working hours in a time zone, minus holidays. */
  readonly businessCalendars: EntityService<
    BusinessCalendar,
    BusinessCalendarInput,
    Partial<BusinessCalendarInput>
  >
  /** The append-only stage history of deals, leads, tickets, contacts and staged plugin entities (read-only). */
  readonly stageHistory: StageHistoryService
  readonly pipelines: EntityService<Pipeline, PipelineInput, Partial<PipelineInput>>
  readonly activities: EntityService<Activity, ActivityInput, Partial<ActivityInput>>
  readonly tasks: EntityService<Task, TaskInput, Partial<TaskInput>>
  readonly tags: EntityService<Tag, TagInput, Partial<TagInput>>
  readonly customFields: CustomFieldService
  /** Orders (transactions) of contacts and companies, with per-customer summaries for RFM and CLV. */
  readonly orders: OrderService
  /** The 360° customer timeline and key figures of a contact or company. */
  readonly timeline: TimelineService
  /** The tenant these services act in. */
  readonly tenantId: string
  /** The generic service of any entity, including plugin entities. */
  entity<R = Record<string, unknown>>(
    name: string,
  ): EntityService<R, Record<string, unknown>, Record<string, unknown>>
  /**
   * The service of a plugin entity declared `staged` (the object `entity(name)` returns, typed with its stage
   * methods).
   *
   * @throws `RapportError('NOT_FOUND')` when `name` is not a staged plugin entity.
   *
   * @example
   * ```ts
   * const quotes = crm.staged('quote')
   * await quotes.moveStage(quoteId, sentStageId, { reason: 'Mailed to the buyer' })
   * ```
   */
  staged<R = Record<string, unknown>>(name: string): StagedEntityService<R>
  /**
   * Runs `fn` in one transaction with services bound to it: everything commits together or nothing does, and events
   * are delivered only after the commit. Calls inside an open transaction join it. On Postgres a deadlock or
   * serialization failure rolls the attempt back and runs `fn` again (within the adapter's retry budget): only the
   * committed attempt's events are delivered, so keep `fn` free of effects outside the CRM (send email from events).
   */
  transaction<T>(fn: (tx: CrmServices) => Promise<T>): Promise<T>
  /**
   * Queues a domain event (`<noun>.<verb>`, e.g. `record.merged`) from plugin or host code: it is delivered on
   * `crm.events` after the unit of work commits, and dropped when it rolls back, like core's own events. Lifecycle
   * events of entities (`contact.created`…) are core's alone.
   *
   * @throws `RapportError('VALIDATION_FAILED')` for a malformed type or an entity lifecycle event.
   *
   * @example
   * ```ts
   * await crm.transaction(async (tx) => {
   *   await tx.contacts.update(id, { tags: ['vip'] })
   *   tx.emit('contact.promoted', { id })
   * })
   * ```
   */
  emit(type: string, payload: unknown): void
}
