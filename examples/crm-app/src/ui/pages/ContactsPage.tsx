import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { FormEvent } from 'react'
import { useState } from 'react'
import { Link } from 'wouter'
import type { Contact, Page } from '../api.ts'
import { ApiError, api, filterParam, fullName } from '../api.ts'

const STAGES = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist', 'other']

/** Contacts: full-text search, a lifecycle filter, keyset pages and a create form. */
export function ContactsPage() {
  const [q, setQ] = useState('')
  const [stage, setStage] = useState('')
  const [cursor, setCursor] = useState<string | null>(null)
  const query = useQuery({
    queryKey: ['contacts', { q, stage, cursor }],
    queryFn: async () => {
      const filter = stage ? { field: 'lifecycleStage', op: 'eq', value: stage } : undefined
      if (q.trim()) {
        const found = await api<{ data: Contact[] }>(
          `/contacts/search?q=${encodeURIComponent(q.trim())}${filter ? `&${filterParam(filter)}` : ''}`,
        )
        return { data: found.data, nextCursor: null, hasMore: false } as Page<Contact>
      }
      const params = [
        `limit=20`,
        `sort=lastName,firstName`,
        filter ? filterParam(filter) : '',
        cursor ? `cursor=${encodeURIComponent(cursor)}` : '',
      ]
      return api<Page<Contact>>(`/contacts?${params.filter(Boolean).join('&')}`)
    },
  })
  return (
    <>
      <hgroup>
        <h2>Contacts</h2>
        <p>Search in any language; filter by lifecycle stage.</p>
      </hgroup>
      <div className="grid">
        <input
          type="search"
          placeholder="Search contacts"
          aria-label="Search contacts"
          value={q}
          onChange={(e) => {
            setQ(e.target.value)
            setCursor(null)
          }}
        />
        <select
          aria-label="Lifecycle stage"
          value={stage}
          onChange={(e) => {
            setStage(e.target.value)
            setCursor(null)
          }}
        >
          <option value="">All stages</option>
          {STAGES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      {query.error && <p className="refusal">{query.error.message}</p>}
      <table aria-busy={query.isPending}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Title</th>
            <th>Stage</th>
          </tr>
        </thead>
        <tbody>
          {query.data?.data.map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/contacts/${c.id}`}>{fullName(c)}</Link>
              </td>
              <td>{c.emails[0]?.address ?? ''}</td>
              <td>{c.title ?? ''}</td>
              <td>
                <span className="badge">{c.lifecycleStage}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {query.data?.hasMore && (
        <button type="button" className="secondary" onClick={() => setCursor(query.data.nextCursor)}>
          Next page
        </button>
      )}
      <NewContactForm />
    </>
  )
}

function NewContactForm() {
  const client = useQueryClient()
  const [error, setError] = useState<string | null>(null)
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Contact>('/contacts', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['contacts'] }),
  })
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const form = new FormData(e.currentTarget)
    const email = String(form.get('email') ?? '').trim()
    setError(null)
    try {
      await create.mutateAsync({
        firstName: String(form.get('firstName') ?? '') || null,
        lastName: String(form.get('lastName') ?? '') || null,
        emails: email ? [{ address: email, primary: true }] : [],
      })
      e.currentTarget.reset()
    } catch (err) {
      const issues =
        err instanceof ApiError ? (err.details['issues'] as { message: string }[] | undefined) : undefined
      setError(issues?.map((i) => i.message).join('; ') || (err as Error).message)
    }
  }
  return (
    <details>
      <summary className="outline">New contact</summary>
      <form onSubmit={submit} aria-label="New contact">
        <div className="grid">
          <input name="firstName" placeholder="First name" aria-label="First name" />
          <input name="lastName" placeholder="Last name" aria-label="Last name" />
          <input name="email" type="email" placeholder="Email" aria-label="Email" />
        </div>
        {error && <p className="refusal">{error}</p>}
        {create.isSuccess && <p role="status">Created {fullName(create.data)}.</p>}
        <button type="submit" aria-busy={create.isPending}>
          Create contact
        </button>
      </form>
    </details>
  )
}
