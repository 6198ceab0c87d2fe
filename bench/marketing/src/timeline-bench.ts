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
import type { StorageAdapter } from '@rapport/core/storage'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { CompiledQuery } from 'kysely'
import pg from 'pg'
import type { RowSink } from './timeline-seed.ts'
import { lcg, seedTimeline } from './timeline-seed.ts'

/**
 * Every SQLite statement the process runs, while `capturing`: better-sqlite3's Statement methods are shared by every
 * connection, the CRM's included, so wrapping them counts what a page issues and keeps its SQL and parameters for
 * EXPLAIN QUERY PLAN.
 */
const captured: { sql: string; parameters: unknown[] }[] = []
let capturing = false
{
  const probe = new Database(':memory:')
  const statementMethods = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>
  probe.close()
  for (const method of ['all', 'get', 'run', 'iterate']) {
    const original = statementMethods[method] as (...args: unknown[]) => unknown
    statementMethods[method] = function (this: { source: string }, ...args: unknown[]) {
      if (capturing) captured.push({ sql: this.source, parameters: args.flat() })
      return original.apply(this, args)
    }
  }
}

const ENGINE = process.env['BENCH_STORAGE'] === 'postgres' ? 'postgres' : 'sqlite'
const ACTIVITIES = Number(process.env['BENCH_ACTIVITIES'] ?? 1_000_000)
const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 10_000)
const SAMPLES = Number(process.env['BENCH_SAMPLES'] ?? 400)
const PAGE = 20
const TENANT = 'ten_bench'

/** Storage reads issued (one SQL statement each on the SQL adapters), counted around a page. */
let storageReads = 0
function countingReads(storage: StorageAdapter, perSource = false): StorageAdapter {
  const READS = ['findMany', 'findById', 'findByIds', 'count', 'search', 'aggregate']
  const wrap = <T extends object>(ops: T): T => {
    const copy: Record<string, unknown> = { ...(ops as Record<string, unknown>) }
    for (const key of READS) {
      const fn = (ops as Record<string, unknown>)[key]
      if (typeof fn === 'function') {
        copy[key] = (...args: unknown[]) => {
          storageReads++
          return fn.apply(ops, args)
        }
      }
    }
    // Without newestKeys core runs newestKeysByScan, one findMany per source merged in memory (the memory adapter's
    // path): the same page, measured beside the merged read in the same run.
    if (perSource) delete copy['newestKeys']
    return copy as T
  }
  return { ...wrap(storage), transaction: (fn) => storage.transaction((tx) => fn(wrap(tx))) }
}

interface Engine {
  crm: Crm
  /** The same CRM on the same storage read source by source (no `newestKeys`). */
  perSource: Crm
  /** The raw driver's page of a contact's activities (ids, newest first). */
  rawPage(contactId: string): Promise<{ id: string }[]>
  /**
   * The same page as the raw driver reads it through the link index: the contact's links newest `source_at` first
   * (one range of record_link_by_target_at), each joined to its activity by primary key.
   */
  rawIndexPage(contactId: string): Promise<{ id: string }[]>
  /**
   * Dates links seeded before links carried `source_at` with their activity's `occurred_at`, as core writes them;
   * returns how many rows it dated.
   */
  dateLinks(): Promise<number>
  contactIds(): Promise<string[]>
  /**
   * The plan of a captured statement (SQLite: EXPLAIN QUERY PLAN) on the CRM's own connection, whose statistics are
   * the ones its queries use; one line per step.
   */
  plan?(sql: string, parameters: unknown[]): Promise<string[]>
  close(): Promise<void>
}

