import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StorageRow } from '@rapport/core/storage'
import pg from 'pg'
import {
  benchSchema,
  contactInput,
  contactInputs,
  contactModel,
  TENANT,
  toRow,
} from '../../storage-sqlite/src/bench-models.ts'
import { rng, round, time } from '../../storage-sqlite/src/measure.ts'
import { admin, PG_URL, RAW_SCHEMA, SDK_SCHEMA, sdkStorage } from './bench-connection.ts'
import { benchPage } from './keyset-page-bench.ts'

const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 100_000)
const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const GETS = Number(process.env['BENCH_GETS'] ?? 20_000)
const PAGES = Number(process.env['BENCH_PAGES'] ?? 1_000)
const BATCH = 10_000
const resultFile = fileURLToPath(new URL('../../results/storage-postgres.json', import.meta.url))
const log = (...args: unknown[]) => console.log(...args)

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
