/**
 * `@rapport/core`: the domain model, services, filter language, storage port, events and plugins of Rapport.
 *
 * @packageDocumentation
 */

export { type Crm, type CrmConfig, createCrm, DEFAULT_TENANT_ID, type PluginApis } from './crm/create-crm.js'
export type { CrmEvents } from './crm/crm-event-map.js'
export { type CrmLimits, DEFAULT_CRM_LIMITS } from './crm/crm-limits.js'
export type { CrmServices } from './crm/crm-services.js'
export type {
  CustomFieldDefinition,
  CustomFieldType,
  StaticCustomFieldDefinition,
} from './custom-fields/custom-field-definition.js'
export type { CustomFieldService } from './custom-fields/custom-field-service.js'
export { activityEntity, activityTypes, participantSchema } from './entities/activity.js'
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
  Pipeline,
  PipelineInput,
  SystemFields,
  Tag,
  TagInput,
  Task,
  TaskInput,
} from './entities/entity-types.js'
export { forecastCategories, pipelineEntity, type Stage, stageSchema } from './entities/pipeline.js'
export { recordLinkEntity } from './entities/record-link.js'
export { tagEntity } from './entities/tag.js'
export { reminderSchema, taskEntity } from './entities/task.js'
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
export { createIdGenerator, ID_PATTERN } from './ids/create-id.js'
export {
  type Awaitable,
  type CrmPlugin,
  definePlugin,
  type EntityHooks,
  type HookContext,
  type PluginContext,
  type ScopeArgs,
} from './plugins/crm-plugin.js'
export { type DealContactEntry, DealService } from './services/deal-service.js'
export { EntityService } from './services/entity-service.js'
export type {
  CountOptions,
  ListOptions,
  OrderBy,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './services/list-options.js'
export type { StorageAdapter, StorageCapabilities } from './storage/storage-adapter.js'
