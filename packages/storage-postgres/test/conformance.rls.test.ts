import { conformanceSchema } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'
import { sql } from 'kysely'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The full conformance kit with row-level security on (`rls: true`): every operation runs as the runtime role in a
 * transaction bound to its tenant, under FORCEd RESTRICTIVE tenant policies, and must behave exactly as without them.
 */
let backend: PgTestBackend

runStorageConformance({
  name: `postgres with RLS (${process.env['RAPPORT_TEST_PG_URL'] ? 'real server' : 'PGlite fallback'})`,
  async setup() {
    backend = await openTestBackend('conformance_rls')
    const storage: PostgresStorage =
      backend.kind === 'server'
        ? createPostgresStorage(
            { connectionString: backend.url! },
            { schema: backend.schema, rls: { role: 'rapport_app_test' } },
          )
        : createPostgresStorage(
            { kysely: backend.kysely },
            { schema: backend.schema, rls: { role: 'rapport_app_test' } },
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
