/**
 * `@rapport/core`: the domain model, services, filter language, storage port, events and plugins of Rapport.
 *
 * @packageDocumentation
 */

export type { AccessAction, AccessPolicy, AccessRequest, FieldRights } from './access/access-policy.js'
export { type Crm, type CrmConfig, createCrm, DEFAULT_TENANT_ID, type PluginApis } from './crm/create-crm.js'
export type { CrmDescription, EntityDescription, OperationDescription } from './crm/crm-description.js'
export type { CrmEvents, PipelineEvents } from './crm/crm-event-map.js'
export { type CrmLimits, DEFAULT_CRM_LIMITS } from './crm/crm-limits.js'
export type { CrmServices } from './crm/crm-services.js'
export { type WriteChannel, type WriteOrigin, writeChannels } from './crm/write-origin.js'
export type {
  CustomFieldDefinition,
  CustomFieldType,
  StaticCustomFieldDefinition,
} from './custom-fields/custom-field-definition.js'
export type { CustomFieldService } from './custom-fields/custom-field-service.js'
export { activityEntity, activityTypes, participantSchema } from './entities/activity.js'
export {
  businessCalendarEntity,
  timeZoneSchema,
  type WorkingHours,
  workingHoursSchema,
} from './entities/business-calendar.js'
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
} from './entities/common-schemas.js'
export { companyEntity, companySizes } from './entities/company.js'
export { contactEntity, contactLifecycleStages } from './entities/contact.js'
export { CORE_SCHEMA_VERSION, coreEntities } from './entities/core-entities.js'
export { customFieldEntity, customFieldTypes } from './entities/custom-field-entity.js'
export { dealContactEntity, dealEntity } from './entities/deal.js'
export { type DerivedColumns, defineEntity, type EntityDefinition } from './entities/entity-definition.js'
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
} from './entities/entity-types.js'
export { leadEntity } from './entities/lead.js'
export {
  type Order,
  type OrderInput,
  orderCustomerTypes,
  orderEntity,
  orderStatuses,
} from './entities/order.js'
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
} from './entities/pipeline.js'
export { recordLinkEntity } from './entities/record-link.js'
export { type SlaTarget, slaPolicyEntity, slaTargetSchema } from './entities/sla-policy.js'
export { stageChangeEntity } from './entities/stage-change.js'
export { tagEntity } from './entities/tag.js'
export { reminderSchema, taskEntity } from './entities/task.js'
export { ticketChannels, ticketEntity, ticketPriorities } from './entities/ticket.js'
export { type RapportErrorCode, RapportErrorCodes } from './errors/error-codes.js'
export {
  isRapportError,
  RapportError,
  type RapportErrorOptions,
  type ValidationIssue,
} from './errors/rapport-error.js'
export type { Actor, EntityEvents, EventMeta, RecordEvent, RecordUpdatedEvent } from './events/crm-events.js'
export { EventBus, type EventErrorHandler, type EventHandler } from './events/event-bus.js'
export { compileFilter, validateFilter } from './filter/compile-filter.js'
export { createFilterPredicate, type FilterPredicateOptions } from './filter/create-filter-predicate.js'
export {
  DEFAULT_FILTER_LIMITS,
  type FilterContext,
  type FilterLimits,
  type FilterTarget,
} from './filter/filter-target.js'
export type {
  BetweenCondition,
  CompareCondition,
  ExistsCondition,
  Filter,
  FilterDuration,
  FilterPlaceholder,
  FilterValue,
  ListCondition,
  NullCondition,
  TextCondition,
} from './filter/filter-types.js'
export { suggestFieldPaths } from './filter/suggest-field-paths.js'
export { createIdGenerator, ID_PATTERN } from './ids/create-id.js'
export {
  addBusinessTime,
  type BusinessCalendarSpec,
  type BusinessHoursEntry,
  businessTimeBetween,
  isBusinessTime,
} from './pipeline/business-hours.js'
export { missingFields } from './pipeline/missing-fields.js'
export {
  findStage,
  findStageByKey,
  initialStage,
  isClosedStage,
  type PipelineRules,
  type TransitionPolicy,
} from './pipeline/pipeline-shape.js'
export {
  b2bPipelineTemplate,
  contactLifecycleTemplate,
  defaultPipelineTemplates,
  leadStatusTemplate,
  ticketStatusTemplate,
} from './pipeline/pipeline-templates.js'
export {
  effectiveProbability,
  planTransition,
  type StageEffects,
  stageEffects,
  type TransitionPlan,
  type TransitionRequest,
  type TransitionVerdict,
} from './pipeline/plan-transition.js'
export {
  computeSla,
  type SlaInput,
  type SlaMetric,
  type SlaPeriod,
  type SlaState,
  type SlaStatus,
} from './pipeline/sla.js'
export type { StageChangedEvent, StageRef } from './pipeline/stage-events.js'
export { type StageVisit, summarizeTimeInStage, type TimeInStage } from './pipeline/time-in-stage.js'
export { builtInGuards, invalidTransition, type TransitionFailure } from './pipeline/transition-failure.js'
export {
  defineTransitionGuard,
  type TransitionGuard,
  type TransitionGuardContext,
  type TransitionGuardPlugin,
  type TransitionGuardResult,
} from './pipeline/transition-guard.js'
export { allowedTargets, checkPolicy, type PolicyRefusal } from './pipeline/transition-policy.js'
export {
  type Awaitable,
  type CommitContext,
  type CrmPlugin,
  type DerivedColumnsView,
  definePlugin,
  type EntityHooks,
  type HookContext,
  type NormalizeContext,
  type PluginContext,
  type QueuedEvent,
  type ScopeArgs,
  type ScopedOptions,
} from './plugins/crm-plugin.js'
export {
  type CrmOperation,
  defineOperation,
  type OperationContext,
  type PluginExposure,
} from './plugins/plugin-operations.js'
export { halfJitter, type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry/retry-policy.js'
export { normalizeSearchText, type ParsedSearchQuery, parseSearchQuery } from './search/search-text.js'
export {
  type PipelineDealMappingOptions,
  type PipelineDealRow,
  type StageHistoryRow,
  toPipelineDeals,
  toStageHistoryEntries,
} from './services/deal-analytics-rows.js'
export { type DealContactEntry, DealService, type StuckOptions } from './services/deal-service.js'
export { EntityService } from './services/entity-service.js'
export {
  type ConvertLeadOptions,
  defaultLeadFieldMapping,
  type LeadConversion,
  type LeadConvertedEvent,
  type LeadFieldMapping,
  LeadService,
} from './services/lead-service.js'
export type {
  CountOptions,
  ListOptions,
  OrderBy,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './services/list-options.js'
export { OrderService } from './services/order-service.js'
export {
  type BtydCalibrationHoldout,
  type BtydCustomer,
  type BtydMappingOptions,
  type CustomerSummariesOptions,
  type OrderCustomerSummary,
  type OrderSummaries,
  type RfmMappingOptions,
  type RfmSummaryInput,
  type SummaryMappingOptions,
  toBtydCustomers,
  toCalibrationHoldout,
  toRfmSummaryRows,
} from './services/order-summaries.js'
export { sameValue } from './services/same-value.js'
export { StageHistoryService } from './services/stage-history-service.js'
export type { ChangePipelineOptions, MoveStageOptions } from './services/stage-moves.js'
export { type SlaBreach, type SlaBreachedEvent, TicketService } from './services/ticket-service.js'
export type { StorageAdapter, StorageCapabilities } from './storage/storage-adapter.js'
export { dueTimeFilter, isPastDue } from './time/due-time.js'
export { instantOfWallClock, isTimeZone, localDateOf, startOfDayIn, wallClockOf } from './time/time-zone.js'
