// One process, one command (`pnpm --filter @rapport/bench-storage-sqlite bench`): the SDK adapter against
// hand-written better-sqlite3 prepared statements on the same workload, written to bench/results/storage-sqlite.json.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCrm } from '@rapport/core'
import type { StorageRow } from '@rapport/core/storage'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { dir, migratedFile, openRaw } from './bench-files.ts'
import { benchSchema, contactInput, contactInputs, contactModel, TENANT, toRow } from './bench-models.ts'
import { benchPage } from './keyset-page-bench.ts'
import { rng, round, time } from './measure.ts'

const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 100_000)
const DEALS = Number(process.env['BENCH_DEALS'] ?? 1_000_000)
const GETS = Number(process.env['BENCH_GETS'] ?? 100_000)
const PAGES = Number(process.env['BENCH_PAGES'] ?? 1_000)
const BATCH = 10_000
const resultFile = fileURLToPath(new URL('../../results/storage-sqlite.json', import.meta.url))
const log = (...args: unknown[]) => console.log(...args)

async function benchBulk(inputs: unknown[]) {
  const at = new Date('2026-01-01T00:00:00.000Z')
  // SDK: zod validation + storage.createMany (chunked multi-row INSERTs in one transaction per batch).
  const sdkFile = await migratedFile('bulk-sdk.db')
  const sdk = createSqliteStorage({ file: sdkFile })
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

  // Raw: the same validation and rows, hand-written prepared INSERT in one transaction per batch.
  const rawFile = await migratedFile('bulk-raw.db')
  const raw = openRaw(rawFile)
  const insert = raw.prepare(
    `insert into contact (id, tenant_id, created_at, updated_at, version, archived_at, first_name, last_name,
       primary_email, emails, title, owner_id, company_id, lifecycle_stage, tags, custom)
     values (?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertBatch = raw.transaction((rows: StorageRow[]) => {
    for (const r of rows) {
      insert.run(
        r['id'],
        r['tenantId'],
        (r['createdAt'] as Date).getTime(),
        (r['updatedAt'] as Date).getTime(),
        r['version'],
        r['firstName'],
        r['lastName'],
        r['primaryEmail'],
        JSON.stringify(r['emails']),
        r['title'],
        r['ownerId'],
        r['companyId'],
        r['lifecycleStage'],
        JSON.stringify(r['tags']),
        JSON.stringify(r['custom']),
      )
    }
  })
  const rawMs = await time(() => {
    for (let start = 0; start < inputs.length; start += BATCH) {
      insertBatch(
        inputs.slice(start, start + BATCH).map((r, j) => toRow(contactInput.parse(r), start + j, at)),
      )
    }
  })
  const rawCount = (raw.prepare('select count(*) as n from contact').get() as { n: number }).n
  raw.close()
  if (sdkCount !== inputs.length || rawCount !== inputs.length) throw new Error('bulk: row counts differ')
  const sdkRate = inputs.length / (sdkMs / 1000)
  const rawRate = inputs.length / (rawMs / 1000)
  return {
    file: sdkFile,
    rawFile,
    result: {
      rows: inputs.length,
      validation: 'zod (the contact create input schema) on both sides',
      sdkMs: round(sdkMs, 1),
      rawMs: round(rawMs, 1),
      sdkRowsPerSec: Math.round(sdkRate),
      rawRowsPerSec: Math.round(rawRate),
      ratio: round(sdkRate / rawRate),
      target: '>= 0.5',
      met: sdkRate / rawRate >= 0.5,
    },
  }
}

/** The full service path, `crm.contacts.createMany` (validation, ids, defaults, events) on the SQLite adapter. */
async function benchCrmBulk(inputs: unknown[], rawRowsPerSec: number) {
  try {
    const crm = createCrm({ storage: createSqliteStorage({ file: join(dir, 'bulk-crm.db') }) })
    await crm.migrate()
    // Without `custom`: core rejects custom keys that are not declared custom fields.
    const serviceInputs = inputs.map((input) => {
      const { custom: _custom, ...rest } = input as Record<string, unknown>
      return rest
    })
    const ms = await time(async () => {
      for (let start = 0; start < serviceInputs.length; start += BATCH) {
        await crm.contacts.createMany(serviceInputs.slice(start, start + BATCH) as never)
      }
    })
    const count = await crm.contacts.count()
    await crm.close()
    if (count !== inputs.length) throw new Error(`crm bulk: ${count} rows`)
    const rate = inputs.length / (ms / 1000)
    return {
      rows: inputs.length,
      path: 'crm.contacts.createMany in batches of 10,000 (core validation, ids, defaults, events)',
      ms: round(ms, 1),
      rowsPerSec: Math.round(rate),
      ratioToRaw: round(rate / rawRowsPerSec),
    }
  } catch (error) {
    return {
      skipped: `crm.contacts.createMany failed: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}

async function benchGet(sdkFile: string, rawFile: string, count: number) {
  const r = rng(2)
  const ids = Array.from({ length: GETS }, () => `con_${String(Math.floor(r() * count)).padStart(8, '0')}`)
  const sdk = createSqliteStorage({ file: sdkFile })
  const scope = { model: contactModel, schema: benchSchema, tenantId: TENANT }
  for (const id of ids.slice(0, 1000)) await sdk.findById({ ...scope, id }) // warm-up
  let found = 0
  const sdkMs = await time(async () => {
    for (const id of ids) if (await sdk.findById({ ...scope, id })) found++
  })
  await sdk.close()
  const raw = openRaw(rawFile)
  const get = raw.prepare('select * from contact where tenant_id = ? and id = ?')
  // A hand-written repository returns a usable contact: camelCase keys, Dates and parsed JSON.
  const toContact = (r: Record<string, unknown> | undefined) =>
    r && {
      id: r['id'],
      tenantId: r['tenant_id'],
      createdAt: new Date(r['created_at'] as number),
      updatedAt: new Date(r['updated_at'] as number),
      version: r['version'],
      archivedAt: r['archived_at'] === null ? null : new Date(r['archived_at'] as number),
      firstName: r['first_name'],
      lastName: r['last_name'],
      primaryEmail: r['primary_email'],
      emails: JSON.parse(r['emails'] as string),
      title: r['title'],
      ownerId: r['owner_id'],
      companyId: r['company_id'],
      lifecycleStage: r['lifecycle_stage'],
      tags: JSON.parse(r['tags'] as string),
      custom: JSON.parse(r['custom'] as string),
    }
  for (const id of ids.slice(0, 1000)) toContact(get.get(TENANT, id) as Record<string, unknown>)
  let rawFound = 0
  const rawMs = await time(() => {
    for (const id of ids) if (toContact(get.get(TENANT, id) as Record<string, unknown>)) rawFound++
  })
  let bareFound = 0
  const bareMs = await time(() => {
    for (const id of ids) if (get.get(TENANT, id)) bareFound++
  })
  raw.close()
  if (found !== GETS || rawFound !== GETS || bareFound !== GETS)
    throw new Error('get: not every id was found')
  const sdkOps = GETS / (sdkMs / 1000)
  const rawOps = GETS / (rawMs / 1000)
  const bareOps = GETS / (bareMs / 1000)
  return {
    gets: GETS,
    sdk: 'storage.findById (async; decodes every column: Dates, JSON)',
    raw: 'prepared statement .get() + a hand-written row mapper (camelCase, Dates, JSON.parse)',
    sdkOpsPerSec: Math.round(sdkOps),
    rawOpsPerSec: Math.round(rawOps),
    ratio: round(sdkOps / rawOps),
    bareGetOpsPerSec: Math.round(bareOps),
    ratioToBareGet: round(sdkOps / bareOps),
    target: '>= 0.5',
    met: sdkOps / rawOps >= 0.5,
  }
}

async function main() {
  log(`storage-sqlite bench: ${CONTACTS} contacts, ${GETS} gets, ${DEALS} deals, ${PAGES} pages (dir ${dir})`)
  const inputs = contactInputs(CONTACTS)
  log('bulk insert…')
  const bulk = await benchBulk(inputs)
  log(bulk.result)
  log('bulk insert through crm.contacts.createMany…')
  const crmBulk = await benchCrmBulk(inputs, bulk.result.rawRowsPerSec)
  log(crmBulk)
  log('get by id…')
  const get = await benchGet(bulk.file, bulk.rawFile, CONTACTS)
  log(get)
  log('keyset page at 1M deals…')
  const page = await benchPage()
  log(page)
  const probe = new Database(':memory:')
  const sqliteVersion = (probe.prepare('select sqlite_version() as v').get() as { v: string }).v
  probe.close()
  const out = {
    benchmark: 'storage-sqlite',
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      sqlite: sqliteVersion,
      cpu: cpus()[0]?.model,
      cpus: cpus().length,
      loadAverageAtEnd: loadavg().map((l) => round(l, 1)),
    },
    bulkInsert: bulk.result,
    bulkInsertThroughCrmService: crmBulk,
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
  rmSync(dir, { recursive: true, force: true })
}
