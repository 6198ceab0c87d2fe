import { useInfiniteQuery } from '@tanstack/react-query'
import type { Money, TimelineItem, TimelinePage } from '../api.ts'
import { api, money } from '../api.ts'

/** One line for a timeline entry, from its kind and record. */
function summary(item: TimelineItem): string {
  const r = item.record
  const text = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '')
  switch (item.kind) {
    case 'activity':
      return `${text('type')}${text('subject') ? `: ${text('subject')}` : ''}`
    case 'task':
      return `Task (${text('status')}): ${text('title')}`
    case 'deal':
      return `Deal: ${text('name')}`
    case 'stageChange':
      return text('fromStageId') ? 'Deal moved stage' : 'Deal opened'
    case 'ticket':
      return `Ticket: ${text('subject')}`
    case 'order':
      return `Order ${money(r['amount'] as Money | null)} (${text('status')})`
    default:
      return text('name') || text('title') || text('subject') || item.id
  }
}

/**
 * A contact's or company's 360° timeline from `GET /{collection}/{id}/timeline` (core's `crm.timeline`): newest
 * first, older pages on demand through the opaque `nextCursor`.
 */
export function Timeline({ collection, id }: { collection: 'contacts' | 'companies'; id: string }) {
  const { data, isPending, error, hasNextPage, fetchNextPage, isFetchingNextPage } = useInfiniteQuery({
    queryKey: [collection, id, 'timeline'],
    queryFn: ({ pageParam }) =>
      api<TimelinePage>(
        `/${collection}/${id}/timeline?limit=30${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
  if (isPending) return <p aria-busy="true">Loading timeline…</p>
  if (error) return <p className="refusal">{error.message}</p>
  const items = data.pages.flatMap((page) => page.data)
  if (items.length === 0) return <p className="muted">Nothing yet.</p>
  return (
    <>
      <ul className="timeline" aria-label="Timeline">
        {items.map((item) => (
          <li key={item.id} data-kind={item.kind} data-id={item.id}>
            <span className="badge">{item.kind}</span> {summary(item)}{' '}
            <span className="muted">{new Date(item.at).toLocaleString()}</span>
          </li>
        ))}
      </ul>
      {hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={isFetchingNextPage}
          onClick={() => fetchNextPage()}
        >
          Older
        </button>
      )}
    </>
  )
}
