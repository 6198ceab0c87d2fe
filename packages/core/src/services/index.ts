/**
 * `@rapport/core/services`: the entity services behind `crm.contacts`, `crm.deals`, `crm.leads`, `crm.tickets` and
 * `crm.orders`, their list, search and write options, and the mappings of CRM records to `@rapport/analytics` rows.
 *
 * @example
 * ```ts
 * import type { ListOptions, Page } from '@rapport/core/services'
 * import type { Contact } from '@rapport/core/entities'
 *
 * const options: ListOptions = { limit: 20, orderBy: [{ field: 'createdAt', direction: 'desc' }] }
 * const page: Page<Contact> = await crm.contacts.list(options)
 * ```
 *
 * @module
 */

export type { DealContactEntry, DealService, StuckOptions } from '../types/deal-service.js'
export type { EntityService } from '../types/entity-service.js'
export type {
  ConvertLeadOptions,
  LeadConversion,
  LeadConvertedEvent,
  LeadFieldMapping,
  LeadService,
} from '../types/lead-service.js'
export type { OrderService } from '../types/order-service.js'
export type { StageHistoryService } from '../types/stage-history-service.js'
export type { ChangePipelineOptions, MoveStageOptions } from '../types/stage-move-options.js'
export type { StagedEntityService } from '../types/staged-entity-service.js'
export type { SlaBreach, SlaBreachedEvent, TicketService } from '../types/ticket-service.js'
export type {
  AggregateBuckets,
  AggregateGroup,
  AggregateMeasureOption,
  AggregateOptions,
  AggregateResult,
} from './aggregate-options.js'
export {
  type PipelineDealMappingOptions,
  type PipelineDealRow,
  type StageHistoryRow,
  toPipelineDeals,
  toStageHistoryEntries,
} from './deal-analytics-rows.js'
export { defaultLeadFieldMapping } from './lead-service.js'
export type {
  CountOptions,
  CreateManyOptions,
  DeleteManyItem,
  ListOptions,
  OrderBy,
  Page,
  SearchOptions,
  UpdateManyItem,
  WriteOptions,
} from './list-options.js'
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
} from './order-summaries.js'
export { sameValue } from './same-value.js'
