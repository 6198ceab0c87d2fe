/**
 * `@rapport/core/entities`: the core entities (contact, company, deal, lead, ticket, order…), their record and input
 * types, the shared zod schemas, and {@link defineEntity} for plugin entities.
 *
 * @example
 * ```ts
 * import { defineEntity } from '@rapport/core/entities'
 * import type { Contact } from '@rapport/core/entities'
 * import * as z from 'zod'
 *
 * const invoice = defineEntity({
 *   name: 'invoice',
 *   idPrefix: 'inv',
 *   shape: { number: z.string(), total: z.number() },
 * })
 * ```
 *
 * @module
 */

export { activityEntity, activityTypes, participantSchema } from './activity.js'
export {
  businessCalendarEntity,
  timeZoneSchema,
  type WorkingHours,
  workingHoursSchema,
} from './business-calendar.js'
export {
  type Address,
  addressSchema,
  calendarDateSchema,
  currencySchema,
  customValuesSchema,
  type EmailEntry,
  emailEntrySchema,
  type Money,
  moneySchema,
  type PhoneEntry,
  phoneEntrySchema,
  refIdSchema,
  type Target,
  tagsSchema,
  targetSchema,
} from './common-schemas.js'
export { companyEntity, companySizes } from './company.js'
export { contactEntity, contactLifecycleStages } from './contact.js'
export { CORE_SCHEMA_VERSION, coreEntities } from './core-entities.js'
export { customFieldEntity, customFieldTypes } from './custom-field-entity.js'
export { dealContactEntity, dealEntity } from './deal.js'
export { type DerivedColumns, defineEntity, type EntityDefinition } from './entity-definition.js'
export type {
  Activity,
  ActivityInput,
  BusinessCalendar,
  BusinessCalendarInput,
  Company,
  CompanyInput,
  Contact,
  ContactInput,
  CustomFieldRecord,
  Deal,
  DealContact,
  DealInput,
  EntityCreateInput,
  EntityRecord,
  EntityUpdateInput,
  Lead,
  LeadInput,
  Normalised,
  Pipeline,
  PipelineInput,
  SlaPolicy,
  SlaPolicyInput,
  StageChange,
  SystemFields,
  Tag,
  TagInput,
  Task,
  TaskInput,
  Ticket,
  TicketInput,
} from './entity-types.js'
export { leadEntity } from './lead.js'
export {
  type Order,
  type OrderInput,
  type OrderLine,
  orderCustomerTypes,
  orderEntity,
  orderLineSchema,
  orderStatuses,
} from './order.js'
export {
  forecastCategories,
  pipelineEntity,
  pipelineEntityTypes,
  type Stage,
  stageKinds,
  stageSchema,
  type TransitionEdge,
  transitionEdgeSchema,
  transitionPolicies,
} from './pipeline.js'
export { recordLinkEntity } from './record-link.js'
export { type SlaTarget, slaPolicyEntity, slaTargetSchema } from './sla-policy.js'
export { stageChangeEntity } from './stage-change.js'
export {
  type StagedEntityDeclaration,
  type StagedPipelineTemplate,
  type StagedStageRef,
  stagedFields,
} from './staged-entity.js'
export { tagEntity } from './tag.js'
export { reminderSchema, taskEntity } from './task.js'
export { ticketChannels, ticketEntity, ticketPriorities } from './ticket.js'
