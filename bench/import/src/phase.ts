// One measured phase in its own process (so peak RSS is the phase's alone):
//   phase.ts <sqlite|postgres> <raw|limit|rapport|rerun> <csv file> <db file or pg schema> (limit: SQLite only)
// `rerun` imports the same file again into the database `rapport` left behind (every row should be unchanged).
// Prints one JSON line: rows, seconds, rows/s, CPU seconds, peak RSS (process.resourceUsage().maxRSS) and, for
// Rapport, the counts.
import { createReadStream, readFileSync } from 'node:fs'
import { createCrm } from '@rapport/core'
import { contactEntity } from '@rapport/core/entities'
import { searchDocument } from '@rapport/core/search'
import { dataQualityPlugin, defaultCompanyRule, defaultPersonRule } from '@rapport/data-quality'
import { importRecords, ioPlugin } from '@rapport/io'
import { createPostgresStorage } from '@rapport/storage-postgres'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import Database from 'better-sqlite3'
import { parse } from 'csv-parse'
import pg from 'pg'

const [engine, side, file, target] = process.argv.slice(2) as [string, string, string, string]
const BASE_PG_URL =
  process.env['RAPPORT_BENCH_PG_URL'] ??
  process.env['RAPPORT_TEST_PG_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test'
// The phase's server backends carry its name, so their CPU can be read (a local server) before they close.
const APP = `bench_import_${side}_${process.pid}`
const PG_URL = `${BASE_PG_URL}${BASE_PG_URL.includes('?') ? '&' : '?'}application_name=${APP}`

/**
 * CPU seconds (user + system) the Postgres backends of this phase have used so far, read from /proc: the server
 * runs on this machine. `null` when it cannot be read (a remote server). Call it before the phase's connections
 * close.
 */
async function serverCpuSeconds(): Promise<number | null> {
  const client = new pg.Client({ connectionString: BASE_PG_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [APP],
    )
    let ticks = 0
    for (const { pid } of rows) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    }
    return rows.length > 0 ? ticks / 100 : null
  } catch {
    return null
  } finally {
    await client.end()
  }
}
let serverCpu: number | null = null
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
  serverCpu = await serverCpuSeconds()
  await client.end()
  return { rows }
}

