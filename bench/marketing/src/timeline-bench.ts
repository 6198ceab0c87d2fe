// A customer timeline page at 1M activities (issue 13: p95 ≤ 10 ms on SQLite), on SQLite or Postgres, against the
// physical limit: the raw driver reading the same page of the same contact's activities from the very tables
// `crm.migrate()` creates (record_link → activity by primary key, newest first, 21 rows), without validation,
// access, the other sources or record mapping. Rounds alternate which side goes first. Also times the key figures.
//
//   pnpm --filter @rapport/bench-marketing bench:timeline                          (SQLite)
//   BENCH_STORAGE=postgres RAPPORT_TEST_PG_URL=postgres://… pnpm --filter @rapport/bench-marketing bench:timeline
//   BENCH_ACTIVITIES=1000000 BENCH_CONTACTS=10000; BENCH_DB=/path keeps the seeded SQLite file for the next run.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Crm } from '@rapport/core'
import { createCrm } from '@rapport/core'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { RowSink } from './timeline-seed.ts'
import { lcg, seedTimeline } from './timeline-seed.ts'

const ENGINE = process.env['BENCH_STORAGE'] === 'postgres' ? 'postgres' : 'sqlite'
const ACTIVITIES = Number(process.env['BENCH_ACTIVITIES'] ?? 1_000_000)
const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 10_000)
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 400)
const PAGE = 20
const TENANT = 'ten_bench'

interface Engine {
  crm: Crm
  /** The raw driver's page of a contact's activities (ids, newest first). */
  rawPage(contactId: string): Promise<{ id: string }[]>
  contactIds(): Promise<string[]>
  close(): Promise<void>
}

