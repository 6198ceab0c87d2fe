// The server both sides of the bench run on, the two throwaway schemas (the SDK's and the raw baseline's), an admin
// pool for setup and EXPLAIN, and the SDK storage over the SDK schema.
import { randomBytes } from 'node:crypto'
import type { PostgresStorage } from '@rapport/storage-postgres'
import { createPostgresStorage } from '@rapport/storage-postgres'
import pg from 'pg'

export const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
export const suffix = randomBytes(3).toString('hex')
export const SDK_SCHEMA = `bench_sdk_${suffix}`
export const RAW_SCHEMA = `bench_raw_${suffix}`
export const admin = new pg.Pool({ connectionString: PG_URL, max: 2 })

/** The SDK's Postgres storage on `schema`, optionally logging the SQL it runs. */
export function sdkStorage(
  schema: string,
  logSql?: (sql: string, parameters: readonly unknown[]) => void,
): PostgresStorage {
  return createPostgresStorage(
    { connectionString: PG_URL },
    {
      schema,
      pool: { max: 4 },
      ...(logSql
        ? {
            log: (event) => {
              if (event.level === 'query') logSql(event.query.sql, event.query.parameters)
            },
          }
        : {}),
    },
  )
}
