/**
 * `@rapport/sales/receivables`: installment plans, payments and their allocations, statuses derived on an as-of date,
 * contract balances and aging computed in the database, as the `receivables` core plugin; plus the pure functions
 * behind them (usable on arrays in memory).
 *
 * @example
 * ```ts
 * import { createCrm } from '@rapport/core'
 * import { receivablesPlugin } from '@rapport/sales/receivables'
 *
 * const crm = createCrm({ storage, plugins: [receivablesPlugin()] as const })
 * const report = await crm.plugins.receivables.aging({ asOf: '2026-05-15', currency: 'EUR' })
 * report.lines // current, 1-30, 31-60, 61-90, 90+
 * ```
 *
 * @module
 */
export {
  AGING_BOUNDS,
  AGING_BUCKETS,
  type AgingBucket,
  type AgingLine,
  type AgingReport,
  agingBucketOf,
  agingBucketStarts,
  agingOf,
  agingReport,
} from './aging.js'
export {
  type Allocation,
  checkAllocations,
  compareOpenInstallments,
  type OpenInstallment,
  type PaymentSpread,
  spreadPayment,
} from './allocate-payment.js'
export { asOfDate, dateOfDay, dayNumber, requireDay } from './calendar-days.js'
export { DEFAULT_DUNNING_OFFSETS, type DunningOptions, dunningRules } from './dunning-rules.js'
export {
  assertPlanTotal,
  type InstallmentTerm,
  type PlannedInstallment,
  planInstallments,
} from './installment-plan.js'
export {
  type ContractStanding,
  daysPastDue,
  INSTALLMENT_STATUSES,
  type InstallmentFacts,
  type InstallmentStatus,
  installmentStatus,
} from './installment-status.js'
export { installmentEntity, paymentAllocationEntity, paymentEntity } from './receivable-entities.js'
export { type ReceivableErrorCode, ReceivableErrorCodes, receivableError } from './receivable-errors.js'
export { receivableHooks } from './receivable-hooks.js'
export { receivableOperations } from './receivable-operations.js'
export { receivablesPlugin } from './receivables-plugin.js'
export {
  type AsOfOptions,
  type ContractBalance,
  type ContractFromDealInput,
  type InstallmentView,
  type PaymentInput,
  type ReceivableRecord,
  type ReceivablesApi,
  receivablesService,
} from './receivables-service.js'
