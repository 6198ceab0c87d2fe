// One measured phase in its own process (so peak RSS is the phase's alone):
//   phase.ts <sqlite|postgres> <raw|rapport|rerun> <csv file> <db file or pg schema>
// `rerun` imports the same file again into the database `rapport` left behind (every row should be unchanged).
// Prints one JSON line: rows, seconds, rows/s, CPU seconds, peak RSS (process.resourceUsage().maxRSS) and, for
// Rapport, the counts.
import { createReadStream } from 'node:fs'
import { createCrm } from '@rapport/core'
import { dataQualityPlugin, defaultCompanyRule, defaultPersonRule } from '@rapport/data-quality'
import { importRecords, ioPlugin } from '@rapport/io'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { parse } from 'csv-parse'
import pg from 'pg'

const [engine, side, file, target] = process.argv.slice(2) as [string, string, string, string]
const PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000)

const COLUMNS = [
  'ext',
  'first_name',
  'last_name',
  'email',
  'phone',
  'company',
  'title',
  'city',
  'country',
  'notes',
  'created',
]

async function raw(): Promise<{ rows: number }> {
  const records = createReadStream(file).pipe(parse({ from_line: 2, relax_column_count: true }))
  let rows = 0
  if (engine === 'sqlite') {
    const db = new Database(target)
    db.pragma('journal_mode = WAL')
    db.exec(
      `create table contact_raw (id integer primary key, ${COLUMNS.map((c) => `${c} text`).join(', ')})`,
    )
    db.exec('create index contact_raw_email on contact_raw (email)')
    const insert = db.prepare(
      `insert into contact_raw (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    )
    const write = db.transaction((batch: string[][]) => {
      for (const r of batch) insert.run(r)
    })
    let batch: string[][] = []
    for await (const record of records) {
      batch.push(record as string[])
      if (batch.length >= BATCH) {
        write(batch)
        rows += batch.length
        batch = []
      }
    }
    write(batch)
    rows += batch.length
    db.close()
    return { rows }
  }
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  await client.query(`create schema "${target}"`)
  await client.query(
    `create table "${target}".contact_raw (id bigserial primary key, ${COLUMNS.map((c) => `${c} text`).join(', ')})`,
  )
  await client.query(`create index on "${target}".contact_raw (email)`)
  const flush = async (batch: string[][]) => {
    if (batch.length === 0) return
    const params: string[] = []
    const tuples = batch.map((r) => `(${COLUMNS.map((_, i) => `$${params.push(r[i] ?? '')}`).join(', ')})`)
    await client.query('begin')
    await client.query(
      `insert into "${target}".contact_raw (${COLUMNS.join(', ')}) values ${tuples.join(', ')}`,
      params,
    )
    await client.query('commit')
  }
  let batch: string[][] = []
  for await (const record of records) {
    batch.push(record as string[])
    if (batch.length >= BATCH) {
      await flush(batch)
      rows += batch.length
      batch = []
    }
  }
  await flush(batch)
  rows += batch.length
  await client.end()
  return { rows }
}

async function rapport() {
  const storage =
    engine === 'sqlite'
      ? createSqliteStorage({ file: target })
      : createPostgresStorage({ connectionString: PG_URL }, { schema: target })
  // Match keys are maintained on every write (data-quality's hooks, in each batch's transaction); the per-write
  // duplicate lookup is off ('allow'): an import reports duplicates inside the file itself, and finding duplicates
  // against the CRM is the batch job (findAllDuplicates) run after it, as Salesforce and HubSpot imports do.
  const rules = [defaultPersonRule, defaultCompanyRule].map((r) => ({ ...r, onCreate: 'allow' as const }))
  const crm = createCrm({
    storage,
    // BENCH_PLUGINS=io runs without data-quality (no match keys, no phone normalisation, no rules): a breakdown.
    plugins:
      process.env['BENCH_PLUGINS'] === 'io'
        ? [ioPlugin()]
        : [ioPlugin(), dataQualityPlugin({ defaultRegion: 'US', duplicateRules: rules })],
  })
  await crm.migrate()
  if (side === 'rapport') {
    for (const key of ['externalId', 'company', 'notes'])
      await crm.customFields.define('contact', { key, type: 'text' })
  }
  const summary = await importRecords(crm, {
    entity: 'contact',
    file,
    mapping: {
      columns: {
        'External Id': 'custom.externalId',
        'First Name': 'firstName',
        'Last Name': 'lastName',
        Email: 'email',
        ...(process.env['BENCH_PLUGINS'] === 'io' ? {} : { Phone: 'phone' }),
        Company: 'custom.company',
        Title: 'title',
        City: 'address.city',
        Country: 'address.country',
        Notes: 'custom.notes',
      },
    },
    upsertKey: 'email',
    defaultRegion: 'US',
    batchSize: BATCH,
    validationRules: process.env['BENCH_RULES'] !== '0',
  })
  const matchKeys = process.env['BENCH_PLUGINS'] === 'io' ? 0 : await crm.entity('dqMatchKey').count()
  await crm.close()
  return { rows: summary.rows, counts: summary.counts, matchKeys }
}

const started = performance.now()
const cpuStart = process.cpuUsage()
const out = side === 'raw' ? await raw() : await rapport()
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuStart)
// CPU seconds of this process (user + system; SQLite's work included, a Postgres server's not): on a shared machine
// the wall clock mostly measures the other tenants, rows per CPU second much less so.
const cpuSeconds = (cpu.user + cpu.system) / 1e6
process.stdout.write(
  `${JSON.stringify({
    engine,
    side,
    ...out,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(out.rows / seconds),
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    rowsPerCpuSecond: Math.round(out.rows / cpuSeconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
)