async function openSqlite(): Promise<Engine & { seeded: boolean; sink: RowSink }> {
  const keep = process.env['BENCH_DB']
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'rapport-bench-timeline-'))
  const file = keep ?? join(dir as string, 'timeline.db')
  const existed = existsSync(file)
  const storage = createSqliteStorage({ file })
  const crm = createCrm({ storage, tenantId: TENANT })
  await crm.migrate()
  const db = new Database(file)
  const seeded =
    existed && (db.prepare(`select count(*) as n from activity`).get() as { n: number }).n >= ACTIVITIES
  const raw = db.prepare(
    `select a.* from record_link l
       join activity a on a.tenant_id = l.tenant_id and a.id = l.source_id
      where l.tenant_id = ? and l.target_type = 'contact' and l.target_id = ? and l.source_type = 'activity'
        and a.archived_at is null
      order by a.occurred_at desc, a.id desc
      limit ?`,
  )
  return {
    crm,
    seeded,
    sink: {
      async row(table, id) {
        return db.prepare(`select * from ${table} where id = ?`).get(id) as Record<string, unknown>
      },
      async insert(table, rows) {
        const cols = Object.keys(rows[0] as object)
        const stmt = db.prepare(
          `insert into ${table} (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`,
        )
        db.transaction(() => {
          for (const r of rows) stmt.run(...cols.map((c) => r[c]))
        })()
      },
      instant: (at) => at.getTime(),
    },
    rawPage: async (contactId) => raw.all(TENANT, contactId, PAGE + 1) as { id: string }[],
    async contactIds() {
      return (
        db.prepare(`select id from contact where tenant_id = ? order by id`).all(TENANT) as { id: string }[]
      ).map((r) => r.id)
    },
    async close() {
      db.close()
      await storage.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function openPostgres(): Promise<Engine & { seeded: boolean; sink: RowSink }> {
  const url = process.env['RAPPORT_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = process.env['BENCH_PG_SCHEMA'] ?? 'bench_timeline'
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  const storage = createPostgresStorage({ connectionString: url }, { schema })
  const crm = createCrm({ storage, tenantId: TENANT })
  await crm.migrate()
  const q = (table: string) => `"${schema}"."${table}"`
  const count = await pool.query(`select count(*)::int as n from ${q('activity')}`)
  const seeded = (count.rows[0] as { n: number }).n >= ACTIVITIES
  const encode = (v: unknown) =>
    v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v
  return {
    crm,
    seeded,
    sink: {
      async row(table, id) {
        return (await pool.query(`select * from ${q(table)} where id = $1`, [id])).rows[0] as Record<
          string,
          unknown
        >
      },
      async insert(table, rows) {
        const cols = Object.keys(rows[0] as object)
        const client = await pool.connect()
        try {
          await client.query('begin')
          for (let i = 0; i < rows.length; i += 1000) {
            const chunk = rows.slice(i, i + 1000)
            const values: unknown[] = []
            const tuples = chunk.map((r) => {
              const start = values.length
              for (const c of cols) values.push(encode(r[c]))
              return `(${cols.map((_, k) => `$${start + k + 1}`).join(', ')})`
            })
            await client.query(
              `insert into ${q(table)} (${cols.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`,
              values,
            )
          }
          await client.query('commit')
        } finally {
          client.release()
        }
      },
      instant: (at) => at,
    },
    async rawPage(contactId) {
      const result = await pool.query(
        `select a.* from ${q('record_link')} l
           join ${q('activity')} a on a.tenant_id = l.tenant_id and a.id = l.source_id
          where l.tenant_id = $1 and l.target_type = 'contact' and l.target_id = $2 and l.source_type = 'activity'
            and a.archived_at is null
          order by a.occurred_at desc, a.id desc
          limit $3`,
        [TENANT, contactId, PAGE + 1],
      )
      return result.rows as { id: string }[]
    },
    async contactIds() {
      const result = await pool.query(`select id from ${q('contact')} where tenant_id = $1 order by id`, [
        TENANT,
      ])
      return result.rows.map((r: { id: string }) => r.id)
    },
    async close() {
      await pool.end()
      await storage.close()
    },
  }
}

const engine = ENGINE === 'postgres' ? await openPostgres() : await openSqlite()
const { crm } = engine
const rand = lcg()
let seedSeconds: number | null = null
if (!engine.seeded) {
  const t0 = performance.now()
  await seedTimeline(crm, engine.sink, { activities: ACTIVITIES, contacts: CONTACTS }, rand)
  seedSeconds = (performance.now() - t0) / 1000
  console.info(`seeded ${ACTIVITIES} activities over ${CONTACTS} contacts in ${seedSeconds.toFixed(1)} s`)
}
const contactIds = await engine.contactIds()

// Seeded rows must be what the CRM itself writes: a sample reads back through validation and record mapping.
{
  const sample = await crm.activities.list({
    limit: 100,
    orderBy: [{ field: 'occurredAt', direction: 'desc' }],
  })
  if (sample.items.length !== 100 || sample.items.some((a) => a.targets.length !== 1)) {
    throw new Error('seeded activities do not read back')
  }
}

// What a deployment does at boot: migrate. On SQLite that ends with PRAGMA optimize (planner statistics for the
// grown tables); Postgres' autovacuum analyzes on its own, which ANALYZE stands in for here.
{
  const t = performance.now()
  await crm.migrate()
  if (ENGINE === 'postgres') {
    const schema = process.env['BENCH_PG_SCHEMA'] ?? 'bench_timeline'
    const pool = new pg.Pool({ connectionString: process.env['RAPPORT_TEST_PG_URL'], max: 1 })
    await pool.query(
      `analyze "${schema}"."activity"; analyze "${schema}"."record_link"; analyze "${schema}"."contact"`,
    )
    await pool.end()
  }
  console.info(`statistics: ${(performance.now() - t).toFixed(0)} ms`)
}

const sampleIds = Array.from(
  { length: SAMPLES },
  () => contactIds[Math.floor(rand() * contactIds.length)] as string,
)
// Both sides must read the same activities.
for (const id of sampleIds.slice(0, 20)) {
  const page = await crm.timeline.page({ type: 'contact', id }, { limit: PAGE })
  const mine = page.items.filter((i) => i.kind === 'activity').map((i) => i.id)
  const theirs = (await engine.rawPage(id)).slice(0, PAGE).map((r) => r.id)
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) throw new Error(`pages differ for ${id}`)
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}
const stats = (xs: number[]) =>
  xs.length === 0
    ? null
    : {
        p50: Number(percentile(xs, 50).toFixed(3)),
        p95: Number(percentile(xs, 95).toFixed(3)),
        p99: Number(percentile(xs, 99).toFixed(3)),
      }

const first: number[] = []
const second: number[] = []
const rawFirst: number[] = []
const filtered: number[] = []
const figures: number[] = []
for (let round = 0; round < 2; round++) {
  for (const [n, id] of sampleIds.entries()) {
    const rapportFirst = async () => {
      let t = performance.now()
      const page = await crm.timeline.page({ type: 'contact', id }, { limit: PAGE })
      if (round === 1) first.push(performance.now() - t)
      if (page.nextCursor) {
        t = performance.now()
        await crm.timeline.page({ type: 'contact', id }, { limit: PAGE, cursor: page.nextCursor })
        if (round === 1) second.push(performance.now() - t)
      }
      t = performance.now()
      await crm.timeline.page({ type: 'contact', id }, { limit: PAGE, kinds: ['activity'] })
      if (round === 1) filtered.push(performance.now() - t)
      t = performance.now()
      await crm.timeline.figures({ type: 'contact', id })
      if (round === 1) figures.push(performance.now() - t)
    }
    const baseline = async () => {
      const t = performance.now()
      await engine.rawPage(id)
      if (round === 1) rawFirst.push(performance.now() - t)
    }
    // Alternate which side goes first (page cache warmth).
    if (n % 2 === 0) {
      await rapportFirst()
      await baseline()
    } else {
      await baseline()
      await rapportFirst()
    }
  }
}

const result = {
  benchmark: 'marketing/timeline',
  engine: ENGINE,
  when: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  },
  activities: ACTIVITIES,
  contacts: CONTACTS,
  pageSize: PAGE,
  samples: SAMPLES,
  seedSeconds: seedSeconds === null ? 'reused' : Number(seedSeconds.toFixed(1)),
  target: 'timeline page p95 ≤ 10 ms on SQLite',
  timelineFirstPageMs: stats(first),
  timelineNextPageMs: stats(second),
  timelineActivityKindOnlyMs: stats(filtered),
  timelineFiguresMs: stats(figures),
  rawDriverActivityPageMs: stats(rawFirst),
  ratioP95: Number((percentile(first, 95) / percentile(rawFirst, 95)).toFixed(1)),
  ratioP50: Number((percentile(first, 50) / percentile(rawFirst, 50)).toFixed(1)),
  meetsTarget: percentile(first, 95) <= 10 && (second.length === 0 || percentile(second, 95) <= 10),
}
console.info(JSON.stringify(result, null, 2))
await engine.close()
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results')
mkdirSync(out, { recursive: true })
const suffix = `${ENGINE === 'postgres' ? '-postgres' : ''}${ACTIVITIES === 1_000_000 ? '' : `-${ACTIVITIES}`}`
writeFileSync(join(out, `marketing-timeline${suffix}.json`), `${JSON.stringify(result, null, 2)}\n`)