// The limit (SQLite only): the raw driver writing the same rows into the very tables `crm.migrate()` creates for the
// rapport phase (contact with its indexes, FTS5 and search-key triggers; dqMatchKey with its two indexes), nothing
// validated or normalised by a library: per CSV row one contact row, its derived and search columns (core's own
// searchDocument, as a writer must fill them for the row to be findable) and three match-key rows (e-mail
// lower-cased, the phone as +1 and its digits, the name as upper-cased last name and first initial: the generator
// writes US numbers only). One transaction per 1,000 rows, multi-row INSERTs of fixed shapes, in-file duplicates
// written too (no lookup).
async function limit(): Promise<{ rows: number }> {
  const crm = createCrm({
    storage: createSqliteStorage({ file: target }),
    plugins: [ioPlugin(), dataQualityPlugin({ defaultRegion: 'US' })],
  })
  await crm.migrate()
  for (const key of ['externalId', 'company', 'notes'])
    await crm.customFields.define('contact', { key, type: 'text' })
  await crm.close()
  const db = new Database(target)
  db.pragma('journal_mode = WAL')
  const columnsOf = (table: string) =>
    (db.prepare(`pragma table_info("${table}")`).all() as { name: string }[]).map((c) => c.name)
  const columns = columnsOf('contact')
  const keyColumns = columnsOf('dqMatchKey')
  const statements = new Map<string, Database.Statement>()
  const insertRows = (table: string, names: readonly string[], rows: unknown[][]) => {
    const shape = `${table}:${rows.length}`
    let statement = statements.get(shape)
    if (!statement) {
      const tuple = `(${names.map(() => '?').join(', ')})`
      statement = db.prepare(
        `insert into "${table}" (${names.map((n) => `"${n}"`).join(', ')}) values ${Array.from({ length: rows.length }, () => tuple).join(', ')}`,
      )
      statements.set(shape, statement)
    }
    statement.run(rows.flat())
  }
  const write = db.transaction((contacts: unknown[][], keys: unknown[][]) => {
    for (let i = 0; i < contacts.length; i += 250) insertRows('contact', columns, contacts.slice(i, i + 250))
    for (let i = 0; i < keys.length; i += 500) insertRows('dqMatchKey', keyColumns, keys.slice(i, i + 500))
  })
  // The contact's search fields and phrases as core declares them.
  const search = {
    searchFields: contactEntity.searchFields ?? [],
    searchPhrases: contactEntity.searchPhrases ?? [],
  }
  let seq = 0
  // As long as Rapport's ids (a prefix and 26 characters), so the indexes hold keys of the same size.
  const id = (prefix: string, now: number) =>
    `${prefix}_${now.toString(36).padStart(9, '0')}${(seq++).toString(36).padStart(17, '0')}`
  let rows = 0
  let contacts: unknown[][] = []
  let keys: unknown[][] = []
  const records = createReadStream(file).pipe(parse({ from_line: 2, relax_column_count: true }))
  for await (const record of records) {
    const [ext, first, last, email, phone, company, title, city, country, notes] = record as string[]
    const now = Date.now()
    const contactId = id('con', now)
    const address = (email ?? '').toLowerCase()
    const e164 = `+1${(phone ?? '').replace(/\D/gu, '')}`
    const doc = searchDocument(search, {
      firstName: first ?? null,
      lastName: last ?? null,
      emailAddresses: [address],
      phoneNumbers: [e164],
      title: title ?? null,
    })
    const values: Record<string, unknown> = {
      id: contactId,
      tenant_id: 'default',
      created_at: now,
      updated_at: now,
      version: 1,
      first_name: first,
      last_name: last,
      emails: JSON.stringify([{ address: email, primary: true }]),
      phones: JSON.stringify([{ number: e164, primary: true }]),
      title,
      lifecycle_stage: 'lead',
      status: 'active',
      address: JSON.stringify({ city, country }),
      tags: '[]',
      custom: JSON.stringify({ externalId: ext, company, notes }),
      primary_email: address,
      email_addresses: JSON.stringify([address]),
      phone_numbers: JSON.stringify([e164]),
      search_terms: doc.searchTerms,
      search_keys: doc.searchKeys,
    }
    contacts.push(columns.map((c) => values[c] ?? null))
    const name = `${(last ?? '').toUpperCase()}|${(first ?? '').slice(0, 1).toLowerCase()}`
    for (const [key, value] of [
      ['email', address],
      ['phone', e164],
      ['name', name],
    ]) {
      const row: Record<string, unknown> = {
        id: id('dqk', now),
        tenant_id: 'default',
        created_at: now,
        updated_at: now,
        version: 1,
        entity: 'contact',
        record_id: contactId,
        key,
        value,
      }
      keys.push(keyColumns.map((c) => row[c] ?? null))
    }
    if (contacts.length >= BATCH) {
      write(contacts, keys)
      rows += contacts.length
      contacts = []
      keys = []
    }
  }
  write(contacts, keys)
  rows += contacts.length
  db.close()
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
  if (engine === 'postgres') serverCpu = await serverCpuSeconds()
  await crm.close()
  return { rows: summary.rows, counts: summary.counts, matchKeys }
}

const started = performance.now()
const cpuStart = process.cpuUsage()
const out = side === 'raw' ? await raw() : side === 'limit' ? await limit() : await rapport()
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
    // Postgres: the server backends' CPU (clock ticks of 10 ms) and rows per CPU second of client and server together.
    ...(serverCpu !== null
      ? {
          serverCpuSeconds: Math.round(serverCpu * 100) / 100,
          rowsPerTotalCpuSecond: Math.round(out.rows / (cpuSeconds + serverCpu)),
        }
      : {}),
  })}\n`,
)
