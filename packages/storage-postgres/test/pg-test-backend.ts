import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'

/**
 * The database a test file runs on: the real server named by `RAPPORT_TEST_PG_URL`, or an in-process PGlite when the
 * variable is unset. Every file gets its own randomly named schema, dropped by `dispose()`, so files run in parallel.
 */
export interface PgTestBackend {
  /** Which engine this file runs on. */
  readonly kind: 'server' | 'pglite'
  /** A fresh schema name reserved for this file. */
  readonly schema: string
  /** The harness's own Kysely instance (a small pool on the server, the single connection on PGlite). */
  readonly kysely: Kysely<any>
  /** The server's URL (server only). */
  readonly url?: string
  /** A further fresh schema name (also dropped by `dispose()`). */
  freshSchema(label: string): string
  /** Drops every schema handed out and closes the connections. */
  dispose(): Promise<void>
}

/** The real server's URL, or `undefined` when tests should run on PGlite. */
export const PG_URL: string | undefined = process.env['RAPPORT_TEST_PG_URL'] || undefined

function schemaName(label: string): string {
  return `t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`
}

/** Opens PGlite explicitly (the PGlite-only conformance file uses this whatever the environment says). */
export async function openPgliteBackend(label: string): Promise<PgTestBackend> {
  const pglite = new PGlite()
  await pglite.waitReady
  const kysely = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) })
  return backend('pglite', label, kysely, undefined)
}

/** Opens the real server; fails loudly, never falls back, when it cannot be reached. */
export async function openServerBackend(label: string, url: string): Promise<PgTestBackend> {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 })
  pool.on('error', () => {})
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw new Error(
      `RAPPORT_TEST_PG_URL is set to ${url} but that server cannot be reached; refusing to fall back to PGlite`,
      { cause: error },
    )
  }
  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
  return backend('server', label, kysely, url)
}

/** The backend the environment asks for: the real server when `RAPPORT_TEST_PG_URL` is set, else PGlite. */
export async function openTestBackend(label: string): Promise<PgTestBackend> {
  const opened =
    PG_URL === undefined ? await openPgliteBackend(label) : await openServerBackend(label, PG_URL)
  const version = await sql<{ v: string }>`select version() as v`.execute(opened.kysely)
  console.info(`[storage-postgres] ${label}: running on ${opened.kind} (${version.rows[0]?.v.split(',')[0]})`)
  return opened
}

function backend(
  kind: PgTestBackend['kind'],
  label: string,
  kysely: Kysely<any>,
  url: string | undefined,
): PgTestBackend {
  const schemas = [schemaName(label)]
  return {
    kind,
    kysely,
    ...(url === undefined ? {} : { url }),
    schema: schemas[0]!,
    freshSchema(more) {
      const name = schemaName(`${label}_${more}`)
      schemas.push(name)
      return name
    },
    async dispose() {
      for (const name of schemas) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(kysely)
      await kysely.destroy()
    },
  }
}
