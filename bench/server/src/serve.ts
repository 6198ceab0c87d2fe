// One server of the benchmark, in its own process so autocannon (in the parent) does not share its event loop:
// `rapport` serves @rapport/server over the CRM; `bare` serves a Hono handler running the raw query.
import { serve } from '@hono/node-server'
import { createCrm } from '@rapport/core'
import { createRapportServer } from '@rapport/server'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { Hono } from 'hono'
import { recordColumns } from './record-columns.ts'

const [mode, file] = process.argv.slice(2) as ['rapport' | 'bare', string]
let fetch: (request: Request) => Response | Promise<Response>
if (mode === 'rapport') {
  const crm = createCrm({ storage: createSqliteStorage({ file }) })
  await crm.migrate()
  fetch = createRapportServer({ crm, authenticate: () => ({ actor: { id: 'bench' } }) }).fetch
} else {
  // The physical limit: the same first page (tenant, not archived, by id, 50 rows), no validation, no mapping.
  const db = new Database(file, { readonly: true })
  const page = db.prepare(
    `select ${recordColumns(db)} from contact where tenant_id = ? and archived_at is null order by id limit 50`,
  )
  const app = new Hono()
  app.get('/contacts', (c) => c.json({ data: page.all('default') }))
  fetch = app.fetch
}
// The parent asks for this process's CPU time around each timed load, so the JSON can say how much CPU one request
// costs each server: on a shared, loaded machine that is steadier than requests per second.
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() })
})
serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send?.({ port: info.port })
})
