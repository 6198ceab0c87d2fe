import type { Crm, CrmPlugin, CrmServices } from '@rapport/core'
import { createCrm, definePlugin } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'
import type { KeyReads } from './timeline-test-kit.js'
import { readWholeTimeline, recording } from './timeline-test-kit.js'

/**
 * A company with more than 1,000 people: its timeline reads its activities and tasks from the sources (the people's
 * ids no longer fit one `in` list of the link index), which must give the same entries as the link index does at
 * 1,000 people or fewer. Both are checked against one expectation computed from what was written (every entry once,
 * newest first, ties by id descending), on memory, SQLite and Postgres: first at 1,005 people the reader may see,
 * then after five of them moved to another company (1,000, the link-index path).
 */

const TENANT = 'ten_large'
/** People written; 11 of them are hidden from the reader, so the reader sees 1,005. */
const PEOPLE = 1016
const T0 = Date.parse('2026-06-01T08:00:00.000Z')
const at = (minutes: number) => new Date(T0 + minutes * 60_000)

/** Access: activities whose subject starts with "secret" and contacts named "Hidden" are outside the reader's access. */
const privacy: CrmPlugin = definePlugin({
  id: 'privacy-scope',
  scope: ({ entity, operation, actor }) => {
    if (operation !== 'read' || actor?.id !== 'reader') return undefined
    if (entity === 'activity') return { not: { field: 'subject', op: 'startsWith', value: 'secret' } }
    if (entity === 'contact') return { field: 'firstName', op: 'ne', value: 'Hidden' }
    return undefined
  },
})

interface Written {
  readonly kind: 'activity' | 'task'
  readonly id: string
  readonly at: Date
  /** Company and contact ids the entry is linked to. */
  readonly targets: readonly string[]
  /** Outside the reader's access or archived: never on a timeline. */
  readonly invisible: boolean
}

interface Fixture {
  readonly crm: Crm
  /** The same CRM acting for the reader, whose scope hides some activities and people. */
  readonly reader: CrmServices
  /** The keyed reads of the pages since last cleared (which path they took). */
  readonly reads: KeyReads
  readonly acme: string
  readonly other: string
  /** Acme's people, by id: whether the reader may see them (archived ones are people too). */
  readonly people: Map<string, boolean>
  readonly written: Written[]
}

async function seed(storage: StorageAdapter): Promise<Fixture> {
  let now = at(0)
  const reads: KeyReads = []
  const crm = createCrm({
    storage: recording(storage, reads),
    tenantId: TENANT,
    actor: { id: 'admin' },
    clock: () => now,
    plugins: [privacy],
  })
  await crm.migrate()
  const acme = await crm.companies.create({ name: 'Acme' })
  const other = await crm.companies.create({ name: 'Other' })
  const people = new Map<string, boolean>()
  const ids: string[] = []
  for (let from = 0; from < PEOPLE; from += 500) {
    const batch = await crm.contacts.createMany(
      Array.from({ length: Math.min(500, PEOPLE - from) }, (_, k) => ({
        firstName: (from + k) % 97 === 3 ? 'Hidden' : `P${from + k}`,
        companyId: acme.id,
      })),
    )
    for (const c of batch) {
      ids.push(c.id)
      people.set(c.id, c.firstName !== 'Hidden')
    }
  }
  const outsider = await crm.contacts.create({ firstName: 'Out', companyId: other.id })
  // An archived person still counts: their entries stay on the company's timeline.
  await crm.contacts.archive(ids[7]!)
  const person = (k: number) => ids[k % ids.length]!
  const written: Written[] = []
  for (let k = 0; k < 160; k++) {
    // Every shape of link: one person (the last five too), two people, the company and a person, the company only,
    // a hidden person only, someone else's contact only; some share an instant, some are secret or archived.
    const shape = k % 8
    const targets =
      shape === 0
        ? [person(k * 37)]
        : shape === 1
          ? [person(k * 11), person(k * 13 + 1)]
          : shape === 2
            ? [acme.id, person(k * 7)]
            : shape === 3
              ? [acme.id]
              : shape === 4
                ? [person(PEOPLE - 5 + (k % 5))]
                : shape === 5
                  ? [person(3)]
                  : shape === 6
                    ? [outsider.id]
                    : [person(k), outsider.id]
    const secret = k % 23 === 0
    const activity = await crm.activities.create({
      type: 'call',
      subject: secret ? `secret ${k}` : `call ${k}`,
      occurredAt: at(Math.floor(k / 3)),
      targets: targets.map((id) => ({ type: id === acme.id ? 'company' : 'contact', id })),
    })
    const archived = k % 31 === 5
    if (archived) await crm.activities.archive(activity.id)
    written.push({
      kind: 'activity',
      id: activity.id,
      at: at(Math.floor(k / 3)),
      targets,
      invisible: secret || archived,
    })
  }
  for (let k = 0; k < 12; k++) {
    now = at(40 + Math.floor(k / 2)) // the same instants as some activities: ties across kinds
    const targets =
      k % 3 === 0 ? [acme.id] : k % 3 === 1 ? [person(k * 101)] : [person(PEOPLE - 3), outsider.id]
    const task = await crm.tasks.create({
      title: `task ${k}`,
      targets: targets.map((id) => ({ type: id === acme.id ? 'company' : 'contact', id })),
    })
    written.push({ kind: 'task', id: task.id, at: now, targets, invisible: false })
  }
  now = at(200)
  return {
    crm,
    reader: crm.scoped({ actor: { id: 'reader' } }),
    reads,
    acme: acme.id,
    other: other.id,
    people,
    written,
  }
}

