import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import type { Company, Contact } from '../api.ts'
import { api, fullName } from '../api.ts'
import { Timeline } from './Timeline.tsx'

/** One contact: details, company, timeline. */
export function ContactPage({ id }: { id: string }) {
  const contact = useQuery({ queryKey: ['contacts', id], queryFn: () => api<Contact>(`/contacts/${id}`) })
  const companyId = contact.data?.companyId
  const company = useQuery({
    queryKey: ['companies', companyId],
    queryFn: () => api<Company>(`/companies/${companyId}`),
    enabled: Boolean(companyId),
  })
  if (contact.isPending) return <p aria-busy="true">Loading…</p>
  if (contact.error) return <p className="refusal">{contact.error.message}</p>
  const c = contact.data
  return (
    <div className="grid-2">
      <article>
        <header>
          <h2>{fullName(c)}</h2>
          <span className="badge">{c.lifecycleStage}</span> {c.title}
        </header>
        <p data-field="emails">{c.emails.map((e) => e.address).join(', ')}</p>
        {c.phones.length > 0 && <p data-field="phones">{c.phones.map((p) => p.number).join(', ')}</p>}
        {company.data && (
          <p>
            Company: <Link href={`/companies/${company.data.id}`}>{company.data.name}</Link>
          </p>
        )}
        <p className="muted">
          Owner {c.ownerId ?? '—'} · version {c.version}
        </p>
      </article>
      <section>
        <h3>Timeline</h3>
        <Timeline collection="contacts" id={id} />
      </section>
    </div>
  )
}
