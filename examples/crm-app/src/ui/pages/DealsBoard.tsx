import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'wouter'
import type { Deal, Page, Pipeline } from '../api.ts'
import { ApiError, api, filterParam, money } from '../api.ts'

interface Refusal {
  deal: string
  stage: string
  message: string
  guard: string
  missingFields: string[]
  allowed: string[]
}

/** The deal pipeline as a kanban: drag a card to move the deal; a refused move says which guard and which fields. */
export function DealsBoard() {
  const client = useQueryClient()
  const pipelines = useQuery({
    queryKey: ['pipelines', 'deal'],
    queryFn: () =>
      api<Page<Pipeline>>(`/pipelines?${filterParam({ field: 'entityType', op: 'eq', value: 'deal' })}`),
  })
  const [chosen, setChosen] = useState<string | null>(null)
  const pipeline = pipelines.data?.data.find((p) => p.id === chosen) ?? pipelines.data?.data[0]
  const dealsKey = ['deals', { pipelineId: pipeline?.id }]
  const deals = useQuery({
    queryKey: dealsKey,
    enabled: Boolean(pipeline),
    queryFn: () =>
      api<Page<Deal>>(
        `/deals?${filterParam({ field: 'pipelineId', op: 'eq', value: pipeline!.id })}&limit=200&sort=name`,
      ),
  })
  const [refusal, setRefusal] = useState<Refusal | null>(null)
  const [over, setOver] = useState<string | null>(null)
  const stageName = (id: string) => pipeline?.stages.find((s) => s.id === id)?.name ?? id

  const move = useMutation({
    mutationFn: ({ deal, stageId }: { deal: Deal; stageId: string }) =>
      api<Deal>(`/deals/${deal.id}/stage`, { method: 'POST', body: { stageId }, version: deal.version }),
    onMutate: async ({ deal, stageId }) => {
      setRefusal(null)
      await client.cancelQueries({ queryKey: dealsKey })
      const previous = client.getQueryData<Page<Deal>>(dealsKey)
      client.setQueryData<Page<Deal>>(dealsKey, (page) =>
        page ? { ...page, data: page.data.map((d) => (d.id === deal.id ? { ...d, stageId } : d)) } : page,
      )
      return { previous }
    },
    onError: (error, { deal, stageId }, context) => {
      if (context?.previous) client.setQueryData(dealsKey, context.previous)
      const details = error instanceof ApiError ? error.details : {}
      setRefusal({
        deal: deal.name,
        stage: stageName(stageId),
        message: error.message,
        guard: String(details['guard'] ?? (error instanceof ApiError ? error.code : 'error')),
        missingFields: (details['missingFields'] as string[] | undefined) ?? [],
        allowed: ((details['allowed'] as string[] | undefined) ?? []).map(stageName),
      })
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['deals'] }),
  })

  if (pipelines.isPending) return <p aria-busy="true">Loading…</p>
  if (!pipeline) return <p>No deal pipeline yet.</p>
  const byStage = (stageId: string) => deals.data?.data.filter((d) => d.stageId === stageId) ?? []
  return (
    <>
      <hgroup>
        <h2>Deals</h2>
        <p>Drag a card to another stage. The pipeline decides; a refusal explains itself.</p>
      </hgroup>
      {(pipelines.data?.data.length ?? 0) > 1 && (
        <select aria-label="Pipeline" value={pipeline.id} onChange={(e) => setChosen(e.target.value)}>
          {pipelines.data?.data.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )}
      {refusal && (
        <div className="refusal" role="alert">
          <strong>
            Cannot move “{refusal.deal}” to {refusal.stage}.
          </strong>{' '}
          {refusal.message}
          <br />
          Guard: <code>{refusal.guard}</code>
          {refusal.missingFields.length > 0 && <> · Missing fields: {refusal.missingFields.join(', ')}</>}
          {refusal.allowed.length > 0 && <> · Allowed next: {refusal.allowed.join(', ')}</>}
        </div>
      )}
      <div className="kanban">
        {pipeline.stages.map((stage) => {
          const cards = byStage(stage.id)
          const total = cards.reduce((s, d) => s + (d.amount?.amountMinor ?? 0), 0)
          return (
            <section
              key={stage.id}
              className={`column${over === stage.id ? ' over' : ''}`}
              data-stage={stage.name}
              aria-label={`Stage ${stage.name}`}
              onDragOver={(e) => {
                e.preventDefault()
                setOver(stage.id)
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(e) => {
                e.preventDefault()
                setOver(null)
                const deal = deals.data?.data.find((d) => d.id === e.dataTransfer.getData('text/plain'))
                if (deal && deal.stageId !== stage.id) move.mutate({ deal, stageId: stage.id })
              }}
            >
              <h4>
                <span>{stage.name}</span>
                <span className="muted">{stage.probability}%</span>
              </h4>
              <p className="muted">
                {cards.length} · {money({ amountMinor: total, currency: 'USD' })}
              </p>
              {cards.map((deal) => (
                <article
                  key={deal.id}
                  className="card"
                  draggable
                  data-deal={deal.name}
                  onDragStart={(e) => e.dataTransfer.setData('text/plain', deal.id)}
                >
                  <Link href={`/deals/${deal.id}`}>
                    <strong>{deal.name}</strong>
                  </Link>
                  {money(deal.amount)} {deal.expectedCloseDate ? `· ${deal.expectedCloseDate}` : ''}
                </article>
              ))}
            </section>
          )
        })}
      </div>
    </>
  )
}
