import type {
  Company,
  CompanyInput,
  Contact,
  ContactInput,
  Deal,
  DealInput,
  Lead,
  LeadInput,
  StageChange,
} from '../entities/entity-types.js'
import type { EventMeta } from '../events/crm-events.js'
import type { TimeInStage } from '../pipeline/time-in-stage.js'
import type { EntityService } from './entity-service.js'
import type { MoveStageOptions } from './stage-move-options.js'

/**
 * Lead field → target field, per target record. Paths may name custom fields (`custom.budget`). The defaults map
 * names, title, owner and source to the contact; `companyName`/`domain` to the company; `estimatedValue` to the deal
 * amount. The lead's `email` and `phone` always become the contact's primary email and phone.
 */
export interface LeadFieldMapping {
  readonly contact?: Readonly<Record<string, string>>
  readonly company?: Readonly<Record<string, string>>
  readonly deal?: Readonly<Record<string, string>>
}

/** Options of {@link LeadService.convert}. */
export interface ConvertLeadOptions {
  readonly expectedVersion?: number
  /** Extra or overriding contact fields. */
  readonly contact?: Partial<ContactInput>
  /** Create (or link) a company: default when the lead has a company name or domain; `false` skips it. */
  readonly company?: boolean | Partial<CompanyInput>
  /** Create a deal: `true` uses the default deal pipeline (created from the B2B template if there is none). */
  readonly deal?: boolean | Partial<DealInput>
  /**
   * What to do when a contact with the lead's email, or a company with its domain, exists already: `link` to it,
   * `create` a new record anyway, or `fail` (the default) with `UNIQUE_VIOLATION` naming the existing ids.
   */
  readonly existing?: 'link' | 'create' | 'fail'
  /** Overrides of the default field mapping. */
  readonly mapping?: LeadFieldMapping
  /** Stored in the lead's stage history. */
  readonly reason?: string
}

/** Payload of `lead.converted`. */
export interface LeadConvertedEvent extends EventMeta, LeadConversion {}

/** What {@link LeadService.convert} returns. */
export interface LeadConversion {
  readonly lead: Lead
  readonly contact: Contact
  readonly company: Company | null
  readonly deal: Deal | null
  /** Which records already existed and were linked rather than created. */
  readonly linked: { readonly contact: boolean; readonly company: boolean }
  /** Ids of the activities and tasks re-linked to the contact. */
  readonly relinked: readonly string[]
}

/**
 * Leads with their status flow, and conversion into a contact (plus a company and a deal) in one transaction.
 *
 * @example
 * ```ts
 * const lead = await crm.leads.create({ firstName: 'Ada', email: 'ada@acme.example', companyName: 'Acme', domain: 'acme.example' })
 * await crm.leads.moveStage(lead.id, contactedId)
 * const { contact, company, deal } = await crm.leads.convert(lead.id, { deal: { name: 'Acme pilot' } })
 * ```
 */
export interface LeadService extends EntityService<Lead, LeadInput, Partial<LeadInput>> {
  /** Moves a lead to another status of its flow (the conversion stage is reserved for {@link LeadService.convert}). */
  moveStage(id: string, stageId: string, options?: MoveStageOptions): Promise<Lead>
  /** The lead's status history, oldest first. */
  stageHistory(id: string): Promise<StageChange[]>
  /** Time spent per status. */
  timeInStage(id: string): Promise<TimeInStage>
  /**
   * Converts a lead in one transaction: finds or creates the contact (by email) and company (by domain), creates a
   * deal when asked, re-links the lead's activities and tasks to the contact, links everything both ways
   * (`lead.converted*Id`, `deal.leadId`, the deal's primary contact) and moves the lead to its `converted` stage.
   * A converted lead cannot be converted again (`INVALID_TRANSITION`, guard `converted`). Emits `lead.converted`.
   */
  convert(id: string, options?: ConvertLeadOptions): Promise<LeadConversion>
}
