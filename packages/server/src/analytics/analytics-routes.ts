import { RapportError } from '@rapport/core'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { customerSummary } from './customer-summary.js'
import { pipelineSummary } from './pipeline-summary.js'

const TAGS = ['analytics']

/**
 * `GET /analytics/pipeline` (funnel, win rate, weighted forecast) and `GET /analytics/customers` (RFM segments and
 * the CLV distribution from BG/NBD + Gamma-Gamma fitted on the tenant's orders).
 */
export function addAnalyticsRoutes(app: RapportApp, table: RouteTable, basePath: string): void {
  addRoute(app, table, basePath, {
    method: 'get',
    path: '/analytics/pipeline',
    operationId: 'analytics.pipeline',
    summary: 'Funnel, win rate and weighted forecast of one deal pipeline',
    description: 'Amounts are in minor units of the deals’ currency; probabilities in 0–1.',
    tags: TAGS,
    query: {
      pipelineId: { description: 'The deal pipeline', schema: z.string().min(1).max(100) },
      period: {
        description: 'Forecast period: month (default) or quarter',
        schema: z.enum(['month', 'quarter']),
      },
    },
    response: { status: 200, description: 'Pipeline analytics', schema: z.record(z.string(), z.unknown()) },
    handler: async ({ c, query }) => {
      if (!query['pipelineId']) {
        throw new RapportError('HTTP_BAD_REQUEST', 'pipelineId is required', {
          details: { parameter: 'pipelineId' },
        })
      }
      const period = (query['period'] ?? 'month') as 'month' | 'quarter'
      return c.json(await pipelineSummary(c.get('rapport'), query['pipelineId'], period), 200)
    },
  })
  addRoute(app, table, basePath, {
    method: 'get',
    path: '/analytics/customers',
    operationId: 'analytics.customers',
    summary: 'RFM segments and the 12-month CLV distribution of customers, from their orders',
    tags: TAGS,
    query: {
      asOf: {
        description: 'The as-of date (default now)',
        schema: z.iso.date().or(z.iso.datetime({ offset: true })),
      },
      currency: {
        description: 'Only orders in this currency (default USD)',
        schema: z.string().regex(/^[A-Z]{3}$/),
      },
    },
    response: { status: 200, description: 'Customer analytics', schema: z.record(z.string(), z.unknown()) },
    handler: async ({ c, query }) => {
      const summary = await customerSummary(c.get('rapport'), {
        ...(query['asOf'] ? { asOf: query['asOf'] } : {}),
        ...(query['currency'] ? { currency: query['currency'] } : {}),
      })
      return c.json(summary, 200)
    },
  })
}
