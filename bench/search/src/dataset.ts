// Builds the benchmark's contacts once and reuses them: a SQLite file under bench/search/.data/ and a Postgres schema
// `bench_search_<size>`. Tables come from crm.migrate(); rows are written raw (1M through createMany takes too long on
// a shared 2-core machine) but computed with core's own pieces: the contact entity's derived columns and
// searchDocument(), then checked against a row crm.contacts.create() writes for the same input.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import { contactEntity } from '@rapport/core/entities'
import { searchDocument } from '@rapport/core/search'
import type { StorageAdapter } from '@rapport/core/storage'
import type { PostgresStorage, PostgresStorageOptions } from '@rapport/storage-postgres'
import { createPostgresStorage } from '@rapport/storage-postgres'
import type { SqliteStorage } from '@rapport/storage-sqlite'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import type { ContactInput } from './corpus.ts'
import { contactAt } from './corpus.ts'

export const TENANT = 'bench'
const BATCH = 5000

/** Where the SQLite dataset of `size` contacts lives. */
export function sqliteFile(size: number): string {
  const dir = fileURLToPath(new URL('../.data/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  return `${dir}contacts-${size}.sqlite`
}

/** The Postgres schema of the dataset of `size` contacts. */
export const pgSchema = (size: number) => `bench_search_${size}`

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** The stored fields of the `i`-th contact, as Rapport computes them (defaults, derived columns, search document). */
export function contactFields(input: ContactInput, id: string, at: Date): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id,
    tenantId: TENANT,
    createdAt: at,
    updatedAt: at,
    version: 1,
    archivedAt: null,
    prefix: null,
    firstName: input.firstName,
    middleName: null,
    lastName: input.lastName,
    suffix: null,
    emails: input.emails,
    phones: input.phones,
    title: input.title,
    companyId: null,
    ownerId: null,
    lifecycleStage: 'lead',
    status: 'active',
    source: null,
    address: null,
    tags: [],
    custom: {},
  }
  const row = { ...record, ...contactEntity.derived!.compute(record) }
  return { ...row, ...searchDocument(contactEntity as never, row as never) }
}

const idOf = (i: number) => `con_bench${i.toString(36).padStart(8, '0')}`
const AT = new Date(Date.UTC(2026, 0, 1))

/** Checks the raw rows against what crm.contacts.create() stores for the same input (then removes that contact). */
async function verify(storage: StorageAdapter, read: (id: string) => Promise<Record<string, unknown>>) {
  const crm = createCrm({ storage, tenantId: 'verify' })
  const created = await crm.contacts.create(contactAt(7))
  const stored = await read(created.id)
  const expected = contactFields(contactAt(7), created.id, created.createdAt)
  for (const field of ['primaryEmail', 'searchTerms', 'searchKeys']) {
    if (stored[snake(field)] !== expected[field]) {
      throw new Error(`raw ${field} differs from Rapport's: ${stored[snake(field)]} vs ${expected[field]}`)
    }
  }
  await crm.contacts.delete(created.id)
}

