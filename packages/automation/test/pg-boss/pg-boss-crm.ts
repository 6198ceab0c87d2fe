import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import pg from 'pg'
import { PgBoss } from 'pg-boss'
import { automationPlugin } from '../../src/index.js'
import { createPgBossQueue } from '../../src/pg-boss/index.js'

export const PG_URL = process.env['RAPPORT_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The CRM the test and both worker processes open: Postgres storage, pg-boss queue, one two-step rule. */
export function openPgBossCrm(schema: string) {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 })
  const queue = createPgBossQueue({
    boss: new PgBoss({ connectionString: PG_URL, schema: `${schema}_boss`, max: 4 }),
    batchSize: 1,
    pollingIntervalSeconds: 0.5,
    relayMs: 100,
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
