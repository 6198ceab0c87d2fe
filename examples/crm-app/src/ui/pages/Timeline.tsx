import { useQuery } from '@tanstack/react-query'
import type { TimelineItem } from '../api.ts'
import { api } from '../api.ts'

/** A record's timeline from `GET /{collection}/{id}/timeline`. */
export function Timeline({ collection, id }: { collection: string; id: string }) {
  const { data, isPending, error } = useQuery({
    queryKey: [collection, id, 'timeline'],
    queryFn: () => api<{ data: TimelineItem[] }>(`/${collection}/${id}/timeline?limit=30`),
  })
  if (isPending) return <p aria-busy="true">Loading timeline…</p>
  if (error) return <p className="refusal">{error.message}</p>
  if (data.data.length === 0) return <p className="muted">Nothing yet.</p>
  return (
    <ul className="timeline" aria-label="Timeline">
      {data.data.map((item) => (
        <li key={`${item.source}:${item.id}`}>
          <span className="badge">{item.kind}</span> {item.summary}{' '}
          <span className="muted">{new Date(item.at).toLocaleString()}</span>
        </li>
      ))}
    </ul>
  )
}
