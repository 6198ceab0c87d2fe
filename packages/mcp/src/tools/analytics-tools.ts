import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CrmServices } from '@rapport/core'
import { customerSummary, pipelineSummary } from '@rapport/server/analytics'
import * as z from 'zod'
import { run } from '../tool-result.js'

const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const

/** Analytics summaries: a deal pipeline's funnel, win rate and forecast; customers' RFM segments and CLV. */
export function registerAnalyticsTools(server: McpServer, crm: CrmServices): void {
  server.registerTool(
    'pipeline_summary',
    {
      title: 'Pipeline summary',
      description:
        'Funnel conversion, win rate, sales cycle and weighted forecast of one deal pipeline. Amounts are in minor ' +
        'units (cents); probabilities in 0–1.',
      inputSchema: {
        pipelineId: z
          .string()
          .min(1)
          .max(200)
          .describe('The deal pipeline (list entity "pipeline" to find it)'),
        period: z.enum(['month', 'quarter']).optional().describe('Forecast period (default month)'),
      },
      annotations: READ_ONLY,
    },
    ({ pipelineId, period }) => run(() => pipelineSummary(crm, pipelineId, period ?? 'month')),
  )
  server.registerTool(
    'customer_summary',
    {
      title: 'Customer summary',
      description:
        'Customers per RFM segment (champions, at risk, …) and the 12-month customer lifetime value distribution, ' +
        'from completed orders.',
      inputSchema: {
        asOf: z.iso.date().optional().describe('The as-of date, YYYY-MM-DD (default today)'),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional()
          .describe('Only orders in this ISO 4217 currency (default USD)'),
      },
      annotations: READ_ONLY,
    },
    ({ asOf, currency }) =>
      run(() => customerSummary(crm, { ...(asOf ? { asOf } : {}), ...(currency ? { currency } : {}) })),
  )
}
