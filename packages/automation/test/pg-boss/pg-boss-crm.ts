import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import pg from 'pg'
import type { ConstructorOptions } from 'pg-boss'
import { PgBoss } from 'pg-boss'
import { automationPlugin } from '../../src/index.js'
import type { PgBossQueueOptions } from '../../src/pg-boss/index.js'
import { createPgBossQueue } from '../../src/pg-boss/index.js'

/**
 * The Postgres server the pg-boss suites run on: `RAPPORT_TEST_PG_URL` (CI sets it). Worker processes must share one
 * database, which an in-process PGlite cannot offer, so without it the suites skip and say why.
 */
export const PG_URL: string | undefined = process.env['RAPPORT_TEST_PG_URL'] || undefined

/** The reason a pg-boss test gives when it skips. */
export const NO_SERVER =
  'pg-boss worker processes need a shared Postgres server: set RAPPORT_TEST_PG_URL (CI does) to run this test'

/** Runs one statement on a fresh connection of its own (DDL and assertions outside the CRM). */
export async function admin(sql: string) {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Options the durability tests tune: pg-boss' own (monitor intervals) and the queue's. */
export interface PgBossCrmOptions {
  readonly boss?: Partial<ConstructorOptions>
  readonly queue?: Partial<Omit<PgBossQueueOptions, 'boss'>>
}

/** The CRM the test and the worker processes open: Postgres storage, pg-boss queue, one two-step rule. */
export function openPgBossCrm(schema: string, options: PgBossCrmOptions = {}) {
  if (!PG_URL) throw new Error(NO_SERVER)
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
  const queue = createPgBossQueue({
    boss: new PgBoss({ connectionString: PG_URL, schema: `${schema}_boss`, max: 4, ...options.boss }),
    batchSize: 1,
    pollingIntervalSeconds: 0.5,
    relayMs: 100,
    ...options.queue,
  })
  const crm = createCrm({
    storage: createPostgresStorage({ connectionString: PG_URL }, { schema }),
    plugins: [
      automationPlugin({
        queue,
        functions: {
          // An external, non-idempotent effect: a double execution would show as a duplicate row.
          mark: async ({ idempotencyKey }) => {
            await pool.query(`insert into ${schema}.exec_log (key, pid) values ($1, $2)`, [
              idempotencyKey,
              process.pid,
            ])
            await new Promise((r) => setTimeout(r, 20))
          },
        },
        rules: [
          {
            id: 'two-steps',
            name: 'Mark, then create a task',
            entity: 'deal',
            trigger: { type: 'record', events: ['created'] },
            actions: [
              { type: 'callFunction', name: 'mark' },
              { type: 'createTask', title: 'Task for {{record.name}}' },
            ],
          },
        ],
      }),
    ] as const,
  })
  return { crm, queue, pool }
}