async function openSqlite(): Promise<Engine & { seeded: boolean; sink: RowSink }> {
  const keep = process.env['BENCH_DB']
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'rapport-bench-timeline-'))
  const file = keep ?? join(dir as string, 'timeline.db')
  const existed = existsSync(file)
  const storage = createSqliteStorage({ file })
  const crm = createCrm({ storage: countingReads(storage), tenantId: TENANT })
  const perSource = createCrm({ storage: countingReads(storage, true), tenantId: TENANT })
  await crm.migrate()
  const db = new Database(file)
  // The seed's random inserts into record_link's target index and the full-text index thrash SQLite's default 2 MB
  // page cache at 1M rows; a larger cache on the bench's own connection (not the CRM's) keeps seeding in minutes.
  db.pragma('cache_size = -262144')
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
  const rawIndex = db.prepare(
    `select a.* from record_link l
       join activity a on a.tenant_id = l.tenant_id and a.id = l.source_id
      where l.tenant_id = ? and l.target_type = 'contact' and l.target_id = ? and l.source_type = 'activity'
        and l.source_at is not null and a.archived_at is null
      order by l.source_at desc, l.source_id desc
      limit ?`,
  )
  return {
    crm,
    perSource,
    seeded,
    rawIndexPage: async (contactId) => rawIndex.all(TENANT, contactId, PAGE + 1) as { id: string }[],
    async dateLinks() {
      return db
        .prepare(
          `update record_link set source_at = (select a.occurred_at from activity a
              where a.tenant_id = record_link.tenant_id and a.id = record_link.source_id)
            where source_type = 'activity' and source_at is null`,
        )
        .run().changes
    },
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
    async plan(sql, parameters) {
      const result = await storage.kysely.executeQuery(
        CompiledQuery.raw(`explain query plan ${sql}`, parameters),
      )
      return (result.rows as { detail: string }[]).map((r) => r.detail)
    },
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
  const crm = createCrm({ storage: countingReads(storage), tenantId: TENANT })
  const perSource = createCrm({ storage: countingReads(storage, true), tenantId: TENANT })
  await crm.migrate()
  const q = (table: string) => `"${schema}"."${table}"`
  const count = await pool.query(`select count(*)::int as n from ${q('activity')}`)
  const seeded = (count.rows[0] as { n: number }).n >= ACTIVITIES
  const encode = (v: unknown) =>
    v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v
  return {
    crm,
    perSource,
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
    async rawIndexPage(contactId) {
      const result = await pool.query(
        `select a.* from ${q('record_link')} l
           join ${q('activity')} a on a.tenant_id = l.tenant_id and a.id = l.source_id
          where l.tenant_id = $1 and l.target_type = 'contact' and l.target_id = $2 and l.source_type = 'activity'
            and l.source_at is not null and a.archived_at is null
          order by l.source_at desc, l.source_id desc
          limit $3`,
        [TENANT, contactId, PAGE + 1],
      )
      return result.rows as { id: string }[]
    },
    async dateLinks() {
      const result = await pool.query(
        `update ${q('record_link')} l set source_at = a.occurred_at from ${q('activity')} a
          where a.tenant_id = l.tenant_id and a.id = l.source_id and l.source_type = 'activity'
            and l.source_at is null`,
      )
      return result.rowCount ?? 0
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
{
  const dated = await engine.dateLinks()
  if (dated > 0) console.info(`dated ${dated} links seeded before links carried source_at`)
}

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
  const throughIndex = (await engine.rawIndexPage(id)).slice(0, PAGE).map((r) => r.id)
  if (JSON.stringify(throughIndex) !== JSON.stringify(theirs)) throw new Error(`index page differs for ${id}`)
  const bySource = await engine.perSource.timeline.page({ type: 'contact', id }, { limit: PAGE })
  if (JSON.stringify(bySource.items.map((i) => i.id)) !== JSON.stringify(page.items.map((i) => i.id))) {
    throw new Error(`merged and per-source pages differ for ${id}`)
  }
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

// One probe page: how many storage reads (SQL statements) a page issues, and on SQLite each statement's plan.
const probeId = sampleIds[0] as string
const readsOf = async (read: () => Promise<unknown>) => {
  storageReads = 0
  await read()
  return storageReads
}
const probe = await crm.timeline.page({ type: 'contact', id: probeId }, { limit: PAGE })
captured.length = 0
capturing = true
const firstPageReads = await readsOf(() =>
  crm.timeline.page({ type: 'contact', id: probeId }, { limit: PAGE }),
)
capturing = false
const statements: { sql: string; plan: string[] | null }[] = []
for (const c of [...captured]) {
  statements.push({ sql: c.sql, plan: engine.plan ? await engine.plan(c.sql, c.parameters) : null })
}
const nextPageReads = probe.nextCursor
  ? await readsOf(() =>
      crm.timeline.page({ type: 'contact', id: probeId }, { limit: PAGE, cursor: probe.nextCursor }),
    )
  : null

/** Wall and CPU time (user + system of this process) of one call, in ms. */
interface Timing {
  readonly wall: number[]
  readonly cpu: number[]
}
const timing = (): Timing => ({ wall: [], cpu: [] })
async function timed(into: Timing, record: boolean, run: () => Promise<unknown>) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const value = await run()
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (record) {
    into.wall.push(wall)
    into.cpu.push((cpu.user + cpu.system) / 1000)
  }
  return value
}

const first = timing()
const firstPerSource = timing()
const second = timing()
const rawFirst = timing()
const rawIndexFirst = timing()
const filtered = timing()
const figures = timing()
const loadBefore = loadavg().map((l) => Number(l.toFixed(2)))
for (let round = 0; round < 2; round++) {
  const record = round === 1
  for (const [n, id] of sampleIds.entries()) {
    const rapportFirst = async () => {
      // The merged and the per-source read of the same first page take turns going first (page cache warmth).
      const perSourcePage = () =>
        timed(firstPerSource, record, () =>
          engine.perSource.timeline.page({ type: 'contact', id }, { limit: PAGE }),
        )
      if (n % 4 >= 2) await perSourcePage()
      const page = (await timed(first, record, () =>
        crm.timeline.page({ type: 'contact', id }, { limit: PAGE }),
      )) as { nextCursor: string | null }
      if (n % 4 < 2) await perSourcePage()
      if (page.nextCursor) {
        const cursor = page.nextCursor
        await timed(second, record, () => crm.timeline.page({ type: 'contact', id }, { limit: PAGE, cursor }))
      }
      await timed(filtered, record, () =>
        crm.timeline.page({ type: 'contact', id }, { limit: PAGE, kinds: ['activity'] }),
      )
      await timed(figures, record, () => crm.timeline.figures({ type: 'contact', id }))
    }
    const baseline = async () => {
      await timed(rawFirst, record, () => engine.rawPage(id))
      await timed(rawIndexFirst, record, () => engine.rawIndexPage(id))
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

const both = (t: Timing) => (t.wall.length === 0 ? null : { wall: stats(t.wall), cpu: stats(t.cpu) })
const ratio = (a: number[], b: number[], p: number) =>
  Number((percentile(a, p) / percentile(b, p)).toFixed(1))
const result = {
  benchmark: 'marketing/timeline',
  engine: ENGINE,
  when: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavgBefore: loadBefore,
    loadavgAfter: loadavg().map((l) => Number(l.toFixed(2))),
  },
  activities: ACTIVITIES,
  contacts: CONTACTS,
  pageSize: PAGE,
  samples: SAMPLES,
  seedSeconds: seedSeconds === null ? 'reused' : Number(seedSeconds.toFixed(1)),
  target: 'timeline page p95 ≤ 10 ms on SQLite',
  note: 'wall and CPU (user + system of this process) per call in ms; CPU is what load does not inflate',
  timelineFirstPageMs: both(first),
  timelineFirstPagePerSourceMs: both(firstPerSource),
  timelineNextPageMs: both(second),
  timelineActivityKindOnlyMs: both(filtered),
  timelineFiguresMs: both(figures),
  rawDriverActivityPageMs: both(rawFirst),
  rawDriverActivityPageThroughLinkIndexMs: both(rawIndexFirst),
  ratio: {
    wallP50: ratio(first.wall, rawFirst.wall, 50),
    wallP95: ratio(first.wall, rawFirst.wall, 95),
    cpuP50: ratio(first.cpu, rawFirst.cpu, 50),
    cpuP95: ratio(first.cpu, rawFirst.cpu, 95),
  },
  ratioToLinkIndexRaw: {
    wallP50: ratio(first.wall, rawIndexFirst.wall, 50),
    wallP95: ratio(first.wall, rawIndexFirst.wall, 95),
    cpuP50: ratio(first.cpu, rawIndexFirst.cpu, 50),
    cpuP95: ratio(first.cpu, rawIndexFirst.cpu, 95),
  },
  storageReadsPerPage: { first: firstPageReads, next: nextPageReads },
  statements: ENGINE === 'sqlite' ? statements : 'not captured on Postgres',
  meetsTarget:
    percentile(first.wall, 95) <= 10 && (second.wall.length === 0 || percentile(second.wall, 95) <= 10),
}
console.info(JSON.stringify(result, null, 2))
await engine.close()
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results')
mkdirSync(out, { recursive: true })
// One file per engine, replaced by each run; `activities` inside says how many rows the run had.
const suffix = ENGINE === 'postgres' ? '-postgres' : ''
writeFileSync(join(out, `marketing-timeline${suffix}.json`), `${JSON.stringify(result, null, 2)}\n`)
