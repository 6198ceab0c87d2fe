// One process, one command (`pnpm --filter @rapport/bench-storage-postgres bench`): the SDK adapter against
// hand-written pg queries on the same workload and the same server, written to bench/results/storage-postgres.json.
// The server comes from RAPPORT_BENCH_PG_URL, else RAPPORT_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/test.
// The models, workload inputs and timing helpers are the SQLite bench's own files, so both benches measure the same thing.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StorageFilter, StorageRow } from '@rapport/core/storage'
import type { PostgresStorage } from '@rapport/storage-postgres'
import { createPostgresStorage } from '@rapport/storage-postgres'
import pg from 'pg'
import {
  benchSchema,
  contactInput,
  contactInputs,
  contactModel,
  dealModel,
  OWNERS,
  STAGES,
  TENANT,
  toRow,
} from '../../storage-sqlite/src/bench-models.ts'
import { percentile, rng, round, time } from '../../storage-sqlite/src/measure.ts'

const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 100_000)
const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const GETS = Number(process.env['BENCH_GETS'] ?? 20_000)
const PAGES = Number(process.env['BENCH_PAGES'] ?? 1_000)
const BATCH = 10_000
const resultFile = fileURLToPath(new URL('../../results/storage-postgres.json', import.meta.url))
const suffix = randomBytes(3).toString('hex')
const SDK_SCHEMA = `bench_sdk_${suffix}`
const RAW_SCHEMA = `bench_raw_${suffix}`
const log = (...args: unknown[]) => console.log(...args)
const admin = new pg.Pool({ connectionString: PG_URL, max: 2 })

