import { Writable } from 'node:stream'
import { isRapportError } from '@rapport/core'
import { dataQualityPlugin } from '@rapport/data-quality'
import { ADAPTERS, openCrm } from '@rapport/test-storages'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportMapping, RowResult } from '../src/index.js'
import { importRecords, ioPlugin, saveMapping } from '../src/index.js'

const plugins = [ioPlugin(), dataQualityPlugin({ defaultRegion: 'US' })] as const
const region = { defaultRegion: 'US' } as const

const mapping: ImportMapping = {
  columns: {
    Email: 'email',
    'First Name': 'firstName',
    Surname: 'lastName',
    Phone: 'phone',
    Title: { field: 'title', overwrite: 'ifEmpty' },
    Stage: 'lifecycleStage',
    Tags: 'tags',
  },
}

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`)
const HEADER = 'Email,First Name,Surname,Phone,Title,Stage,Tags'

function sink() {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  return { stream, rows: () => parse(chunks.join(''), { columns: true }) as Record<string, string>[] }
}

describe.each(ADAPTERS)('import on $name', (adapter) => {
  let t: Awaited<ReturnType<typeof openCrm<typeof plugins>>>
  const snapshot = async () =>
    (await t.crm.contacts.list({ limit: 200 })).items.map((c) => ({
      id: c.id,
      version: c.version,
      firstName: c.firstName,
      lastName: c.lastName,
      emails: c.emails.map((e) => e.address),
      phones: c.phones.map((p) => p.number),
      title: c.title,
      stage: c.lifecycleStage,
      tags: c.tags,
    }))

  // A migration on a shared, loaded Postgres can take longer than the default 10 s.
  beforeAll(async () => {
    t = await openCrm(adapter, plugins)
  }, 60_000)
  afterAll(() => t.dispose())

  it('creates, then a second run of the same file changes nothing; results repeat the original columns', async () => {
    const file = csv([
      HEADER,
      'ada@acme.example,Ada,Lovelace,(415) 555-0101,CTO,customer,vip;beta',
      'Grace@Navy.example,Grace,Hopper,,,lead,',
      'bad-email,Bad,Row,,,lead,',
      'ann@x.example,Ann,Lee,,,nonsense,',
      '=cmd|calc,Evil,Formula,,,lead,',
      'GRACE@navy.example,Grace,Duplicate,,,lead,',
    ])
    const results = sink()
    const first = await importRecords(t.crm, {
      entity: 'contact',
      file,
      mapping,
      upsertKey: 'email',
      batchSize: 2,
      results: results.stream,
      ...region,
    })
    expect(first.counts).toEqual({ created: 2, updated: 0, unchanged: 0, skipped: 1, failed: 3 })
    const out = results.rows()
    expect(out.map((r) => [r['rapport_line'], r['rapport_status']])).toEqual([
      ['2', 'created'],
      ['3', 'created'],
      ['4', 'failed'],
      ['5', 'failed'],
      ['6', 'failed'],
      ['7', 'skipped'],
    ])
    expect(out[0]!['Phone']).toBe('(415) 555-0101') // the original cell, not the stored E.164
    expect(out[4]!['Email']).toBe("'=cmd|calc") // formula-like cells are escaped in the results file
    expect(out[3]!['rapport_errors']).toContain('lifecycleStage')
    expect(out[5]!['rapport_errors']).toContain('duplicate_in_file')
    expect(out[0]!['rapport_id']).toMatch(/^con_/)
    const after = await snapshot()
    expect(after.find((c) => c.firstName === 'Ada')).toMatchObject({
      phones: ['+14155550101'],
      tags: ['vip', 'beta'],
      stage: 'customer',
    })
    const rows: RowResult[] = []
    const again = await importRecords(t.crm, {
      entity: 'contact',
      file,
      mapping,
      upsertKey: 'email',
      onRow: (r) => rows.push(r),
      ...region,
    })
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 2, skipped: 1, failed: 3 })
    expect(rows.filter((r) => r.status === 'unchanged').map((r) => r.id)).toEqual([
      out[0]!['rapport_id'],
      out[1]!['rapport_id'],
    ])
    expect(await snapshot()).toEqual(after)
  })

  it('overwrite policies: ifSet keeps values for empty cells, ifEmpty never replaces, always clears', async () => {
    const before = (await snapshot()).find((c) => c.firstName === 'Ada')!
    const summary = await importRecords(t.crm, {
      entity: 'contact',
      file: csv([HEADER, 'ADA@acme.example,Augusta Ada,,(415) 555 0101,Countess,,new']),
      mapping,
      upsertKey: 'email',
      ...region,
    })
    expect(summary.counts.updated).toBe(1)
    const ada = (await snapshot()).find((c) => c.id === before.id)!
    expect(ada).toMatchObject({
      firstName: 'Augusta Ada', // ifSet (default): set
      lastName: 'Lovelace', // ifSet: an empty cell keeps the value
      title: 'CTO', // ifEmpty: never replaces
      tags: ['vip', 'beta', 'new'], // lists are unioned
      phones: ['+14155550101'],
    })
    await importRecords(t.crm, {
      entity: 'contact',
      file: csv(['Email,Surname', 'ada@acme.example,']),
      mapping: { columns: { Email: 'email', Surname: { field: 'lastName', overwrite: 'always' } } },
      upsertKey: 'email',
    })
    expect((await t.crm.contacts.get(before.id)).lastName).toBeNull()
  })

  it('a dry run reports exact results and writes nothing', async () => {
    const before = await snapshot()
    const jobs = await t.crm.entity('ioImport').count()
    const summary = await importRecords(t.crm, {
      entity: 'contact',
      file: csv([HEADER, 'new1@x.example,New,One,,,lead,', 'ada@acme.example,Ada,Byron,,,,', 'broken,,,,,,']),
      mapping,
      upsertKey: 'email',
      dryRun: true,
    })
    expect(summary).toMatchObject({ importId: null, dryRun: true })
    expect(summary.counts).toEqual({ created: 1, updated: 1, unchanged: 0, skipped: 0, failed: 1 })
    expect(await snapshot()).toEqual(before)
    expect(await t.crm.entity('ioImport').count()).toBe(jobs)
  })

  it('bad mappings are typed errors before any write', async () => {
    const before = await snapshot()
    const unknown = await importRecords(t.crm, {
      entity: 'contact',
      file: csv([HEADER, 'z@x.example,Z,Z,,,,']),
      mapping: { columns: { Email: 'email', 'First Name': 'frstName' } },
    }).catch((e) => e)
    expect(isRapportError(unknown, 'IO_UNKNOWN_FIELD')).toBe(true)
    expect(unknown.details.suggestions).toContain('firstName')
    const missing = await importRecords(t.crm, {
      entity: 'contact',
      file: csv([HEADER, 'z@x.example,Z,Z,,,,']),
      mapping: { columns: { 'E-mail': 'email' } },
    }).catch((e) => e)
    expect(isRapportError(missing, 'IO_MISSING_COLUMN')).toBe(true)
    const noKey = await importRecords(t.crm, {
      entity: 'contact',
      file: csv([HEADER, 'z@x.example,Z,Z,,,,']),
      mapping: { columns: { 'First Name': 'firstName' } },
      upsertKey: 'email',
    }).catch((e) => e)
    expect(isRapportError(noKey, 'IO_INVALID_MAPPING')).toBe(true)
    expect(await snapshot()).toEqual(before)
  })

  it('one refused write fails its row; the rest of its batch is written', async () => {
    // The address passes the reader but not core's e-mail schema: the batch transaction fails, rows are retried alone.
    const summary = await importRecords(t.crm, {
      entity: 'contact',
      file: csv(['Email,First Name', 'ok1@batch.example,One', 'not an email,Two', 'ok3@batch.example,Three']),
      mapping: { columns: { Email: 'email', 'First Name': 'firstName' } },
      batchSize: 10,
    })
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 })
    const names = (
      await t.crm.contacts.list({ where: { field: 'firstName', op: 'in', value: ['One', 'Two', 'Three'] } })
    ).items
    expect(names.map((c) => c.firstName).sort()).toEqual(['One', 'Three'])
  })

  it('resumes after a crash from its checkpoint: the result equals an uninterrupted import', async () => {
    const lines = ['Email,First Name']
    for (let i = 0; i < 23; i++) lines.push(`r${i}@resume.example,R${i}`)
    const file = csv(lines)
    const m = { columns: { Email: 'email', 'First Name': 'firstName' } }
    let importId = ''
    const crash = await importRecords(t.crm, {
      entity: 'contact',
      file,
      mapping: m,
      upsertKey: 'email',
      batchSize: 5,
      key: 'resume.csv',
      onStart: (id) => {
        importId = id
      },
      validateRow: (_input, { line }) => {
        if (line === 14) throw new Error('power cut')
        return []
      },
    }).catch((e) => e)
    expect(crash.message).toBe('power cut')
    const job = await t.crm.entity<{ line: number; status: string }>('ioImport').get(importId)
    expect(job).toMatchObject({ line: 11, status: 'running' }) // two batches of five rows settled (lines 2-11)
    const emails = lines.slice(1).map((l) => l.split(',')[0]!)
    const inFile = { field: 'emails.address', op: 'in', value: emails } as const
    expect(await t.crm.contacts.count({ where: inFile })).toBe(10)
    const resumed = await importRecords(t.crm, {
      entity: 'contact',
      file,
      mapping: m,
      upsertKey: 'email',
      batchSize: 5,
      key: 'resume.csv',
    })
    expect(resumed).toMatchObject({ importId, resumedAfter: 11, rows: 13 })
    expect(resumed.counts).toEqual({ created: 23, updated: 0, unchanged: 0, skipped: 0, failed: 0 })
    const stored = await t.crm.contacts.list({ where: inFile, limit: 100 })
    expect(stored.items.map((c) => c.firstName).sort()).toEqual(
      lines
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
    )
    const relaunch = await importRecords(t.crm, {
      entity: 'contact',
      file,
      mapping: m,
      upsertKey: 'email',
      key: 'resume.csv',
    })
    expect(relaunch.counts).toEqual({ created: 0, updated: 0, unchanged: 23, skipped: 0, failed: 0 })
    const other = await importRecords(t.crm, {
      entity: 'contact',
      file: csv(['Mail,Name', 'a@b.example,A']),
      mapping: { columns: { Mail: 'email' } },
      importId,
    }).catch((e) => e)
    expect(isRapportError(other, 'IO_RESUME_MISMATCH')).toBe(true)
  })

  it('validation rules plug in per row; saved mappings load by name', async () => {
    await saveMapping(t.crm, 'contact', 'crm-export', {
      columns: { Email: 'email', 'First Name': 'firstName' },
    })
    const summary = await importRecords(t.crm, {
      entity: 'contact',
      file: csv(['Email,First Name', 'v1@rules.example,Val', 'v2@rules.example,']),
      mapping: { saved: 'crm-export' },
      validateRow: (input) =>
        input['firstName']
          ? []
          : [{ code: 'custom', path: ['firstName'], message: 'First name is required' }],
    })
    expect(summary.counts).toMatchObject({ created: 1, failed: 1 })
  })

  it('companies upsert by domain (URLs folded); externalId and id keys', async () => {
    await t.crm.customFields.define('company', { key: 'externalId', type: 'text' })
    const first = await importRecords(t.crm, {
      entity: 'company',
      file: csv([
        'Company,Website,Ext',
        'Acme,https://www.acme.example/about,A-1',
        'Globex,globex.example,G-1',
      ]),
      mapping: { columns: { Company: 'name', Website: 'domain', Ext: 'custom.externalId' } },
      upsertKey: 'domain',
    })
    expect(first.counts.created).toBe(2)
    const acme = (await t.crm.companies.list({ where: { field: 'domain', op: 'eq', value: 'acme.example' } }))
      .items[0]!
    const byExt = await importRecords(t.crm, {
      entity: 'company',
      file: csv(['Ext,Company', 'A-1,Acme Corp', 'Z-9,Zeta']),
      mapping: { columns: { Ext: 'custom.externalId', Company: 'name' } },
      upsertKey: 'externalId',
    })
    expect(byExt.counts).toMatchObject({ updated: 1, created: 1 })
    expect((await t.crm.companies.get(acme.id)).name).toBe('Acme Corp')
    const byId = await importRecords(t.crm, {
      entity: 'company',
      file: csv(['Id,Company', `${acme.id},Acme Inc`, 'com_missing,Ghost']),
      mapping: { columns: { Id: 'id', Company: 'name' } },
      upsertKey: 'id',
    })
    expect(byId.counts).toMatchObject({ updated: 1, failed: 1 })
    expect((await t.crm.companies.get(acme.id)).name).toBe('Acme Inc')
  })

  // Last in the suite: 1,200 records are more than the other tests' snapshots read.
  it('a batch larger than a filter list (1,000 values) finds its records: the second run of 1,200 rows changes nothing', async () => {
    const lines = [HEADER]
    for (let i = 0; i < 1200; i++) lines.push(`big.${i}@bulk.example,Big,Row${i},,,lead,`)
    // In-file duplicates in another case are spotted across the whole file.
    lines.push('BIG.7@bulk.example,Big,Again,,,lead,')
    const file = csv(lines)
    const run = () =>
      importRecords(t.crm, {
        entity: 'contact',
        file,
        mapping,
        upsertKey: 'email',
        batchSize: 2000,
        ...region,
      })
    expect((await run()).counts).toEqual({ created: 1200, updated: 0, unchanged: 0, skipped: 1, failed: 0 })
    const versions = async () => {
      const out: number[] = []
      for await (const c of t.crm.contacts.iterate({
        where: { field: 'firstName', op: 'eq', value: 'Big' },
      }))
        out.push(c.version)
      return out
    }
    const before = await versions()
    expect((await run()).counts).toEqual({ created: 0, updated: 0, unchanged: 1200, skipped: 1, failed: 0 })
    expect(await versions()).toEqual(before)
    for await (const c of t.crm.contacts.iterate({
      where: { field: 'firstName', op: 'eq', value: 'Big' },
    }))
      await t.crm.contacts.delete(c.id)
  }, 600_000)
})
