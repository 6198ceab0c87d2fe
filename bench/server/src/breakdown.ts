// Where the time of one list request goes, in one process and back to back: the raw query + JSON, core's
// crm.contacts.list + JSON, and the whole HTTP request through @rapport/server (app.request, no socket).
// `pnpm --filter @rapport/bench-server breakdown`; ONLY=<n> loops the HTTP request alone n times, for --cpu-prof.
import { createCrm } from '@rapport/core'
import { createRapportServer } from '@rapport/server'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { recordColumns } from './record-columns.ts'

const file = `/tmp/bd-${process.pid}.db`
const crm = createCrm({ storage: createSqliteStorage({ file }) })
await crm.migrate()
await crm.contacts.createMany(
  Array.from({ length: Number(process.env.N ?? 500) }, (_, i) => ({
    firstName: `First${i}`,
    lastName: `Last${i}`,
    emails: [{ address: `p${i}@example.com`, primary: true }],
    title: 'Engineer',
    tags: ['bench'],
  })),
)
const app = createRapportServer({ crm, authenticate: () => ({ actor: { id: 'b' } }) })
const db = new Database(file, { readonly: true })
const page = db.prepare(
  `select ${recordColumns(db)} from contact where tenant_id = ? and archived_at is null order by id limit 50`,
)
const time = async (fn: () => unknown) => {
  const t = performance.now()
  for (let i = 0; i < 200; i++) await fn()
  return (performance.now() - t) / 200
}
if (process.env['ONLY']) {
  for (let i = 0; i < Number(process.env['ONLY']); i++) await (await app.request('/contacts?limit=50')).text()
} else
  for (let r = 0; r < 3; r++) {
    const raw = await time(() => JSON.stringify(page.all('default')))
    const list = await time(async () => JSON.stringify((await crm.contacts.list({ limit: 50 })).items))
    const http = await time(async () => (await app.request('/contacts?limit=50')).text())
    console.log(
      `raw+json ${raw.toFixed(2)} ms  crm.list+json ${list.toFixed(2)} ms  http ${http.toFixed(2)} ms`,
    )
  }
await crm.close()