function sdkStorage(
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

async function benchBulk(inputs: unknown[]) {
  const at = new Date('2026-01-01T00:00:00.000Z')
  for (const schema of [SDK_SCHEMA, RAW_SCHEMA]) {
    const storage = sdkStorage(schema)
    await storage.migrations.apply(benchSchema)
    await storage.close()
  }
  // SDK: zod validation + storage.createMany (multi-row INSERTs of up to 65,535 parameters, one transaction per batch).
  const sdk = sdkStorage(SDK_SCHEMA)
  const sdkMs = await time(async () => {
    for (let start = 0; start < inputs.length; start += BATCH) {
      const rows = inputs
        .slice(start, start + BATCH)
        .map((raw, j) => toRow(contactInput.parse(raw), start + j, at))
      await sdk.createMany({ model: contactModel, schema: benchSchema, tenantId: TENANT, data: rows })
    }
  })
  const sdkCount = await sdk.count({ model: contactModel, schema: benchSchema, tenantId: TENANT })
  await sdk.close()

  // Raw: the same validation and rows; the fastest hand-written pg idiom, one INSERT … SELECT FROM unnest() of
  // column arrays per batch (16 parameters whatever the batch size).
  const raw = new pg.Pool({ connectionString: PG_URL, max: 4 })
  const insert = `insert into "${RAW_SCHEMA}".contact (id, tenant_id, created_at, updated_at, version, archived_at,
      first_name, last_name, primary_email, emails, title, owner_id, company_id, lifecycle_stage, tags, custom)
    select id, tenant_id, created_at, updated_at, version, null, first_name, last_name, primary_email, emails::jsonb,
      title, owner_id, company_id, lifecycle_stage, tags::jsonb, custom::jsonb
    from unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
      as t(id, tenant_id, created_at, updated_at, version, first_name, last_name, primary_email, emails, title,
        owner_id, company_id, lifecycle_stage, tags, custom)`
  const rawMs = await time(async () => {
    for (let start = 0; start < inputs.length; start += BATCH) {
      const rows = inputs
        .slice(start, start + BATCH)
        .map((r, j) => toRow(contactInput.parse(r), start + j, at))
      const column = (f: (r: StorageRow) => unknown) => rows.map(f)
      await raw.query(insert, [
        column((r) => r['id']),
        column((r) => r['tenantId']),
        column((r) => r['createdAt']),
        column((r) => r['updatedAt']),
        column((r) => r['version']),
        column((r) => r['firstName']),
        column((r) => r['lastName']),
        column((r) => r['primaryEmail']),
        column((r) => JSON.stringify(r['emails'])),
        column((r) => r['title']),
        column((r) => r['ownerId']),
        column((r) => r['companyId']),
        column((r) => r['lifecycleStage']),
        column((r) => JSON.stringify(r['tags'])),
        column((r) => JSON.stringify(r['custom'])),
      ])
    }
  })
  const rawCount = Number((await raw.query(`select count(*) as n from "${RAW_SCHEMA}".contact`)).rows[0].n)
  await raw.end()
  if (sdkCount !== inputs.length || rawCount !== inputs.length) throw new Error('bulk: row counts differ')
  const sdkRate = inputs.length / (sdkMs / 1000)
  const rawRate = inputs.length / (rawMs / 1000)
  return {
    rows: inputs.length,
    validation: 'zod (the contact create input schema) on both sides',
    sdk: 'storage.createMany per 10,000-row batch (multi-row INSERT … VALUES chunks in one transaction)',
    raw: 'pg: INSERT … SELECT FROM unnest(column arrays) per 10,000-row batch',
    sdkMs: round(sdkMs, 1),
    rawMs: round(rawMs, 1),
    sdkRowsPerSec: Math.round(sdkRate),
    rawRowsPerSec: Math.round(rawRate),
    ratio: round(sdkRate / rawRate),
    target: '>= 0.5',
    met: sdkRate / rawRate >= 0.5,
  }
}

async function benchGet(count: number) {
  const r = rng(2)
  const ids = Array.from({ length: GETS }, () => `con_${String(Math.floor(r() * count)).padStart(8, '0')}`)
  const sdk = sdkStorage(SDK_SCHEMA)
  const scope = { model: contactModel, schema: benchSchema, tenantId: TENANT }
  const raw = new pg.Pool({ connectionString: PG_URL, max: 4 })
  const text = `select * from "${RAW_SCHEMA}".contact where tenant_id = $1 and id = $2`
  // A hand-written repository returns a usable contact: camelCase keys and numbers for int8 columns (pg already
  // parses timestamptz and jsonb).
  const toContact = (row: Record<string, unknown> | undefined) =>
    row && {
      id: row['id'],
      tenantId: row['tenant_id'],
      createdAt: row['created_at'],
      updatedAt: row['updated_at'],
      version: Number(row['version']),
      archivedAt: row['archived_at'],
      firstName: row['first_name'],
      lastName: row['last_name'],
      primaryEmail: row['primary_email'],
      emails: row['emails'],
      title: row['title'],
      ownerId: row['owner_id'],
      companyId: row['company_id'],
      lifecycleStage: row['lifecycle_stage'],
      tags: row['tags'],
      custom: row['custom'],
    }
  const get = async (id: string) =>
    toContact((await raw.query({ name: 'bench-get', text, values: [TENANT, id] })).rows[0])
  for (const id of ids.slice(0, 1000)) {
    await sdk.findById({ ...scope, id }) // warm-up
    await get(id)
  }
  // Alternate blocks of SDK and raw calls so both see the same machine load; count wall and client CPU time.
  let found = 0
  let rawFound = 0
  let sdkMs = 0
  let rawMs = 0
  let sdkCpu = 0
  let rawCpu = 0
  const block = 500
  for (let start = 0; start < ids.length; start += block) {
    const part = ids.slice(start, start + block)
    let cpu = process.cpuUsage()
    sdkMs += await time(async () => {
      for (const id of part) if (await sdk.findById({ ...scope, id })) found++
    })
    let used = process.cpuUsage(cpu)
    sdkCpu += (used.user + used.system) / 1000
    cpu = process.cpuUsage()
    rawMs += await time(async () => {
      for (const id of part) if (await get(id)) rawFound++
    })
    used = process.cpuUsage(cpu)
    rawCpu += (used.user + used.system) / 1000
  }
  await sdk.close()
  await raw.end()
  if (found !== GETS || rawFound !== GETS) throw new Error('get: not every id was found')
  const sdkOps = GETS / (sdkMs / 1000)
  const rawOps = GETS / (rawMs / 1000)
  return {
    gets: GETS,
    sdk: 'storage.findById (pooled connection via Kysely; decodes every column)',
    raw: 'pg pool.query with a named prepared statement + a hand-written row mapper',
    sdkOpsPerSec: Math.round(sdkOps),
    rawOpsPerSec: Math.round(rawOps),
    ratio: round(sdkOps / rawOps),
    sdkClientCpuUsPerGet: round((sdkCpu * 1000) / GETS, 1),
    rawClientCpuUsPerGet: round((rawCpu * 1000) / GETS, 1),
    target: '>= 0.5',
    met: sdkOps / rawOps >= 0.5,
  }
}

async function benchPage() {
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

async function main() {
  log(
    `storage-postgres bench on ${PG_URL}: ${CONTACTS} contacts, ${GETS} gets, ${DEALS} deals, ${PAGES} pages`,
  )
  const inputs = contactInputs(CONTACTS)
  log('bulk insert…')
  const bulk = await benchBulk(inputs)
  log(bulk)
  log('get by id…')
  const get = await benchGet(CONTACTS)
  log(get)
  log(`keyset page at ${DEALS} deals…`)
  const page = await benchPage()
  log(page)
  const version = (await admin.query('show server_version')).rows[0].server_version as string
  const out = {
    benchmark: 'storage-postgres',
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      postgres: version,
      server: 'local PostgreSQL over TCP on 127.0.0.1 (same machine as the client)',
      cpu: cpus()[0]?.model,
      cpus: cpus().length,
      loadAverageAtEnd: loadavg().map((l) => round(l, 1)),
    },
    bulkInsert: bulk,
    getById: get,
    keysetPage: page,
  }
  mkdirSync(dirname(resultFile), { recursive: true })
  writeFileSync(resultFile, `${JSON.stringify(out, null, 2)}\n`)
  log(`wrote ${resultFile}`)
}

try {
  await main()
} finally {
  for (const schema of [SDK_SCHEMA, RAW_SCHEMA])
    await admin.query(`drop schema if exists "${schema}" cascade`)
  await admin.end()
}
