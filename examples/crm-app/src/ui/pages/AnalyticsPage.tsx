import { useQuery } from '@tanstack/react-query'
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { Page, Pipeline } from '../api.ts'
import { api, filterParam } from '../api.ts'

interface PipelineAnalytics {
  pipeline: Pipeline
  deals: number
  funnel: { steps: { stage: string; reached: number }[] }
  winRate: { winRate: number | null }
  forecast: { periods: { period: string; pipeline: number; weighted: number; closedWon: number }[] }
}
interface CustomerAnalytics {
  customers: number
  rfm: { segments: { segment: string; count: number }[] } | null
  clv: { histogram: { from: number; to: number; count: number }[]; mean: number } | null
}

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <article>
      <header>{title}</header>
      <div style={{ height: 260 }}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </article>
  )
}

/** Analytics: RFM segments and the CLV distribution from orders; funnel and forecast from the deal pipeline. */
export function AnalyticsPage() {
  const customers = useQuery({
    queryKey: ['analytics', 'customers'],
    queryFn: () => api<CustomerAnalytics>('/analytics/customers'),
  })
  const pipelines = useQuery({
    queryKey: ['pipelines', 'deal'],
    queryFn: () =>
      api<Page<Pipeline>>(`/pipelines?${filterParam({ field: 'entityType', op: 'eq', value: 'deal' })}`),
  })
  const pipelineId = pipelines.data?.data[0]?.id
  const pipeline = useQuery({
    queryKey: ['analytics', 'pipeline', pipelineId],
    enabled: Boolean(pipelineId),
    queryFn: () => api<PipelineAnalytics>(`/analytics/pipeline?pipelineId=${pipelineId}`),
  })
  const stageName = (id: string) => pipeline.data?.pipeline.stages.find((s) => s.id === id)?.name ?? id
  const dollars = (minor: number) => Math.round(minor / 100)
  return (
    <>
      <hgroup>
        <h2>Analytics</h2>
        <p>
          {customers.data ? `${customers.data.customers} customers with orders` : 'Loading…'}
          {pipeline.data ? ` · ${pipeline.data.deals} deals in ${pipeline.data.pipeline.name}` : ''}
          {pipeline.data?.winRate.winRate != null
            ? ` · win rate ${Math.round(pipeline.data.winRate.winRate * 100)}%`
            : ''}
        </p>
      </hgroup>
      {(customers.error || pipeline.error) && (
        <p className="refusal">{(customers.error ?? pipeline.error)!.message}</p>
      )}
      <div className="grid-2">
        <Chart title="RFM segments">
          <BarChart data={customers.data?.rfm?.segments ?? []} layout="vertical" margin={{ left: 60 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="segment" width={120} interval={0} tick={{ fontSize: 10 }} />
            <Tooltip />
            <Bar dataKey="count" fill="#3b82f6" name="Customers" />
          </BarChart>
        </Chart>
        <Chart
          title={`12-month CLV distribution${customers.data?.clv ? ` (mean $${customers.data.clv.mean.toFixed(0)})` : ''}`}
        >
          <BarChart
            data={(customers.data?.clv?.histogram ?? []).map((b) => ({
              ...b,
              bin: `$${b.from.toFixed(0)}–${b.to.toFixed(0)}`,
            }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="bin" tick={{ fontSize: 10 }} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="count" fill="#8b5cf6" name="Customers" />
          </BarChart>
        </Chart>
        <Chart title="Funnel: deals reaching each stage">
          <BarChart
            data={(pipeline.data?.funnel.steps ?? []).map((s) => ({ ...s, name: stageName(s.stage) }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="reached" fill="#10b981" name="Deals" />
          </BarChart>
        </Chart>
        <Chart title="Forecast by month (USD)">
          <BarChart
            data={(pipeline.data?.forecast.periods ?? []).map((p) => ({
              period: p.period,
              pipeline: dollars(p.pipeline),
              weighted: dollars(p.weighted),
              won: dollars(p.closedWon),
            }))}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="period" />
            <YAxis />
            <Tooltip />
            <Legend />
            <Bar dataKey="pipeline" fill="#cbd5e1" name="Pipeline" />
            <Bar dataKey="weighted" fill="#f59e0b" name="Weighted" />
            <Bar dataKey="won" fill="#10b981" name="Won" />
          </BarChart>
        </Chart>
      </div>
    </>
  )
}
