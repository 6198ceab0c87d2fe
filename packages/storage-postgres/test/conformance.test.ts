import { conformanceSchema } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'
import { sql } from 'kysely'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * The full conformance kit on the backend the environment names: the real server when `RAPPORT_TEST_PG_URL` is set
 * (CI), PGlite otherwise. `conformance.pglite.test.ts` runs it on PGlite in every environment.
 */
let backend: PgTestBackend

runStorageConformance({
  name: `postgres (${process.env['RAPPORT_TEST_PG_URL'] ? 'real server' : 'PGlite fallback'})`,
  async setup() {
    backend = await openTestBackend('conformance')
    const storage: PostgresStorage =
      backend.kind === 'server'
        ? createPostgresStorage({ connectionString: backend.url! }, { schema: backend.schema })
        : createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
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