/** Opens (building if needed) the SQLite dataset. */
export async function sqliteDataset(size: number): Promise<SqliteStorage> {
  const file = sqliteFile(size)
  const fresh = !existsSync(file)
  const storage = createSqliteStorage({ file })
  try {
    const crm = createCrm({ storage, tenantId: TENANT })
    await crm.migrate()
    const have = await crm.contacts.count()
    if (have === size) return storage
    // Batches commit one by one and ids follow the generator, so an interrupted build resumes where it stopped.
    if (have > size || have % BATCH !== 0)
      throw new Error(`sqlite: ${have} of ${size} contacts; delete ${file}`)
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    // A rebuildable cache: no fsync per batch. The search index triggers are lifted for the load and their
    // tables filled by one statement each afterwards (row by row they cost ~1 ms a row on a loaded machine).
    db.pragma('synchronous = OFF')
    const lifted = db
      .prepare(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'contact' and name in ('contact_search_ai', 'contact_search_key_ai')",
      )
      .all() as { name: string; sql: string }[]
    for (const trigger of lifted) db.exec(`drop trigger "${trigger.name}"`)
    const columns = (db.prepare('pragma table_info(contact)').all() as { name: string }[]).map((c) => c.name)
    const insert = db.prepare(
      `insert into contact (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    )
    const encode = (value: unknown) =>
      value instanceof Date
        ? value.getTime()
        : value !== null && typeof value === 'object'
          ? JSON.stringify(value)
          : value
    const started = Date.now()
    for (let from = have; from < size; from += BATCH) {
      db.transaction(() => {
        for (let i = from; i < Math.min(size, from + BATCH); i++) {
          const fields = contactFields(contactAt(i), idOf(i), AT)
          const byColumn = new Map(Object.entries(fields).map(([k, v]) => [snake(k), v]))
          insert.run(columns.map((c) => encode(byColumn.get(c) ?? null)))
        }
      })()
      if ((from / BATCH) % 20 === 0)
        console.log(`  sqlite: ${from + BATCH}/${size} in ${(Date.now() - started) / 1000}s`)
    }
    if (lifted.length > 0) {
      console.log('  sqlite: filling the search tables…')
      db.transaction(() => {
        db.exec(`insert into contact_search(contact_search) values ('delete-all')`)
        db.exec('delete from contact_search_key')
        db.exec(
          'insert into contact_search (rowid, terms) select rowid, search_terms from contact where search_terms is not null',
        )
        // The key trigger's own statement, over every row instead of `new`.
        const keys = lifted.find((t) => t.name === 'contact_search_key_ai')!.sql
        const body = keys.slice(keys.indexOf(' begin ') + 7, keys.lastIndexOf('; end'))
        db.exec(body.replaceAll('new.', 't.').replace(' from json_each(', ' from contact as t, json_each('))
        for (const trigger of lifted) db.exec(trigger.sql)
      })()
    }
    db.exec('analyze')
    db.close()
    await verify(storage, async (id) => {
      const r = await sql<Record<string, unknown>>`select * from contact where id = ${id}`.execute(
        storage.kysely,
      )
      return r.rows[0]!
    })
    return storage
  } catch (error) {
    await storage.close()
    if (fresh) rmSync(file, { force: true })
    throw error
  }
}

/** Opens (building if needed) the Postgres dataset. */
export async function postgresDataset(
  url: string,
  size: number,
  log?: PostgresStorageOptions['log'],
): Promise<PostgresStorage> {
  const schema = pgSchema(size)
  const storage = createPostgresStorage({ connectionString: url }, { schema, ...(log ? { log } : {}) })
  const crm = createCrm({ storage, tenantId: TENANT })
  await crm.migrate()
  const have = await crm.contacts.count()
  if (have === size) return storage
  // Batches commit one by one and ids follow the generator, so an interrupted build resumes where it stopped.
  if (have > size || have % BATCH !== 0)
    throw new Error(`postgres: ${have} of ${size} contacts; drop schema ${schema}`)
  const db = storage.kysely
  const info = await sql<{ column_name: string; udt_name: string }>`
    select column_name, udt_name from information_schema.columns
    where table_schema = ${schema} and table_name = 'contact' order by ordinal_position`.execute(db)
  const columns = info.rows
  const index = await sql<{ def: string }>`
    select indexdef as def from pg_indexes where schemaname = ${schema} and indexname = 'contact_search'`.execute(
    db,
  )
  // The search index is built once after the load (the migration's own definition), not row by row.
  const indexDef =
    index.rows[0]?.def ??
    `CREATE INDEX contact_search ON "${schema}".contact USING gin (array_to_tsvector(string_to_array(btrim(search_terms), ' '::text)))`
  await sql`drop index if exists ${sql.table(`${schema}.contact_search`)}`.execute(db)
  const started = Date.now()
  for (let from = have; from < size; from += BATCH) {
    const arrays: unknown[][] = columns.map(() => [])
    for (let i = from; i < Math.min(size, from + BATCH); i++) {
      const fields = contactFields(contactAt(i), idOf(i), AT)
      const byColumn = new Map(Object.entries(fields).map(([k, v]) => [snake(k), v]))
      columns.forEach((c, k) => {
        const value = byColumn.get(c.column_name) ?? null
        arrays[k]!.push(
          value instanceof Date
            ? value.toISOString()
            : value !== null && typeof value === 'object'
              ? JSON.stringify(value)
              : value,
        )
      })
    }
    const casts = columns.map((c, k) => sql`${sql.val(arrays[k])}::${sql.raw(c.udt_name)}[]`)
    await sql`insert into ${sql.table(`${schema}.contact`)} (${sql.join(columns.map((c) => sql.id(c.column_name)))}) select * from unnest(${sql.join(casts)})`.execute(
      db,
    )
    if ((from / BATCH) % 20 === 0)
      console.log(`  postgres: ${from + BATCH}/${size} in ${(Date.now() - started) / 1000}s`)
  }
  console.log('  postgres: building the GIN index…')
  await sql.raw(indexDef).execute(db)
  await sql`analyze ${sql.table(`${schema}.contact`)}`.execute(db)
  await verify(storage, async (id) => {
    const r = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(`${schema}.contact`)} where id = ${id}`.execute(db)
    return r.rows[0]!
  })
  return storage
}
