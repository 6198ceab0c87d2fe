import { useQueries, useQuery } from '@tanstack/react-query'
import type { Page, Ticket } from '../api.ts'
import { api } from '../api.ts'

interface SlaMetric {
  state: string
  dueAt: string | null
}

/** Tickets with their SLA status (first response and resolution against the policy). */
export function TicketsPage() {
  const tickets = useQuery({
    queryKey: ['tickets'],
    queryFn: () => api<Page<Ticket>>('/tickets?limit=50&sort=-createdAt'),
  })
  const slas = useQueries({
    queries: (tickets.data?.data ?? []).map((t) => ({
      queryKey: ['tickets', t.id, 'sla'],
      queryFn: () =>
        api<{ firstResponse: SlaMetric | null; resolution: SlaMetric | null }>(`/tickets/${t.id}/sla`),
    })),
  })
  const badge = (m: SlaMetric | null | undefined) =>
    m ? (
      <span className={`badge ${m.state}`}>{m.state.replace('_', ' ')}</span>
    ) : (
      <span className="muted">—</span>
    )
  return (
    <>
      <h2>Tickets</h2>
      <table aria-busy={tickets.isPending}>
        <thead>
          <tr>
            <th>Subject</th>
            <th>Priority</th>
            <th>First response</th>
            <th>Resolution</th>
          </tr>
        </thead>
        <tbody>
          {tickets.data?.data.map((t, i) => (
            <tr key={t.id}>
              <td>{t.subject}</td>
              <td>{t.priority}</td>
              <td>{badge(slas[i]?.data?.firstResponse)}</td>
              <td>{badge(slas[i]?.data?.resolution)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
