import type { Crm } from '@rapport/core'
import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import type { StorageAdapter, StorageFilter, StorageSchema } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import type { TimelineSubject } from '@rapport/core/timeline'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'
import type { KeyReads } from './timeline-test-kit.js'
import { readWholeTimeline, recording } from './timeline-test-kit.js'

/**
 * The timeline's link index (`recordLink.sourceAt`) on memory, SQLite and Postgres: a company's activities and tasks
 * come from its own links and its people's, each entry once; links written before they carried a date are dated by
 * `crm.migrations.backfillLinkDates` (and by `crm.migrate()`), after which the pages come from the index with the same
 * entries.
 */

const TENANT = 'ten_links'
const T0 = Date.parse('2026-05-01T08:00:00.000Z')
const at = (minutes: number) => new Date(T0 + minutes * 60_000)

interface Fixture {
  readonly crm: Crm
  readonly reads: KeyReads
  readonly schema: StorageSchema
  readonly acme: string
  readonly ada: string
  /** Acme's activities and tasks, newest first: what its timeline must show, each once. */
  readonly acmeLinked: { kind: string; id: string; at: Date }[]
  /** Ada's, newest first. */
  readonly adaLinked: { kind: string; id: string; at: Date }[]
}

async function seed(storage: StorageAdapter): Promise<Fixture> {
  const reads: KeyReads = []
  let schema: StorageSchema | undefined
  let now = at(0)
  const crm = createCrm({
    storage: recording(storage, reads),
    tenantId: TENANT,
    clock: () => now,
    plugins: [definePlugin({ id: 'schemaSpy', init: (ctx) => void (schema = ctx.schema) })],
  })
  await crm.migrate()
  const acme = await crm.companies.create({ name: 'Acme' })
  const other = await crm.companies.create({ name: 'Other' })
  const ada = await crm.contacts.create({ firstName: 'Ada', companyId: acme.id })
  const bob = await crm.contacts.create({ firstName: 'Bob', companyId: acme.id })
  const cid = await crm.contacts.create({ firstName: 'Cid', companyId: other.id })
  const target = (type: 'contact' | 'company', id: string) => ({ type, id })
  const acmeLinked: Fixture['acmeLinked'] = []
  const adaLinked: Fixture['adaLinked'] = []
  const cases = [
    { minute: 10, subject: 'ada only', targets: [target('contact', ada.id)] },
    { minute: 20, subject: 'acme and ada', targets: [target('company', acme.id), target('contact', ada.id)] },
    { minute: 20, subject: 'ada and bob', targets: [target('contact', ada.id), target('contact', bob.id)] },
    { minute: 30, subject: 'acme only', targets: [target('company', acme.id)] },
    {
      minute: 40,
      subject: 'everyone',
      targets: [target('contact', bob.id), target('company', acme.id), target('contact', ada.id)],
    },
    { minute: 50, subject: 'other company', targets: [target('contact', cid.id)] },
  ] as const
  for (const c of cases) {
    const activity = await crm.activities.create({
      type: 'call',
      subject: c.subject,
      occurredAt: at(c.minute),
      targets: [...c.targets],
    })
    const entry = { kind: 'activity', id: activity.id, at: at(c.minute) }
    if (c.subject !== 'other company') acmeLinked.push(entry)
    if (c.targets.some((t) => t.id === ada.id)) adaLinked.push(entry)
  }
  const archived = await crm.activities.create({
    type: 'note',
    subject: 'archived',
    occurredAt: at(45),
    targets: [target('company', acme.id), target('contact', ada.id)],
  })
  await crm.activities.archive(archived.id)
  now = at(60)
  const task = await crm.tasks.create({
    title: 'call back',
    targets: [target('contact', bob.id), target('company', acme.id)],
  })
  acmeLinked.push({ kind: 'task', id: task.id, at: at(60) })
  const newestFirst = (a: { at: Date; id: string }, b: { at: Date; id: string }) =>
    b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  acmeLinked.sort(newestFirst)
  adaLinked.sort(newestFirst)
  now = at(100)
  if (!schema) throw new Error('no schema')
  return { crm, reads, schema, acme: acme.id, ada: ada.id, acmeLinked, adaLinked }
}

