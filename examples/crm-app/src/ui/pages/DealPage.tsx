import { useQuery } from '@tanstack/react-query'
import type { Deal, Pipeline } from '../api.ts'
import { api, money } from '../api.ts'
import { Timeline } from './Timeline.tsx'

/** One deal: amount, stage, probability, timeline (stage changes, activities, tasks). */
export function DealPage({ id }: { id: string }) {
  const deal = useQuery({ queryKey: ['deals', id], queryFn: () => api<Deal>(`/deals/${id}`) })
  const pipeline = useQuery({
    queryKey: ['pipelines', deal.data?.pipelineId],
    queryFn: () => api<Pipeline>(`/pipelines/${deal.data!.pipelineId}`),
    enabled: Boolean(deal.data),
  })
  if (deal.isPending) return <p aria-busy="true">Loading…</p>
  if (deal.error) return <p className="refusal">{deal.error.message}</p>
  const d = deal.data
  const stage = pipeline.data?.stages.find((s) => s.id === d.stageId)
  return (
    <div className="grid-2">
      <article>
        <header>
          <h2>{d.name}</h2>
          <span className="badge">{stage?.name ?? d.stageId}</span> {pipeline.data?.name}
        </header>
        <dl>
          <dt>Amount</dt>
          <dd>{money(d.amount)}</dd>
          <dt>Expected close</dt>
          <dd>{d.expectedCloseDate ?? '—'}</dd>
          <dt>Probability</dt>
          <dd>{d.probability ?? '—'}%</dd>
          <dt>Owner</dt>
          <dd>{d.ownerId ?? '—'}</dd>
        </dl>
      </article>
      <section>
        <h3>Timeline</h3>
        <Timeline collection="deals" id={id} />
      </section>
    </div>
  )
}
