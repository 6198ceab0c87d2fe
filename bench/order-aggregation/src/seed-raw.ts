// Seeds N orders into the very `orders` table `crm.migrate()` creates, through the raw driver (no validation, no
// storage port): SQLite with one prepared INSERT in transactions of 100k rows, its secondary indexes dropped during
// the load and re-created from their own DDL afterwards; Postgres with `INSERT … SELECT FROM unnest(arrays)` in
// chunks. The rows are the ones the storage-port seed writes (same generator), so results do not depend on how the
// table was filled; 10M rows through the port would take the better part of an hour on the shared machine.
import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'

/** The order every seeder writes at index `i`: deterministic (xorshift), the same sequence as the port seed. */
export function orderGenerator(customers: number, asOf: Date) {
  let x = 2463534242
  const rnd = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  return (i: number) => {
    const c = Math.floor(rnd() * customers)
    const occurredAt = asOf.getTime() - Math.floor(rnd() * 730 * 86_400_000)
    const amountMinor = 100 + Math.floor(rnd() * 20_000)
    const status = rnd() < 0.9 ? 'completed' : 'refunded'
    return {
      id: `ord_${String(i).padStart(10, '0')}`,
      customerId: `con_${String(c).padStart(8, '0')}`,
      occurredAt,
      amountMinor,
      status,
    }
  }
}

/** Fills a fresh SQLite file with `orders` rows; returns the milliseconds spent. */
export async function seedSqliteRaw(
  file: string,
  orders: number,
  customers: number,
  tenant: string,
  asOf: Date,
): Promise<number> {
  const started = Date.now()
  const crm = createCrm({ storage: createSqliteStorage({ file }), tenantId: tenant })
  await crm.migrate()
  await crm.close()
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const indexes = db
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and tbl_name = 'orders' and sql is not null`,
    )
    .all() as { name: string; sql: string }[]
  for (const index of indexes) db.exec(`drop index "${index.name}"`)
  const insert = db.prepare(
    `insert into orders (id, tenant_id, created_at, updated_at, version, archived_at, customer_type, customer_id,
       occurred_at, amount_minor, amount_currency, status, lines, external_id, custom)
     values (?, ?, ?, ?, 1, null, 'contact', ?, ?, ?, 'EUR', ?, null, null, '{}')`,
  )
  const next = orderGenerator(customers, asOf)
  const now = Date.now()
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const o = next(i)
      insert.run(o.id, tenant, now, now, o.customerId, o.occurredAt, o.amountMinor, o.status)
    }
  })
  for (let from = 0; from < orders; from += 100_000) chunk(from, Math.min(orders, from + 100_000))
  for (const index of indexes) db.exec(index.sql)
  db.exec('analyze')
  db.close()
  return Date.now() - started
}

/** Fills a fresh Postgres schema with `orders` rows; returns the milliseconds spent. */
export async function seedPostgresRaw(
  url: string,
  schema: string,
  orders: number,
  customers: number,
  tenant: string,
  asOf: Date,
): Promise<number> {
  const started = Date.now()
  const crm = createCrm({
    storage: createPostgresStorage({ connectionString: url }, { schema }),
    tenantId: tenant,
  })
  await crm.migrate()
  await crm.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`set search_path to "${schema}"`)
    const next = orderGenerator(customers, asOf)
    const now = new Date()
    for (let from = 0; from < orders; from += 50_000) {
      const to = Math.min(orders, from + 50_000)
      const ids: string[] = []
      const customerIds: string[] = []
      const at: Date[] = []
      const amounts: number[] = []
      const statuses: string[] = []
      for (let i = from; i < to; i++) {
        const o = next(i)
        ids.push(o.id)
        customerIds.push(o.customerId)
        at.push(new Date(o.occurredAt))
        amounts.push(o.amountMinor)
        statuses.push(o.status)
      }
      await client.query(
        `insert into orders (id, tenant_id, created_at, updated_at, version, archived_at, customer_type, customer_id,
           occurred_at, amount_minor, amount_currency, status, lines, external_id, custom)
         select id, $1, $2, $2, 1, null, 'contact', cid, at, amt, 'EUR', st, null, null, '{}'::jsonb
         from unnest($3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::text[]) as t(id, cid, at, amt, st)`,
        [tenant, now, ids, customerIds, at, amounts, statuses],
      )
    }
    await client.query('analyze orders')
  } finally {
    await client.end()
  }
  return Date.now() - started
}

// `node … src/seed-raw.ts sqlite <file> <orders>` / `… postgres <schema> <orders>`: seeds a dataset to reuse with
// BENCH_DB / BENCH_PG_SCHEMA (customers = orders / 20, as the bench).
if (process.argv[1]?.endsWith('seed-raw.ts') && process.argv[2]) {
  const [engine, where, count] = process.argv.slice(2) as [string, string, string]
  const orders = Number(count)
  const asOf = new Date(Date.UTC(2026, 0, 1))
  const customers = Math.max(10, Math.round(orders / 20))
  const url = process.env['RAPPORT_BENCH_PG_URL'] ?? process.env['RAPPORT_TEST_PG_URL'] ?? ''
  const ms =
    engine === 'sqlite'
      ? await seedSqliteRaw(where, orders, customers, 'bench', asOf)
      : await seedPostgresRaw(url, where, orders, customers, 'bench', asOf)
  console.log(`${engine}: seeded ${orders} orders into ${where} in ${ms} ms`)
}
