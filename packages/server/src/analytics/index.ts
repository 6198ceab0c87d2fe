/**
 * `@rapport/server/analytics`: the analytics summaries behind `/analytics/*`, as functions over a CRM's services
 * (the MCP tools and hosts' own endpoints use them too). No HTTP in here.
 *
 * @example
 * ```ts
 * import { customerSummary, pipelineSummary } from '@rapport/server/analytics'
 *
 * const pipeline = await pipelineSummary(crm, pipelineId)
 * const customers = await customerSummary(crm, { currency: 'EUR' })
 * ```
 *
 * @packageDocumentation
 */
export { type CustomerSummary, customerSummary, type HistogramBin } from './customer-summary.js'
export { MAX_ANALYTICS_DEALS } from './deal-analytics-input.js'
export { type PipelineSummary, pipelineSummary } from './pipeline-summary.js'
