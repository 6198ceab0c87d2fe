// The keyset-page benchmark: a page of 50 deals by owner, newest first, at 1M deals (p95, EXPLAIN ANALYZE and the plan).
import type { StorageFilter, StorageRow } from '@rapport/core/storage'
import { benchSchema, dealModel, OWNERS, STAGES, TENANT } from '../../storage-sqlite/src/bench-models.ts'
import { percentile, rng, round, time } from '../../storage-sqlite/src/measure.ts'
import { admin, SDK_SCHEMA, sdkStorage } from './bench-connection.ts'

const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const PAGES = Number(process.env['BENCH_PAGES'] ?? 1_000)
const log = (...args: unknown[]) => console.log(...args)

/** Seeds the deals and times keyset pages through the storage against the same SQL on the raw driver. */
export async function benchPage() {
  const seedMs = await time(async () => {
    // Deterministic pseudo-random deals generated server-side (hashint4), so seeding 1M rows takes seconds.
    await admin.query(`
      insert into "${SDK_SCHEMA}".deal (id, tenant_id, created_at, updated_at, version, name, owner_id, pipeline_id,
        stage_id, amount_minor, amount_currency)
      select 'deal_' || lpad(i::text, 8, '0'), '${TENANT}', ts - interval '1 day', ts, 1, 'Deal ' || i,
        'usr_' || (abs(hashint4(i)) % ${OWNERS}), 'pip_1',
        (array['${STAGES.join("','")}'])[1 + abs(hashint4(i + 7919)) % ${STAGES.length}],
        abs(hashint4(i + 104729)) % 10000000, 'EUR'
      from generate_series(0, ${DEALS - 1}) as i,
        lateral (select timestamptz '2024-01-01' + (abs(hashint4(i + 15485863)) % (2 * 365 * 86400)) * interval '1 second' as ts) t`)
    await admin.query(`analyze "${SDK_SCHEMA}".deal`)
  })
  log(`  seeded ${DEALS} deals in ${round(seedMs / 1000, 1)} s`)

  let lastQuery: { sql: string; parameters: readonly unknown[] } | undefined
  const executed: { sql: string; parameters: readonly unknown[] }[] = []
  const storage = sdkStorage(SDK_SCHEMA, (sql, parameters) => {
    lastQuery = { sql, parameters }
    if (/^select/.test(sql)) executed.push(lastQuery)
  })
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
  let firstPageSql: { sql: string; parameters: readonly unknown[] } | undefined
  let nextPageSql: { sql: string; parameters: readonly unknown[] } | undefined
  let rows = 0
  for (let i = 0; i < PAGES / 2 + 20; i++) {
    const where = pageFilter(
      `usr_${Math.floor(q() * OWNERS)}`,
      STAGES[Math.floor(q() * STAGES.length)]!,
      Math.floor(q() * 5_000_000),
    )
    let page: StorageRow[] = []
    const first = await time(async () => {
      page = await storage.findMany({ ...scope, where, orderBy, limit: 50 })
    })
    if (i === 0) firstPageSql = lastQuery
    const last = page[page.length - 1]
    let second: number | undefined
    if (last) {
      second = await time(async () => {
        const next = await storage.findMany({
          ...scope,
          where: { kind: 'and', filters: [where, after(last)] },
          orderBy,
          limit: 50,
        })
        rows += next.length
      })
      if (!nextPageSql) nextPageSql = lastQuery
    }
    rows += page.length
    if (i >= 20) samples.push(first, ...(second === undefined ? [] : [second])) // the first 20 warm up
  }
  samples.sort((a, b) => a - b)
  await storage.close()

  const explain = async (query: { sql: string; parameters: readonly unknown[] }) => {
    const client = await admin.connect()
    try {
      await client.query(`set search_path to "${SDK_SCHEMA}"`)
      const result = await client.query(
        `explain (analyze, costs off, timing off, summary off) ${query.sql}`,
        [...query.parameters],
      )
      return result.rows.map((r) => String(r['QUERY PLAN']))
    } finally {
      await client.query('reset search_path')
      client.release()
    }
  }
  const firstPlan = await explain(firstPageSql!)
  const nextPlan = await explain(nextPageSql!)
  // Server-side execution time of the SDK's own SQL, free of client and scheduling noise on a shared machine.
  const serverMs: number[] = []
  for (const query of executed.slice(0, 200)) {
    const client = await admin.connect()
    try {
      await client.query(`set search_path to "${SDK_SCHEMA}"`)
      const result = await client.query(`explain (analyze, format json) ${query.sql}`, [...query.parameters])
      serverMs.push(Number(result.rows[0]['QUERY PLAN'][0]['Execution Time']))
      await client.query('reset search_path')
    } finally {
      client.release()
    }
  }
  serverMs.sort((a, b) => a - b)

  // The same first-page query hand-written, for reference.
  const text = `select * from "${SDK_SCHEMA}".deal where tenant_id = $1 and owner_id = $2 and stage_id = $3
    and amount_minor >= $4 and amount_minor <= $5 order by updated_at desc, id desc limit 50`
  const rq = rng(4)
  const rawSamples: number[] = []
  for (let i = 0; i < PAGES / 2 + 20; i++) {
    const values = [
      TENANT,
      `usr_${Math.floor(rq() * OWNERS)}`,
      STAGES[Math.floor(rq() * STAGES.length)]!,
      Math.floor(rq() * 5_000_000),
    ]
    values.push((values[3] as number) + 5_000_000)
    const t = await time(() => admin.query({ name: 'bench-page', text, values }))
    if (i >= 20) rawSamples.push(t)
  }
  rawSamples.sort((a, b) => a - b)
  const p95 = percentile(samples, 95)
  const usesIndex = [...firstPlan, ...nextPlan].some((line) => /Index Scan.* on deal/.test(line))
  const sorts = [...firstPlan, ...nextPlan].some((line) => /^\s*(->\s*)?(Incremental )?Sort\b/.test(line))
  return {
    deals: DEALS,
    queries: samples.length,
    rowsReturned: rows,
    query:
      'owner = ? and stage = ? and amount between ? and ? order by updatedAt desc, id desc limit 50 (first page and its keyset next page)',
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(p95),
    serverExecutionP50Ms: round(percentile(serverMs, 50)),
    serverExecutionP95Ms: round(percentile(serverMs, 95)),
    rawFirstPageP50Ms: round(percentile(rawSamples, 50)),
    rawFirstPageP95Ms: round(percentile(rawSamples, 95)),
    firstPagePlan: firstPlan,
    nextPagePlan: nextPlan,
    usesIndex,
    sortsInMemory: sorts,
    target: 'p95 <= 10 ms, plan uses an index',
    met: p95 <= 10 && usesIndex,
    note: "Wall-clock times include client-side scheduling; on a shared, overloaded machine (see loadAverageAtEnd) they measure contention more than the query. serverExecution* is the server's own execution time of the SDK's SQL (EXPLAIN ANALYZE), and rawFirstPage* is the hand-written query in the same run.",
  }
}
