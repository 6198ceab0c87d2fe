// SQLite: crm.contacts paths against better-sqlite3 on the same file (WAL, synchronous=NORMAL, as the storage opens
// it) and the very table crm.migrate() created, with its indexes and FTS triggers.
import { join } from 'node:path'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import {
  assertSameRecord,
  CONTACT_COLUMNS,
  contactInput,
  contactValues,
  OWNERS,
  RECORD_COLUMNS,
  rawId,
  sqliteContact,
  TENANT,
} from './contact-rows.ts'
import type { Comparison } from './harness.ts'
import { compare } from './harness.ts'
import type { Sizes } from './sizes.ts'
import { selected } from './sizes.ts'

export async function sqlitePaths(dir: string, sizes: Sizes) {
  const file = join(dir, `limits.db`)
  const crm = createCrm({ storage: createSqliteStorage({ file }) }) as Crm
  await crm.migrate()
  for (let i = 0; i < sizes.seed; i += 1000) {
    await crm.contacts.createMany(
      Array.from({ length: Math.min(1000, sizes.seed - i) }, (_, k) => contactInput(i + k, 'seed')),
    )
  }
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  const ids = (db.prepare('select id from contact where tenant_id = ?').all(TENANT) as { id: string }[]).map(
    (r) => r.id,
  )
  {
    // The raw writer must produce the very row the service writes (defaults, derived and search columns).
    const stored = db.prepare('select * from contact where first_name = ?').get('First0') as Record<
      string,
      unknown
    >
    const values = contactValues(contactInput(0, 'seed'), String(stored['id']), stored['created_at'])
    CONTACT_COLUMNS.forEach((column, i) => {
      if (column === 'created_at' || column === 'updated_at') return
      if (JSON.stringify(stored[column]) !== JSON.stringify(values[i]))
        throw new Error(`raw writer differs on ${column}: ${String(stored[column])} vs ${String(values[i])}`)
    })
  }
  const results: Comparison[] = []

  // get by id
  // The raw side selects the record's columns, as the service does (it reads no column the record does not show).
  const get = db.prepare(`select ${RECORD_COLUMNS.join(', ')} from contact where tenant_id = ? and id = ?`)
  assertSameRecord(await crm.contacts.get(ids[0]!), sqliteContact(get.get(TENANT, ids[0]) as never))
  let g = 0
  if (selected('get'))
    results.push(
      await compare({
        path: 'crm.contacts.get(id)',
        baseline: 'prepared .get(tenant, id) + hand-written row mapper',
        target: 0.8,
        ops: sizes.gets,
        rounds: sizes.rounds,
        rapport: {
          async run(ops) {
            for (let i = 0; i < ops; i++) await crm.contacts.get(ids[g++ % ids.length]!)
          },
        },
        raw: {
          run(ops) {
            for (let i = 0; i < ops; i++) {
              const row = get.get(TENANT, ids[g++ % ids.length]!)
              if (!row) throw new Error('missing')
              sqliteContact(row as Record<string, unknown>)
            }
          },
        },
      }),
    )

  // a page of 50 by owner, newest first: the SQL the service runs (it reads one row more to know if more follow)
  const page = db.prepare(
    `select ${RECORD_COLUMNS.join(', ')} from contact where tenant_id = ? and owner_id = ? and archived_at is null order by updated_at desc, id desc limit 51`,
  )
  const listOptions = (owner: number) => ({
    where: { field: 'ownerId', op: 'eq', value: `usr_${owner % OWNERS}` } as const,
    orderBy: [{ field: 'updatedAt', direction: 'desc' } as const],
    limit: 50,
  })
  {
    const a = await crm.contacts.list(listOptions(3))
    const b = (page.all(TENANT, 'usr_3') as Record<string, unknown>[]).slice(0, 50).map(sqliteContact)
    assertSameRecord(a.items, b)
  }
  let l = 0
  if (selected('list'))
    results.push(
      await compare({
        path: 'crm.contacts.list (50 by owner, newest first)',
        baseline: 'the same SQL, prepared .all() + hand-written row mapper',
        target: 0.7,
        ops: sizes.pages,
        rounds: sizes.rounds,
        rapport: {
          async run(ops) {
            for (let i = 0; i < ops; i++) await crm.contacts.list(listOptions(l++))
          },
        },
        raw: {
          run(ops) {
            for (let i = 0; i < ops; i++) {
              const rows = page.all(TENANT, `usr_${l++ % OWNERS}`) as Record<string, unknown>[]
              const n = Math.min(50, rows.length)
              const items = new Array(n)
              for (let k = 0; k < n; k++) items[k] = sqliteContact(rows[k]!)
            }
          },
        },
      }),
    )

  // createMany in batches of 1,000 (ops are rows)
  const insert = db.prepare(
    `insert into contact (${CONTACT_COLUMNS.join(', ')}) values (${CONTACT_COLUMNS.map(() => '?').join(', ')})`,
  )
  // Multi-row INSERTs (the fastest way better-sqlite3 writes many rows), statements prepared once per row count.
  const multi = new Map<number, Database.Statement>()
  const insertRows = (rows: unknown[][]) => {
    let statement = multi.get(rows.length)
    if (!statement) {
      const tuple = `(${CONTACT_COLUMNS.map(() => '?').join(', ')})`
      statement = db.prepare(
        `insert into contact (${CONTACT_COLUMNS.join(', ')}) values ${Array.from({ length: rows.length }, () => tuple).join(', ')}`,
      )
      multi.set(rows.length, statement)
    }
    statement.run(rows.flat())
  }
  const insertBatch = db.transaction((rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 500) insertRows(rows.slice(i, i + 500))
  })
  let w = sizes.seed
  const batch = 1000
  if (selected('createMany'))
    results.push(
      await compare({
        path: 'crm.contacts.createMany (batches of 1,000; rows/s)',
        baseline: 'one transaction per batch, prepared multi-row INSERTs of 500 rows, no validation',
        target: 0.8,
        ops: sizes.bulkRows,
        rounds: sizes.rounds,
        warmup: batch,
        rapport: {
          async run(ops) {
            for (let done = 0; done < ops; done += batch) {
              const n = Math.min(batch, ops - done)
              await crm.contacts.createMany(Array.from({ length: n }, () => contactInput(w++)))
            }
          },
        },
        raw: {
          run(ops) {
            for (let done = 0; done < ops; done += batch) {
              const n = Math.min(batch, ops - done)
              const now = Date.now()
              insertBatch(Array.from({ length: n }, () => contactValues(contactInput(w++), rawId(now), now)))
            }
          },
        },
      }),
    )

  // single create, each its own transaction
  const begin = db.prepare('begin immediate')
  const commit = db.prepare('commit')
  if (selected('create'))
    results.push(
      await compare({
        path: 'crm.contacts.create (each its own transaction)',
        baseline: 'BEGIN IMMEDIATE; prepared INSERT; COMMIT on the WAL file',
        target: 0.7,
        ops: sizes.creates,
        rounds: sizes.rounds,
        rapport: {
          async run(ops) {
            for (let i = 0; i < ops; i++) await crm.contacts.create(contactInput(w++))
          },
        },
        raw: {
          run(ops) {
            for (let i = 0; i < ops; i++) {
              const now = Date.now()
              begin.run()
              insert.run(contactValues(contactInput(w++), rawId(now), now))
              commit.run()
            }
          },
        },
      }),
    )
  db.close()
  await crm.close()
  return results
}