/** The entries of every page at sizes 1, 2, 3 and 50, and how their keys were read. */
async function pages(f: Fixture, subject: TimelineSubject) {
  f.reads.length = 0
  const bySize = []
  for (const limit of [1, 2, 3, 50])
    bySize.push((await readWholeTimeline(f.crm, subject, limit)).map((i) => [i.kind, i.id]))
  for (const other of bySize.slice(1)) expect(other).toEqual(bySize[0])
  return { entries: bySize[0], reads: new Set(f.reads) }
}

const LINK_INDEX = 'recordLink:sourceAt'
const SOURCES = 'activity:occurredAt'

let backend: PgTestBackend
const fixtures: Record<string, Fixture> = {}

beforeAll(async () => {
  backend = await openTestBackend('timeline_links')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) fixtures[name] = await seed(storage)
}, 120_000)

afterAll(async () => {
  for (const f of Object.values(fixtures)) await f.crm.storage.close()
  await backend?.dispose()
})

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p
    return 'ok'
  } catch (error) {
    return isRapportError(error) ? error.code : String(error)
  }
}

describe('the timeline link index on memory, SQLite and Postgres', () => {
  it('reads a company’s activities and tasks from its links and its people’s, each entry once', async () => {
    for (const [name, f] of Object.entries(fixtures)) {
      const company = await pages(f, { type: 'company', id: f.acme })
      expect(company.entries, name).toEqual(f.acmeLinked.map((e) => [e.kind, e.id]))
      expect(company.reads, name).toContain(LINK_INDEX)
      expect(company.reads, name).not.toContain(SOURCES)
      const contact = await pages(f, { type: 'contact', id: f.ada })
      expect(contact.entries, name).toEqual(f.adaLinked.map((e) => [e.kind, e.id]))
      expect(contact.reads, name).toContain(LINK_INDEX)
    }
  })

  it('dates links written before links carried a date, after which pages come from the index', async () => {
    for (const [name, f] of Object.entries(fixtures)) {
      const link = f.schema.models['recordLink']!
      const scope = { model: link, tenantId: TENANT, schema: f.schema }
      const everyLink: StorageFilter = { kind: 'const', value: true }
      const total = await f.crm.storage.count({ ...scope, where: everyLink })
      const datesBefore = new Map(
        (await f.crm.storage.findMany({ ...scope })).map((l) => [l['id'], (l['sourceAt'] as Date).getTime()]),
      )
      const before = {
        company: await pages(f, { type: 'company', id: f.acme }),
        contact: await pages(f, { type: 'contact', id: f.ada }),
      }
      // Every link as an earlier version wrote it: no date. The pages read the sources, with the same entries.
      await f.crm.storage.updateMany({ ...scope, where: everyLink, data: { sourceAt: null } })
      for (const [type, id] of [
        ['company', f.acme],
        ['contact', f.ada],
      ] as const) {
        const legacy = await pages(f, { type, id })
        expect(legacy.entries, name).toEqual(before[type].entries)
        expect(legacy.reads, name).toContain(SOURCES)
        expect(legacy.reads, name).not.toContain(LINK_INDEX)
      }
      // Bad options write nothing.
      expect(await codeOf(f.crm.migrations.backfillLinkDates({ batchSize: 0 }))).toBe('VALIDATION_FAILED')
      expect(await codeOf(f.crm.migrations.backfillLinkDates({ maxBatches: 1.5 }))).toBe('VALIDATION_FAILED')
      expect(await codeOf(f.crm.migrations.backfillLinkDates({ cursor: 'garbage!' }))).toBe('INVALID_CURSOR')
      expect(await f.crm.storage.count({ ...scope, where: undated })).toBe(total)
      // Batched and resumable: three links a batch, one batch a call, resumed from the report's cursor.
      let report = await f.crm.migrations.backfillLinkDates({ batchSize: 3, maxBatches: 1 })
      expect(report).toMatchObject({ scanned: 3, dated: 3, unresolved: 0, batches: 1 })
      expect(report.cursor).toEqual(expect.any(String))
      let dated = report.dated
      let calls = 1
      while (report.cursor) {
        report = await f.crm.migrations.backfillLinkDates({
          batchSize: 3,
          maxBatches: 1,
          cursor: report.cursor,
        })
        dated += report.dated
        expect(++calls).toBeLessThan(total)
      }
      expect(dated).toBe(total)
      const datesAfter = new Map(
        (await f.crm.storage.findMany({ ...scope })).map((l) => [l['id'], (l['sourceAt'] as Date).getTime()]),
      )
      expect(datesAfter).toEqual(datesBefore)
      for (const type of ['company', 'contact'] as const) {
        const indexed = await pages(f, { type, id: type === 'company' ? f.acme : f.ada })
        expect(indexed.entries, name).toEqual(before[type].entries)
        expect(indexed.reads, name).toContain(LINK_INDEX)
        expect(indexed.reads, name).not.toContain(SOURCES)
      }
      // Idempotent: a second run finds nothing to date.
      expect(await f.crm.migrations.backfillLinkDates()).toEqual({
        scanned: 0,
        dated: 0,
        unresolved: 0,
        batches: 1,
        cursor: null,
      })
    }
  })

  it('crm.migrate() dates the undated links to the end, and a second migrate() does nothing', async () => {
    for (const [name, f] of Object.entries(fixtures)) {
      const link = f.schema.models['recordLink']!
      const scope = { model: link, tenantId: TENANT, schema: f.schema }
      const everyLink: StorageFilter = { kind: 'const', value: true }
      const total = await f.crm.storage.count({ ...scope, where: everyLink })
      const dates = async () =>
        new Map(
          (await f.crm.storage.findMany({ ...scope })).map((l) => [
            l['id'],
            (l['sourceAt'] as Date).getTime(),
          ]),
        )
      const datesBefore = await dates()
      const before = await pages(f, { type: 'company', id: f.acme })
      await f.crm.storage.updateMany({ ...scope, where: everyLink, data: { sourceAt: null } })
      expect(await f.crm.storage.count({ ...scope, where: undated }), name).toBe(total)

      const first = await f.crm.migrate()
      expect(first.applied, name).toEqual([])
      expect(first.linkDates, name).toEqual({
        scanned: total,
        dated: total,
        unresolved: 0,
        batches: 1,
        cursor: null,
      })
      expect(await f.crm.storage.count({ ...scope, where: undated }), name).toBe(0)
      expect(await dates(), name).toEqual(datesBefore)
      const after = await pages(f, { type: 'company', id: f.acme })
      expect(after.entries, name).toEqual(before.entries)
      expect(after.reads, name).toContain(LINK_INDEX)
      expect(after.reads, name).not.toContain(SOURCES)

      const second = await f.crm.migrate()
      expect(second.applied, name).toEqual([])
      expect(second.linkDates, name).toEqual({
        scanned: 0,
        dated: 0,
        unresolved: 0,
        batches: 1,
        cursor: null,
      })
      expect(await dates(), name).toEqual(datesBefore)
    }
  })

  it('leaves a link whose source is gone undated, and another tenant’s links alone', async () => {
    for (const f of Object.values(fixtures)) {
      const link = f.schema.models['recordLink']!
      const scope = { model: link, tenantId: TENANT, schema: f.schema }
      const [orphan] = await f.crm.storage.findMany({ ...scope, limit: 1 })
      await f.crm.storage.updateMany({
        ...scope,
        where: {
          kind: 'compare',
          ref: { field: 'id', type: 'string' },
          op: 'eq',
          value: orphan!['id'] as string,
        },
        data: { sourceAt: null, sourceId: 'act_gone' },
      })
      expect(await f.crm.migrations.backfillLinkDates({ tenantId: 'ten_elsewhere' })).toMatchObject({
        scanned: 0,
        dated: 0,
      })
      expect(await f.crm.migrations.backfillLinkDates()).toMatchObject({
        scanned: 1,
        dated: 0,
        unresolved: 1,
      })
      expect(await f.crm.storage.count({ ...scope, where: undated })).toBe(1)
      await f.crm.storage.deleteMany({ ...scope, where: undated })
    }
  })
})

const undated: StorageFilter = { kind: 'isNull', ref: { field: 'sourceAt', type: 'datetime' }, isNull: true }
