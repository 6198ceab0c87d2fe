import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { ioPlugin } from '@rapport/io'
import { createRapportServer } from '@rapport/server'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { demoAccess } from './demo-access.js'
import { importContactsHandler } from './import-route.js'
import { seedDemo } from './seed.js'

/** Options of {@link createCrmApp}. */
export interface CrmAppOptions {
  /** The SQLite file (default `crm-app.db` in the working directory); `:memory:` for tests. */
  readonly file?: string
  /** The built UI (`dist/`); without it only the API is served. */
  readonly staticDir?: string
  /** Seed the demo data when the database is empty (default true). */
  readonly seed?: boolean
}

/**
 * The example app: one Hono app serving the Rapport REST API under `/api` and the built UI at `/`, on one port.
 * Authentication is a stand-in (the user named by `x-demo-user`, `alice` by default; the UI's "Signed in as" switch
 * sets it) under the demo's access policy (./demo-access.ts); see docs/guides/server.md for JWT and API keys.
 */
export async function createCrmApp(options: CrmAppOptions = {}): Promise<{ app: Hono; crm: Crm }> {
  const crm = createCrm({
    storage: createSqliteStorage({ file: options.file ?? 'crm-app.db' }),
    actor: { id: 'alice' },
    plugins: [demoAccess(), ioPlugin()],
  })
  await crm.migrate()
  if (options.seed !== false && (await crm.contacts.count()) === 0) await seedDemo(crm)
  const actorOf = (c: Context) => ({ id: c.req.header('x-demo-user') || 'alice' })
  const api = createRapportServer({
    crm,
    authenticate: (c) => ({ actor: actorOf(c) }),
    info: { title: 'Rapport demo CRM', description: 'The example app’s API' },
  })
  const app = new Hono()
  app.post('/api/import/contacts', importContactsHandler(crm, actorOf))
  app.all('/api/*', (c) => {
    const url = new URL(c.req.url)
    url.pathname = url.pathname.slice('/api'.length)
    return api.fetch(new Request(url, c.req.raw))
  })
  if (options.staticDir) {
    const root = options.staticDir
    app.use('/*', serveStatic({ root }))
    const index = await readFile(join(root, 'index.html'), 'utf8')
    app.get('*', (c) => c.html(index))
  }
  return { app, crm }
}
