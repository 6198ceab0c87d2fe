// The example server's own additions, without a browser: the CSV import endpoint (bad files refused with
// problem+json and nothing written) and the demo access policy (a rep's masked fields).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCrmApp } from '../src/server/create-app.js'

let app: Awaited<ReturnType<typeof createCrmApp>>
beforeAll(async () => {
  app = await createCrmApp({ file: ':memory:' })
})
afterAll(() => app.crm.close())

const call = async (path: string, init: RequestInit & { user?: string } = {}) => {
  const res = await app.app.request(path, {
    ...init,
    headers: { 'x-demo-user': init.user ?? 'alice', ...(init.headers as Record<string, string>) },
  })
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any }
}
const csvPost = (csv: string, query = '') =>
  call(`/api/import/contacts${query}`, { method: 'POST', body: csv })

describe('POST /api/import/contacts', () => {
  it('previews without writing, then imports, upserting on email', async () => {
    const before = (await call('/api/contacts/count')).body.count
    const csv =
      'First name,Last name,Email,Phone,Title\nGrace,Hopper,grace@navy.example,+12025550199,Admiral\n'
    const preview = await csvPost(csv, '?dryRun=true')
    expect(preview.body).toMatchObject({ dryRun: true, counts: { created: 1, failed: 0 } })
    expect((await call('/api/contacts/count')).body.count).toBe(before)
    expect((await csvPost(csv)).body.counts).toMatchObject({ created: 1 })
    expect((await csvPost(csv)).body.counts).toMatchObject({ created: 0, unchanged: 1 })
    expect((await call('/api/contacts/count')).body.count).toBe(before + 1)
  })

  it('refuses a file without the mapped columns with problem+json, and writes nothing', async () => {
    const before = (await call('/api/contacts/count')).body.count
    for (const csv of ['Name,Mail\nAda,ada@example.com\n', '']) {
      const res = await csvPost(csv)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(res.type).toBe('application/problem+json')
      expect(typeof res.body.code).toBe('string')
    }
    expect((await call('/api/contacts/count')).body.count).toBe(before)
  })
})

describe('the demo access policy', () => {
  it("masks a rep's view of phones and emails and shows him only his own contacts", async () => {
    const mine = await call('/api/contacts?limit=100', { user: 'bob' })
    expect(mine.body.data.length).toBeGreaterThan(0)
    for (const c of mine.body.data) {
      expect(c.ownerId).toBe('bob')
      expect(c.phones[0].number).toContain('*')
      expect(c.emails[0].address).toMatch(/^\w\*+@/)
    }
    const full = await call(`/api/contacts/${mine.body.data[0].id}`)
    expect(full.body.phones[0].number).toMatch(/^\+\d+$/)
    const alices = (await call('/api/contacts?limit=100')).body.data.find((c: any) => c.ownerId === 'alice')
    expect((await call(`/api/contacts/${alices.id}`, { user: 'bob' })).status).toBe(404)
  })
})
