/**
 * `@rapport/automation/pg-boss`: the distributed job queue on Postgres, built on pg-boss (an optional peer
 * dependency: install `pg-boss` to use it).
 *
 * @example
 * ```ts
 * import { PgBoss } from 'pg-boss'
 * import { automationPlugin } from '@rapport/automation'
 * import { createPgBossQueue } from '@rapport/automation/pg-boss'
 *
 * const queue = createPgBossQueue({ boss: new PgBoss(process.env.DATABASE_URL!) })
 * const crm = createCrm({ storage, plugins: [automationPlugin({ queue, rules })] as const })
 * await crm.migrate()
 * await queue.start()
 * ```
 *
 * @module
 */
export type { PgBossQueueOptions } from './pg-boss-options.js'
export { createPgBossQueue } from './pg-boss-queue.js'
