import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm, isRapportError } from '@rapport/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * A rolling deploy: the running version keeps writing while the next version, in another process, migrates the
 * schema under it (adds a column to `contact`). The running version's pooled connections hold named prepared
 * statements planned against the old table; none of its writes may fail.
 */
const here = dirname(fileURLToPath(import.meta.url))
let backend: PgTestBackend
let storage: PostgresStorage | undefined

beforeAll(async () => {
  backend = await openTestBackend('rolling_deploy')
  if (backend.kind === 'server') {
    storage = createPostgresStorage(
      { connectionString: backend.url! },
      { schema: backend.schema, pool: { max: 4 } },
    )
  }
})

afterAll(async () => {
  await storage?.close()
  await backend?.dispose()
})

/** Runs the next version's `migrate()` in a child process; resolves when it exits (bounded by the test timeout). */
function migrateInAnotherProcess(url: string, schema: string): Promise<void> {
  const child = fork(join(here, 'processes', 'next-version.ts'), [url, schema], {
    execArgv: ['--conditions=@rapport/source', '--import', join(here, '../../../scripts/source-hooks.ts')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    let migrated = false
    child.once('message', () => {
      migrated = true
    })
    child.once('exit', (code) =>
      migrated && code === 0 ? resolve() : reject(new Error(`next-version exited with ${code}`)),
    )
  })
}

// The child process loads TypeScript sources on start, which takes seconds on a busy machine: hence the timeout.
describe('rolling deploy', () => {
  it('the running version keeps writing while another process migrates a new column in: 0 failed writes', async (ctx) => {
    if (!storage) {
      ctx.skip('needs a second process on the same database: runs on the real server (RAPPORT_TEST_PG_URL)')
      return
    }
    const crm = createCrm({ storage, tenantId: 'ten_rolling' })
    await crm.migrate()
    const contacts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => crm.contacts.create({ firstName: `c${i}` })),
    )
    const failures: unknown[] = []
    let writes = 0
    let created = 0
    const write = async (i: number) => {
      const contact = contacts[i % contacts.length]!
      try {
        if (i % 4 === 0) {
          await crm.contacts.create({ firstName: `new${i}` })
          created++
        } else await crm.contacts.update(contact.id, { lastName: `w${i}` })
        writes++
      } catch (error) {
        failures.push(error)
      }
    }
    // Warm up: every pooled connection prepares the hot reads by name.
    for (let i = 0; i < 64; i++) await Promise.all([0, 1, 2, 3].map((k) => write(i * 4 + k)))
    expect(failures).toEqual([])

    let migrating = true
    const migration = migrateInAnotherProcess(backend.url!, backend.schema).finally(() => {
      migrating = false
    })
    let i = 1000
    const writer = async () => {
      while (migrating) await write(i++)
    }
    await Promise.all([writer(), writer(), writer(), writer(), migration])
    const duringMigration = writes
    // After the migration, every connection's statements are stale: keep writing through all of them.
    for (let k = 0; k < 100; k++) await Promise.all([0, 1, 2, 3].map((n) => write(i++ + n * 1000)))

    console.info(
      `[rolling deploy] ${duringMigration} writes before the other process's migrate() ended, ${writes} in all, ${failures.length} failed`,
    )
    const columns = await sql<{
      column_name: string
    }>`select column_name from information_schema.columns where table_schema = ${backend.schema} and table_name = 'contact'`.execute(
      backend.kysely,
    )
    expect(columns.rows.map((r) => r.column_name)).toContain('loyalty_tier')
    expect(
      failures.map((e) => (isRapportError(e) ? `${e.code}: ${e.message}` : String(e))).slice(0, 5),
    ).toEqual([])
    expect(writes).toBeGreaterThan(600)
    // The old version's reads still work, and see its own writes.
    expect((await crm.contacts.get(contacts[1]!.id)).lastName).toMatch(/^w/)
    expect(await crm.contacts.count()).toBe(contacts.length + created)
  }, 180_000)
})
