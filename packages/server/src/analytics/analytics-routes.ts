import { customerLifetimeValue, fitBgNbd, fitGammaGamma } from '@rapport/analytics/clv'
import { funnelConversion, weightedForecast, winRate } from '@rapport/analytics/pipeline'
import { assignRfmSegments, RFM_SEGMENTS_11, rfmScores, rfmSegmentSizes } from '@rapport/analytics/rfm'
import type { Pipeline } from '@rapport/core'
import { RapportError, toBtydCustomers, toRfmSummaryRows } from '@rapport/core'
import * as z from 'zod'
import type { RapportApp, RouteTable } from '../http/http-route.js'
import { addRoute } from '../http/http-route.js'
import { loadPipelineDeals } from './deal-analytics-input.js'

const TAGS = ['analytics']

/** Analytics failures on too little data are the data's, not the server's: answer 422 with the reason. */
async function analysed<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof RapportError) throw error
    const code = (error as { code?: unknown }).code
    throw new RapportError('VALIDATION_FAILED', `${what}: ${(error as Error).message}`, {
      details: { analytics: typeof code === 'string' ? code : 'ANALYTICS_FAILED', issues: [] },
    })
  }
}

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
      const crm = c.get('rapport')
      if (!query['pipelineId']) {
        throw new RapportError('HTTP_BAD_REQUEST', 'pipelineId is required', {
          details: { parameter: 'pipelineId' },
        })
      }
      const pipeline = (await crm.pipelines.get(query['pipelineId'])) as Pipeline
      const { deals, history, truncated } = await loadPipelineDeals(crm, pipeline)
      const openStages = pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id)
      const period = (query['period'] ?? 'month') as 'month' | 'quarter'
      const result = await analysed('Pipeline analytics', () => ({
        funnel: funnelConversion(deals, history, { stages: openStages }),
        winRate: winRate(deals),
        forecast: weightedForecast(deals, { period }),
      }))
      return c.json(
        {
          pipeline: { id: pipeline.id, name: pipeline.name, stages: pipeline.stages },
          deals: deals.length,
          truncated,
          ...result,
        },
        200,
      )
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
      const crm = c.get('rapport')
      const asOf = query['asOf'] ?? new Date().toISOString()
      const currency = query['currency'] ?? 'USD'
      const summaries = await crm.orders.customerSummaries({ asOf, timeUnit: 'day', currency })
      if (summaries.customers.length === 0) {
        return c.json({ asOf, currency, customers: 0, rfm: null, clv: null }, 200)
      }
      const rows = toRfmSummaryRows(summaries)
      const segmented = assignRfmSegments(rfmScores(rows), RFM_SEGMENTS_11)
      const rfm = { segments: rfmSegmentSizes(segmented, RFM_SEGMENTS_11) }
      const clv = await analysed('CLV', () => {
        const customers = toBtydCustomers(summaries, { freqMultiplier: 7 })
        const repeat = customers.filter((x) => x.frequency > 0)
        if (repeat.length < 3) return null
        const bg = fitBgNbd(customers)
        const gg = fitGammaGamma(
          repeat.map((x) => ({ frequency: x.frequency, monetaryValue: x.monetaryValue ?? 0 })),
        )
        const values = customerLifetimeValue({
          transactionModel: bg,
          spendModel: gg,
          customers: customers.map((x) => ({ ...x, monetaryValue: x.monetaryValue ?? 0 })),
          time: 12,
          discountRate: 0.01,
          timeUnit: 'W',
        })
        return {
          histogram: histogram(values, 10),
          converged: bg.converged && gg.converged,
          params: bg.params,
        }
      })
      return c.json({ asOf, currency, customers: rows.length, rfm, clv }, 200)
    },
  })
}

/** Equal-width bins over the values' range. */
function histogram(values: readonly number[], bins: number): { from: number; to: number; count: number }[] {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return []
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  const width = (max - min) / bins || 1
  const out = Array.from({ length: bins }, (_, i) => ({
    from: min + i * width,
    to: min + (i + 1) * width,
    count: 0,
  }))
  for (const v of finite) out[Math.min(bins - 1, Math.floor((v - min) / width))]!.count++
  return out
}
