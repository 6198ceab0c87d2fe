import { createCrm, definePlugin } from '@rapport/core'
import { z } from 'zod'
import { createPostgresStorage } from '../../src/index.js'

/**
 * The next version of an app in a rolling deploy: it adds a field to contacts (a new column) and runs `migrate()`
 * from its own process while the old version keeps writing. Arguments: connection string, schema.
 */
const [url, schema] = process.argv.slice(2) as [string, string]
const loyalty = definePlugin({
  id: 'loyalty',
  schema: { extend: { contact: { loyaltyTier: z.string().nullable().default(null) } } },
})
const crm = createCrm({
  storage: createPostgresStorage({ connectionString: url }, { schema, pool: { max: 2 } }),
  plugins: [loyalty] as const,
})
const report = await crm.migrate()
process.send?.({ migrated: report })
await crm.close()
