import type * as z from 'zod'
import type { activityEntity } from './activity.js'
import type { businessCalendarEntity } from './business-calendar.js'
import type { companyEntity } from './company.js'
import type { contactEntity } from './contact.js'
import type { customFieldEntity } from './custom-field-entity.js'
import type { dealContactEntity, dealEntity } from './deal.js'
import type { EntityDefinition } from './entity-definition.js'
import type { leadEntity } from './lead.js'
import type { pipelineEntity, Stage } from './pipeline.js'
import type { slaPolicyEntity } from './sla-policy.js'
import type { stageChangeEntity } from './stage-change.js'
import type { tagEntity } from './tag.js'
import type { taskEntity } from './task.js'
import type { ticketEntity } from './ticket.js'

/** Fields every record carries, maintained by core. */
export interface SystemFields {
  /** Prefixed, time-sortable id, e.g. `con_01JD…`. */
  readonly id: string
  /** The tenant that owns the record. */
  readonly tenantId: string
  readonly createdAt: Date
  readonly updatedAt: Date
  /** Incremented on every write; pass it back as `expectedVersion` for optimistic concurrency. */
  readonly version: number
  /** Set when archived (soft-deleted); `null` for live records. */
  readonly archivedAt: Date | null
}

/** Optional fields come back as `null` rather than missing, so records have a stable shape. */
export type Normalised<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K]
}

/** The stored record type of an entity declaration. */
export type EntityRecord<E extends EntityDefinition> = SystemFields &
  Normalised<z.output<z.ZodObject<E['shape']>>>

/** What `create` accepts for an entity declaration. */
export type EntityCreateInput<E extends EntityDefinition> = z.input<z.ZodObject<E['shape']>>

/** What `update` accepts: any subset of the create input; `null` clears an optional field. */
export type EntityUpdateInput<E extends EntityDefinition> = Partial<z.input<z.ZodObject<E['shape']>>>

/** A contact (person). */
export type Contact = EntityRecord<typeof contactEntity>
/** Input of `crm.contacts.create`. */
export type ContactInput = EntityCreateInput<typeof contactEntity>
/** A company (account). */
export type Company = EntityRecord<typeof companyEntity>
/** Input of `crm.companies.create`. */
export type CompanyInput = EntityCreateInput<typeof companyEntity>
/** A deal (opportunity). */
export type Deal = EntityRecord<typeof dealEntity>
/** Input of `crm.deals.create`. */
export type DealInput = EntityCreateInput<typeof dealEntity>
/** The link between a deal and a contact, with a role. */
export type DealContact = EntityRecord<typeof dealContactEntity>
/** A pipeline with its ordered stages. */
export type Pipeline = Omit<EntityRecord<typeof pipelineEntity>, 'stages'> & { stages: Stage[] }
/** Input of `crm.pipelines.create`. */
export type PipelineInput = EntityCreateInput<typeof pipelineEntity>
/** An activity: call, email, meeting, note or visit. */
export type Activity = EntityRecord<typeof activityEntity>
/** Input of `crm.activities.create`. */
export type ActivityInput = EntityCreateInput<typeof activityEntity>
/** A task. */
export type Task = EntityRecord<typeof taskEntity>
/** Input of `crm.tasks.create`. */
export type TaskInput = EntityCreateInput<typeof taskEntity>
/** A tag of the tag catalogue. */
export type Tag = EntityRecord<typeof tagEntity>
/** Input of `crm.tags.create`. */
export type TagInput = EntityCreateInput<typeof tagEntity>
/** A stored custom field definition. */
export type CustomFieldRecord = EntityRecord<typeof customFieldEntity>
/** A lead: an unqualified prospect with a status flow, converted into a contact (and a company and a deal). */
export type Lead = EntityRecord<typeof leadEntity>
/** Input of `crm.leads.create`. */
export type LeadInput = EntityCreateInput<typeof leadEntity>
/** A support ticket. */
export type Ticket = EntityRecord<typeof ticketEntity>
/** Input of `crm.tickets.create`. */
export type TicketInput = EntityCreateInput<typeof ticketEntity>
/** An SLA policy: first-response and resolution targets per priority in business hours. */
export type SlaPolicy = EntityRecord<typeof slaPolicyEntity>
/** Input of `crm.slaPolicies.create`. */
export type SlaPolicyInput = EntityCreateInput<typeof slaPolicyEntity>
/** A business calendar: weekly working hours in a time zone, minus holidays. */
export type BusinessCalendar = EntityRecord<typeof businessCalendarEntity>
/** Input of `crm.businessCalendars.create`. */
export type BusinessCalendarInput = EntityCreateInput<typeof businessCalendarEntity>
/** One row of the append-only stage history. */
export type StageChange = EntityRecord<typeof stageChangeEntity>
