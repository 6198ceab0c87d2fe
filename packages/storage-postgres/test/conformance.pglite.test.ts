import { conformanceSchema } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'
import { sql } from 'kysely'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openPgliteBackend } from './pg-test-backend.js'

/**
 * The full conformance kit on PGlite, in every environment (CI runs `conformance.test.ts` on the real server too).
 */
let backend: PgTestBackend

runStorageConformance({
  name: 'postgres (PGlite)',
  async setup() {
    backend = await openPgliteBackend('conformance_pglite')
    const storage: PostgresStorage = createPostgresStorage(
      { kysely: backend.kysely },
      { schema: backend.schema },
    )
    await storage.migrations.apply(conformanceSchema)
    return {
      storage,
      raw: {
        async get({ model, tenantId, id }) {
          const table = conformanceSchema.models[model]!.table
          const result =
            await sql`select * from ${sql.id(backend.schema, table)} where tenant_id = ${tenantId} and id = ${id}`.execute(
              backend.kysely,
            )
          return result.rows[0] ?? null
        },
      },
    }
  },
  async teardown({ storage }) {
    await storage.close()
    await backend.dispose()
  },
})
