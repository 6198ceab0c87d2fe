import type { Crm } from '@rapport/core'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * `updateMany` is one `findByIds` and one `updateByIds` on SQL storages (Postgres: `UPDATE … FROM unnest()`), and
 * one `updateById` after the other on memory: the same calls give the same records, the same events and the same
 * typed errors, and a bad item anywhere writes nothing.
 */
let backend: PgTestBackend
let postgres: PostgresStorage
const crms: Record<string, Crm> = {}
const ids: Record<string, string[]> = {}
const events: Record<string, string[]> = {}

beforeAll(async () => {
  backend = await openTestBackend('crm_update_many')
  postgres = createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres,
  }
  for (const [name, storage] of Object.entries(storages)) {
    const crm = createCrm({
      storage,
      tenantId: 'ten_update_many',
      clock: () => new Date(Date.UTC(2026, 0, 1)),
      customFields: { contact: [{ key: 'segment', type: 'text' }] },
    })
    await crm.migrate()
    const created = await crm.contacts.createMany(
      Array.from({ length: 30 }, (_, i) => ({
        firstName: `P${i}`,
        title: i % 3 ? 'Buyer' : null,
        tags: i % 2 ? ['vip'] : [],
        custom: { segment: 'new' },
      })),
    )
    events[name] = []
    crm.events.on('contact.updated', ({ changes }) => {
      events[name]!.push(changes.join(','))
    })
    crms[name] = crm
    ids[name] = created.map((c) => c.id)
  }
}, 60_000)

afterAll(async () => {
  await postgres?.close()
  await backend?.dispose()
})

/** What a contact is, without what differs by adapter by construction (ids). */
const comparable = (c: object): Record<string, unknown> => ({ ...c, id: undefined })
const snapshot = async (crm: Crm) =>
  (await crm.contacts.list({ limit: 100, orderBy: [{ field: 'firstName' }] })).items.map(comparable)

async function outcomes(call: (crm: Crm, ids: readonly string[]) => Promise<unknown>) {
  const out: Record<string, { code: string; result?: unknown; unchanged: boolean }> = {}
  for (const [name, crm] of Object.entries(crms)) {
    const before = await snapshot(crm)
    const outcome = await call(crm, ids[name]!).then(
      (result) => ({ code: 'ok', result }),
      (error: unknown) => ({ code: isRapportError(error) ? error.code : `untyped: ${String(error)}` }),
    )
    out[name] = { ...outcome, unchanged: JSON.stringify(await snapshot(crm)) === JSON.stringify(before) }
  }
  return out
}

describe('updateMany in one statement, the same on memory, SQLite and Postgres', () => {
  it('updates every record, merges custom fields, skips unchanged ones and emits the same events', async () => {
    const results = await outcomes((crm, list) =>
      crm.contacts.updateMany(
        list.map((id, i) => ({
          id,
          patch:
            i % 5 === 0
              ? { firstName: `P${i}` } // unchanged: no write, no event
              : { title: i % 4 ? `T'${i}` : null, custom: { segment: i % 2 ? 'At Risk' : 'Loyal' } },
          ...(i === 7 ? { expectedVersion: 1 } : {}),
        })),
      ),
    )
    for (const name of Object.keys(crms)) expect(results[name]!.code, name).toBe('ok')
    const records = (results['memory']!.result as Record<string, unknown>[]).map(comparable)
    expect(records.filter((r) => r['version'] === 2)).toHaveLength(24)
    expect((results['sqlite']!.result as Record<string, unknown>[]).map(comparable)).toEqual(records)
    expect((results['postgres']!.result as Record<string, unknown>[]).map(comparable)).toEqual(records)
    expect(await snapshot(crms['sqlite']!)).toEqual(await snapshot(crms['memory']!))
    expect(await snapshot(crms['postgres']!)).toEqual(await snapshot(crms['memory']!))
    expect(events['memory']).toHaveLength(24)
    expect(events['sqlite']).toEqual(events['memory'])
    expect(events['postgres']).toEqual(events['memory'])
  })

  it('a bad item anywhere is the same typed error everywhere and writes nothing', async () => {
    const cases: [string, (list: readonly string[]) => unknown[], string][] = [
      [
        'an invalid patch',
        (list) => list.map((id, i) => ({ id, patch: { title: i === 20 ? 42 : 'ok' } })),
        'VALIDATION_FAILED',
      ],
      [
        'an unknown id',
        (list) =>
          [...list.slice(0, 10), 'con_missing', ...list.slice(10)].map((id) => ({
            id,
            patch: { title: 'x' },
          })),
        'NOT_FOUND',
      ],
      [
        'a stale expectedVersion',
        (list) =>
          list.map((id, i) => ({ id, patch: { title: 'y' }, ...(i === 26 ? { expectedVersion: 1 } : {}) })),
        'VERSION_CONFLICT',
      ],
      [
        'an unknown custom field',
        (list) => list.map((id, i) => ({ id, patch: { custom: i === 29 ? { nope: 1 } : { segment: 'z' } } })),
        'VALIDATION_FAILED',
      ],
    ]
    for (const [label, items, code] of cases) {
      const results = await outcomes((crm, list) => crm.contacts.updateMany(items(list) as never))
      for (const name of Object.keys(crms)) {
        expect(results[name], `${label} on ${name}`).toEqual({ code, unchanged: true })
      }
    }
  })
})
