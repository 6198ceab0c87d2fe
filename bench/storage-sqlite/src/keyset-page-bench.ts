// The keyset-page benchmark: a page of 50 deals by owner, newest first, at 1M deals (p95 and the query plan).
import type { StorageFilter, StorageRow } from '@rapport/core/storage'
import { cachedStatements, createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { migratedFile, openRaw } from './bench-files.ts'
import { benchSchema, dealModel, OWNERS, STAGES, TENANT } from './bench-models.ts'
import { percentile, rng, round, time } from './measure.ts'

const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const PAGES = Number(process.env['BENCH_PAGES'] ?? 1_000)
const log = (...args: unknown[]) => console.log(...args)

/** Seeds the deals and times keyset pages through the storage against the same SQL on the raw driver. */
export async function benchPage() {
  // Seed into the bare table, then let the storage's additive migration build the indexes and the FTS index over
  // the existing rows (bulk builds are far faster than 1M incremental index updates).
  const bare = {
    ...benchSchema,
    models: { ...benchSchema.models, deal: { ...dealModel, indexes: [], searchFields: [] } },
  }
  const file = await migratedFile('deals.db', bare)
  const raw = openRaw(file)
  const r = rng(3)
  const insert = raw.prepare(
    `insert into deal (id, tenant_id, created_at, updated_at, version, name, owner_id, pipeline_id, stage_id,
       amount_minor, amount_currency) values (?, ?, ?, ?, 1, ?, ?, 'pip_1', ?, ?, 'EUR')`,
  )
  const start = Date.parse('2024-01-01T00:00:00.000Z')
  const span = 2 * 365 * 86_400_000
  const seed = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const updated = start + Math.floor(r() * span)
      insert.run(
        `deal_${String(i).padStart(8, '0')}`,
        TENANT,
        updated - 86_400_000,
        updated,
        `Deal ${i}`,
        `usr_${Math.floor(r() * OWNERS)}`,
        STAGES[Math.floor(r() * STAGES.length)]!,
        Math.floor(r() * 10_000_000),
      )
    }
  })
  const seedMs = await time(() => {
    for (let from = 0; from < DEALS; from += 100_000) seed(from, Math.min(DEALS, from + 100_000))
  })
  const indexMs = await time(async () => {
    const storage = createSqliteStorage({ file })
    await storage.migrations.apply(benchSchema)
    await storage.close()
  })
  raw.exec('analyze')
  log(
    `  seeded ${DEALS} deals in ${round(seedMs / 1000, 1)} s, indexed (migration) in ${round(indexMs / 1000, 1)} s`,
  )

  // The SDK storage on the same file; a logging Kysely instance captures the SQL it generates for EXPLAIN.
  let lastQuery: { sql: string; parameters: readonly unknown[] } | undefined
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  const kysely = new Kysely<any>({
    dialect: new SqliteDialect({ database: cachedStatements(db) }),
    log: (event) => {
      if (event.level === 'query') lastQuery = event.query
    },
  })
  const storage = createSqliteStorage({ kysely })
  const scope = { model: dealModel, schema: benchSchema, tenantId: TENANT }
  const q = rng(4)
  const ref = (field: string, type: 'string' | 'integer' | 'datetime') => ({ field, type })
  const pageFilter = (owner: string, stage: string, lo: number): StorageFilter => ({
    kind: 'and',
    filters: [
      { kind: 'compare', ref: ref('ownerId', 'string'), op: 'eq', value: owner },
      { kind: 'compare', ref: ref('stageId', 'string'), op: 'eq', value: stage },
      { kind: 'compare', ref: ref('amountMinor', 'integer'), op: 'gte', value: lo },
      { kind: 'compare', ref: ref('amountMinor', 'integer'), op: 'lte', value: lo + 5_000_000 },
    ],
  })
  const orderBy = [
    { ref: ref('updatedAt', 'datetime'), direction: 'desc' as const },
    { ref: ref('id', 'string'), direction: 'desc' as const },
  ]
  /** Core's keyset continuation after `last`: (updatedAt < v) or (updatedAt = v and id < last.id). */
  const after = (last: StorageRow): StorageFilter => ({
    kind: 'or',
    filters: [
      { kind: 'compare', ref: ref('updatedAt', 'datetime'), op: 'lt', value: last['updatedAt']! },
      {
        kind: 'and',
        filters: [
          { kind: 'compare', ref: ref('updatedAt', 'datetime'), op: 'eq', value: last['updatedAt']! },
          { kind: 'compare', ref: ref('id', 'string'), op: 'lt', value: last['id']! },
        ],
      },
    ],
  })
  const samples: number[] = []
  const cpuSamples: number[] = []
  /** Wall time and this process's CPU time of one call: on a loaded machine the difference is preemption. */
  const measure = async (fn: () => Promise<unknown>) => {
    const cpu = process.cpuUsage()
    const wall = await time(fn)
    const used = process.cpuUsage(cpu)
    return { wall, cpu: (used.user + used.system) / 1000 }
  }
  let plan: string[] = []
  let rows = 0
  for (let i = 0; i < PAGES / 2 + 20; i++) {
    const where = pageFilter(
      `usr_${Math.floor(q() * OWNERS)}`,
      STAGES[Math.floor(q() * STAGES.length)]!,
      Math.floor(q() * 5_000_000),
    )
    let page: StorageRow[] = []
    const first = await measure(async () => {
      page = await storage.findMany({ ...scope, where, orderBy, limit: 50 })
    })
    if (i === 0) {
      plan = (
        raw.prepare(`explain query plan ${lastQuery!.sql}`).all(...lastQuery!.parameters) as {
          detail: string
        }[]
      ).map((p) => p.detail)
    }
    const last = page[page.length - 1]
    let second: { wall: number; cpu: number } | undefined
    if (last) {
      second = await measure(async () => {
        const next = await storage.findMany({
          ...scope,
          where: { kind: 'and', filters: [where, after(last)] },
          orderBy,
          limit: 50,
        })
        rows += next.length
      })
    }
    rows += page.length
    if (i >= 20) {
      // the first 20 warm up
      for (const m of second ? [first, second] : [first]) {
        samples.push(m.wall)
        cpuSamples.push(m.cpu)
      }
    }
  }
  samples.sort((a, b) => a - b)
  cpuSamples.sort((a, b) => a - b)
  await storage.close()
  await kysely.destroy()

  // The same first-page query hand-written, for reference.
  const rawPage = raw.prepare(
    `select * from deal where tenant_id = ? and owner_id = ? and stage_id = ? and amount_minor >= ? and amount_minor <= ?
     order by updated_at desc, id desc limit 50`,
  )
  const rq = rng(4)
  const rawSamples: number[] = []
  for (let i = 0; i < PAGES / 2 + 20; i++) {
    const owner = `usr_${Math.floor(rq() * OWNERS)}`
    const stage = STAGES[Math.floor(rq() * STAGES.length)]!
    const lo = Math.floor(rq() * 5_000_000)
    const t = performance.now()
    rawPage.all(TENANT, owner, stage, lo, lo + 5_000_000)
    if (i >= 20) rawSamples.push(performance.now() - t)
  }
  rawSamples.sort((a, b) => a - b)
  raw.close()
  const p95 = percentile(samples, 95)
  const usesIndex = plan.some((p) => /USING (COVERING )?INDEX deal_by_owner_stage/.test(p))
  return {
    deals: DEALS,
    queries: samples.length,
    rowsReturned: rows,
    query:
      'owner = ? and stage = ? and amount between ? and ? order by updatedAt desc, id desc limit 50 (first page and its keyset next page)',
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(p95),
    cpuP50Ms: round(percentile(cpuSamples, 50)),
    cpuP95Ms: round(percentile(cpuSamples, 95)),
    rawFirstPageP50Ms: round(percentile(rawSamples, 50)),
    rawFirstPageP95Ms: round(percentile(rawSamples, 95)),
    queryPlan: plan,
    usesIndex,
    target: 'p95 <= 5 ms, plan uses an index',
    met: p95 <= 5 && usesIndex,
  }
}
