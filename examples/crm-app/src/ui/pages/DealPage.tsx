import { useQuery } from '@tanstack/react-query'
import type { Deal, Pipeline, StageChange } from '../api.ts'
import { api, money } from '../api.ts'

/**
 * One deal: amount, stage, probability and its stage history (`GET /deals/{id}/stage-history`). The deal's moves also
 * appear on its contacts' and company's timelines.
 */
export function DealPage({ id }: { id: string }) {
  const deal = useQuery({ queryKey: ['deals', id], queryFn: () => api<Deal>(`/deals/${id}`) })
  const pipeline = useQuery({
    queryKey: ['pipelines', deal.data?.pipelineId],
    queryFn: () => api<Pipeline>(`/pipelines/${deal.data!.pipelineId}`),
    enabled: Boolean(deal.data),
  })
  const history = useQuery({
    queryKey: ['deals', id, 'stage-history'],
    queryFn: () => api<{ data: StageChange[] }>(`/deals/${id}/stage-history`),
  })
  if (deal.isPending) return <p aria-busy="true">Loading…</p>
  if (deal.error) return <p className="refusal">{deal.error.message}</p>
  const d = deal.data
  const stageName = (stageId: string) => pipeline.data?.stages.find((s) => s.id === stageId)?.name ?? stageId
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
        <h3>Stage history</h3>
        {history.error && <p className="refusal">{history.error.message}</p>}
        <ul className="timeline" aria-label="Stage history">
          {[...(history.data?.data ?? [])].reverse().map((change) => (
            <li key={change.id}>
              <span className="badge">{stageName(change.toStageId)}</span>{' '}
              {change.fromStageId ? `from ${stageName(change.fromStageId)}` : 'opened'}{' '}
              <span className="muted">{new Date(change.at).toLocaleString()}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  )
}
