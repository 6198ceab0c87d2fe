import { fileURLToPath } from 'node:url'
import { serve } from '@rapport/server/node'
import { createCrmApp } from './create-app.js'

const staticDir = fileURLToPath(new URL('../../dist', import.meta.url))
const file = process.env['CRM_APP_DB'] ?? fileURLToPath(new URL('../../crm-app.db', import.meta.url))
const { app, crm } = await createCrmApp({ file, staticDir })
const server = await serve(app, {
  port: Number(process.env['PORT'] ?? 5173),
  hostname: process.env['HOST'] ?? '127.0.0.1',
})
console.log(
  `Rapport demo CRM on ${server.url} (API: ${server.url}/api, reference: ${server.url}/api/reference)`,
)
console.log(`database: ${file} (delete it to reseed)`)
const stop = async () => {
  await server.close()
  await crm.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
