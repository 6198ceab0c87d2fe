import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import type { Company, Contact, Page } from '../api.ts'
import { api, filterParam, fullName } from '../api.ts'
import { Timeline } from './Timeline.tsx'

/** One company: details, its people, its timeline. */
export function CompanyPage({ id }: { id: string }) {
  const company = useQuery({ queryKey: ['companies', id], queryFn: () => api<Company>(`/companies/${id}`) })
  const people = useQuery({
    queryKey: ['contacts', { companyId: id }],
    queryFn: () =>
      api<Page<Contact>>(`/contacts?${filterParam({ field: 'companyId', op: 'eq', value: id })}&limit=50`),
  })
  if (company.isPending) return <p aria-busy="true">Loading…</p>
  if (company.error) return <p className="refusal">{company.error.message}</p>
  return (
    <div className="grid-2">
      <article>
        <header>
          <h2>{company.data.name}</h2>
          {company.data.domain} · {company.data.industry}
        </header>
        <h4>People</h4>
        <ul>
          {people.data?.data.map((c) => (
            <li key={c.id}>
              <Link href={`/contacts/${c.id}`}>{fullName(c)}</Link> <span className="muted">{c.title}</span>
            </li>
          ))}
        </ul>
      </article>
      <section>
        <h3>Timeline</h3>
        <Timeline collection="companies" id={id} />
      </section>
    </div>
  )
}
