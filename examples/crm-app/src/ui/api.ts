/** A problem+json answer of the Rapport server, as an Error the UI can show. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>
  constructor(status: number, body: { code?: string; detail?: string; details?: Record<string, unknown> }) {
    super(body.detail ?? `HTTP ${status}`)
    this.status = status
    this.code = body.code ?? 'HTTP_ERROR'
    this.details = body.details ?? {}
  }
}

/** The demo users the "Signed in as" switch offers (see src/server/demo-access.ts). */
export const DEMO_USERS = [
  { id: 'alice', label: 'alice (admin)' },
  { id: 'bob', label: 'bob (sales rep)' },
] as const

/** Who the UI acts as: sent as `x-demo-user`, the example server's stand-in for real authentication. */
export function currentUser(): string {
  return localStorage.getItem('demo-user') ?? 'alice'
}

/** Switches the demo user. */
export function setCurrentUser(id: string): void {
  localStorage.setItem('demo-user', id)
}

/** Calls the REST API; problem+json answers throw {@link ApiError}. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; version?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'x-demo-user': currentUser() }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.version !== undefined) headers['if-match'] = `"${init.version}"`
  const res = await fetch(`/api${path}`, {
    method: init.method ?? 'GET',
    headers,
    // TanStack Query is the cache; the browser's would only add revalidation round trips (the server's ETags are per
    // view, so switching demo users never reuses the other user's body).
    cache: 'no-store',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  })
  if (res.status === 204) return undefined as T
  const body = await res.json()
  if (!res.ok) throw new ApiError(res.status, body)
  return body as T
}

/** `?filter=` for a filter tree. */
export const filterParam = (filter: unknown) => `filter=${encodeURIComponent(JSON.stringify(filter))}`

export interface Page<T> {
  data: T[]
  nextCursor: string | null
  hasMore: boolean
}
export interface Money {
  amountMinor: number
  currency: string
}
export interface Contact {
  id: string
  version: number
  firstName: string | null
  lastName: string | null
  emails: { address: string }[]
  phones: { number: string }[]
  title: string | null
  companyId: string | null
  ownerId: string | null
  lifecycleStage: string
}
export interface Company {
  id: string
  version: number
  name: string
  domain: string | null
  industry: string | null
}
export interface Stage {
  id: string
  name: string
  kind: 'open' | 'won' | 'lost'
  probability: number
  requiredFields: string[]
}
export interface Pipeline {
  id: string
  name: string
  entityType: string
  stages: Stage[]
}
export interface Deal {
  id: string
  version: number
  name: string
  amount: Money | null
  pipelineId: string
  stageId: string
  companyId: string | null
  expectedCloseDate: string | null
  probability: number | null
  ownerId: string | null
}
export interface Task {
  id: string
  version: number
  title: string
  status: string
  dueAt: string | null
  assigneeId: string | null
  priority: string
}
export interface Ticket {
  id: string
  version: number
  subject: string
  priority: string
  stageId: string
  requesterId: string | null
}
/** One entry of `GET /{contacts,companies}/{id}/timeline` (core's `crm.timeline`). */
export interface TimelineItem {
  at: string
  kind: string
  entity: string
  id: string
  record: Record<string, unknown>
}
/** One page of a customer timeline: pass `nextCursor` back as `cursor` for older entries. */
export interface TimelinePage {
  data: TimelineItem[]
  nextCursor: string | null
  hasMore: boolean
}
/** A stage change of `GET /deals/{id}/stage-history`. */
export interface StageChange {
  id: string
  at: string
  fromStageId: string | null
  toStageId: string
}

/** Formats money in minor units. */
export function money(value: Money | null | undefined): string {
  if (!value) return '—'
  return new Intl.NumberFormat('en', {
    style: 'currency',
    currency: value.currency,
    maximumFractionDigits: 0,
  }).format(value.amountMinor / 100)
}

export const fullName = (c: Pick<Contact, 'firstName' | 'lastName'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)'