/** What Acme's timeline must hold: each visible entry linked to Acme or to one of its visible people, once. */
function expected(f: Fixture): [string, string][] {
  return f.written
    .filter((w) => !w.invisible && w.targets.some((t) => t === f.acme || f.people.get(t) === true))
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((w) => [w.kind, w.id])
}

const SOURCES = 'activity:occurredAt'
const TASKS = 'task:createdAt'
const LINK_INDEX = 'recordLink:sourceAt'

let backend: PgTestBackend
const fixtures: Record<string, Fixture> = {}

beforeAll(async () => {
  backend = await openTestBackend('timeline_large')
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres: createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema }),
  }
  for (const [name, storage] of Object.entries(storages)) fixtures[name] = await seed(storage)
}, 300_000)

afterAll(async () => {
  for (const f of Object.values(fixtures)) await f.crm.storage.close()
  await backend?.dispose()
})

describe('a company with more than 1,000 people, on memory, SQLite and Postgres', () => {
  it('pages every entry once, newest first, the same as at 1,000 people', async () => {
    for (const [name, f] of Object.entries(fixtures)) {
      const acme = { type: 'company', id: f.acme } as const
      const want = expected(f)
      expect(want.length, name).toBeGreaterThan(100)
      f.reads.length = 0
      for (const limit of [7, 50]) {
        const got = (await readWholeTimeline(f.reader, acme, limit)).map((i) => [i.kind, i.id])
        expect(got, `${name}, 1,005 people, pages of ${limit}`).toEqual(want)
      }
      expect(new Set(f.reads), name).toEqual(new Set([SOURCES, TASKS]))
      // Five people move to another company: 1,000 left, so the page reads the link index.
      const visible = () => [...f.people.values()].filter(Boolean).length
      expect(visible()).toBe(1005)
      for (const id of [...f.people.keys()].slice(PEOPLE - 5)) {
        await f.crm.contacts.update(id, { companyId: f.other })
        f.people.delete(id)
      }
      expect(visible()).toBe(1000)
      const fewer = expected(f)
      expect(fewer.length, name).toBeLessThan(want.length)
      f.reads.length = 0
      for (const limit of [7, 50]) {
        const got = (await readWholeTimeline(f.reader, acme, limit)).map((i) => [i.kind, i.id])
        expect(got, `${name}, 1,000 people, pages of ${limit}`).toEqual(fewer)
      }
      expect(new Set(f.reads), name).toEqual(new Set([LINK_INDEX]))
    }
  })
})
