import type { Crm } from '@rapport/core'
import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * Bad input, generated: the same call on memory, SQLite and Postgres ends with the same typed error and writes
 * nothing. Before core checked these values, NUL bytes, lone surrogates (also inside JSON arrays and objects) and
 * dates outside years 0000–9999 passed core; Postgres then failed with STORAGE_FAILURE while SQLite stored them.
 */
let backend: PgTestBackend
let postgres: PostgresStorage
const crms: Record<string, Crm> = {}
let existing: Record<string, string> = {}

const customFields = {
  contact: [
    { key: 'note', type: 'text' },
    { key: 'when', type: 'datetime' },
    { key: 'colours', type: 'multiselect', options: ['red', 'green'] },
  ],
} as const

beforeAll(async () => {
  backend = await openTestBackend('crm_bad_input')
  postgres = createPostgresStorage({ kysely: backend.kysely }, { schema: backend.schema })
  const storages: Record<string, StorageAdapter> = {
    memory: createMemoryStorage(),
    sqlite: createSqliteStorage({ file: ':memory:' }),
    postgres,
  }
  existing = {}
  for (const [name, storage] of Object.entries(storages)) {
    const crm = createCrm({ storage, tenantId: 'ten_bad', customFields: customFields as never })
    await crm.migrate()
    const contact = await crm.contacts.create({
      firstName: 'Dora',
      emails: [{ address: 'Dora.Ma@Example.com' }],
      tags: ['vip'],
      custom: { note: 'ok' },
    } as never)
    crms[name] = crm
    existing[name] = contact.id
  }
}, 60_000)

afterAll(async () => {
  await postgres?.close()
  await backend?.dispose()
})

const snapshot = async (crm: Crm) =>
  (await crm.contacts.list({ limit: 100, includeArchived: true })).items.map((c) => ({ ...c }))

/** Calls `call` on every adapter; returns each adapter's error code (or 'ok'). */
async function outcomes(call: (crm: Crm, existingId: string) => Promise<unknown>) {
  const codes: Record<string, string> = {}
  for (const [name, crm] of Object.entries(crms)) {
    codes[name] = await call(crm, existing[name]!).then(
      () => 'ok',
      (error: unknown) => (isRapportError(error) ? error.code : `untyped: ${String(error)}`),
    )
  }
  return codes
}

const NUL = '\u0000'
const badChar = fc.constantFrom(NUL, '\uD800', '\uDBFF', '\uDC00', '\uDFFF')
/** A string with one bad character inserted somewhere: NUL or a lone surrogate. */
const badText = fc
  .tuple(fc.string({ maxLength: 8 }), badChar, fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`)
const farYear = fc.constantFrom(10_000, 12_345, 275_000, -1, -4713).map((year) => {
  const date = new Date(0)
  date.setUTCFullYear(year, 0, 1)
  return date
})

/** A contact input with one bad value placed somewhere (plain fields, JSON arrays, JSON objects, custom fields). */
const badContact: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  badText.map((t) => ({ firstName: t })),
  badText.map((t) => ({ firstName: 'Ada', title: t })),
  badText.map((t) => ({ firstName: 'Ada', tags: ['ok', t] })),
  badText.map((t) => ({ firstName: 'Ada', emails: [{ address: 'ada@example.com', label: t }] })),
  badText.map((t) => ({ firstName: 'Ada', address: { city: t } })),
  badText.map((t) => ({ firstName: 'Ada', custom: { note: t } })),
  farYear.map((d) => ({ firstName: 'Ada', custom: { when: d } })),
  fc.constant({ firstName: 'Ada', address: new Date() }),
  fc.constant({ firstName: 'Ada', address: new Map([['city', 'Berlin']]) }),
  fc.constant(JSON.parse('{"firstName":"Ada","custom":{"__proto__":{"note":"x"}}}')),
  fc.constant(JSON.parse('{"firstName":"Ada","address":{"__proto__":{"city":"x"}}}')),
)

describe('generated bad input: one typed error on memory, SQLite and Postgres, nothing written', () => {
  it('create, createMany and update refuse the same inputs with VALIDATION_FAILED', async () => {
    const before = await Promise.all(Object.values(crms).map(snapshot))
    await fc.assert(
      fc.asyncProperty(badContact, async (input) => {
        const created = await outcomes((crm) => crm.contacts.create(input as never))
        expect(created).toEqual({
          memory: 'VALIDATION_FAILED',
          sqlite: 'VALIDATION_FAILED',
          postgres: 'VALIDATION_FAILED',
        })
        const many = await outcomes((crm) => crm.contacts.createMany([{ firstName: 'Fine' }, input] as never))
        expect(new Set(Object.values(many))).toEqual(new Set(['VALIDATION_FAILED']))
        const { firstName: _, ...patch } = input
        const updated = await outcomes((crm, id) =>
          crm.contacts.update(id, Object.keys(patch).length > 0 ? patch : input),
        )
        expect(new Set(Object.values(updated))).toEqual(new Set(['VALIDATION_FAILED']))
      }),
      { numRuns: 60 },
    )
    expect(await Promise.all(Object.values(crms).map(snapshot))).toEqual(before)
  }, 120_000)

  it('filters with NUL or lone surrogates are INVALID_FILTER everywhere (not STORAGE_FAILURE on Postgres)', async () => {
    await fc.assert(
      fc.asyncProperty(
        badText,
        fc.constantFrom('firstName', 'emails.address', 'tags', 'custom.note'),
        async (text, field) => {
          const listed = await outcomes((crm) =>
            crm.contacts.list({ where: { field, op: 'eq', value: text } }),
          )
          expect(listed).toEqual({
            memory: 'INVALID_FILTER',
            sqlite: 'INVALID_FILTER',
            postgres: 'INVALID_FILTER',
          })
        },
      ),
      { numRuns: 30 },
    )
  }, 60_000)

  it('dates outside 0000–9999 in other entities (task.dueAt) are refused alike', async () => {
    const before = await Promise.all(Object.values(crms).map((crm) => crm.tasks.count()))
    const codes = await outcomes((crm) =>
      crm.tasks.create({ title: 'Far', dueAt: new Date('+010000-01-01T00:00:00Z') } as never),
    )
    expect(codes).toEqual({
      memory: 'VALIDATION_FAILED',
      sqlite: 'VALIDATION_FAILED',
      postgres: 'VALIDATION_FAILED',
    })
    expect(await Promise.all(Object.values(crms).map((crm) => crm.tasks.count()))).toEqual(before)
  })

  it('throwing getters and Proxies inside `where` are INVALID_FILTER, like create() wraps them', async () => {
    const getter = {
      field: 'firstName',
      op: 'eq',
      get value(): string {
        throw new Error('boom')
      },
    }
    const trap = () => {
      throw new Error('trap')
    }
    const proxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap })
    for (const where of [getter, proxy, { and: [getter] }, { not: proxy }]) {
      const codes = await outcomes((crm) => crm.contacts.list({ where: where as never }))
      expect(codes).toEqual({
        memory: 'INVALID_FILTER',
        sqlite: 'INVALID_FILTER',
        postgres: 'INVALID_FILTER',
      })
      const counted = await outcomes((crm) => crm.contacts.count({ where: where as never }))
      expect(counted).toEqual({
        memory: 'INVALID_FILTER',
        sqlite: 'INVALID_FILTER',
        postgres: 'INVALID_FILTER',
      })
    }
  })
})

describe('wide filters up to the 1,000-node limit', () => {
  it('an or/and with 999 children runs on every adapter with the same answer', async () => {
    const names = Array.from({ length: 999 }, (_, i) => (i === 500 ? 'Dora' : `name-${i}`))
    const or = { or: names.map((value) => ({ field: 'firstName', op: 'eq', value })) }
    const and = { and: names.map((value) => ({ field: 'firstName', op: 'ne', value: `${value}!` })) }
    for (const where of [or, and]) {
      const found: Record<string, number> = {}
      for (const [name, crm] of Object.entries(crms)) {
        found[name] = (await crm.contacts.list({ where: where as never })).items.length
      }
      expect(found).toEqual({ memory: 1, sqlite: 1, postgres: 1 })
    }
    const tooWide = { or: [...or.or, { field: 'firstName', op: 'eq', value: 'x' }] }
    const codes = await outcomes((crm) => crm.contacts.list({ where: tooWide as never }))
    expect(codes).toEqual({ memory: 'INVALID_FILTER', sqlite: 'INVALID_FILTER', postgres: 'INVALID_FILTER' })
  })
})

describe('email addresses match case-insensitively in filters, as documented', () => {
  it('emails.address and primaryEmail find a mixed-case address by any spelling', async () => {
    for (const value of ['Dora.Ma@Example.com', 'dora.ma@example.com', 'DORA.MA@EXAMPLE.COM']) {
      for (const field of ['emails.address', 'primaryEmail']) {
        for (const [name, crm] of Object.entries(crms)) {
          const page = await crm.contacts.list({ where: { field, op: 'eq', value } })
          expect(
            page.items.map((c) => c.id),
            `${name} ${field} eq ${value}`,
          ).toEqual([existing[name]])
          const listed = await crm.contacts.list({ where: { field, op: 'in', value: [value] } })
          expect(listed.items).toHaveLength(1)
        }
      }
    }
    for (const crm of Object.values(crms)) {
      const page = await crm.contacts.list({
        where: { field: 'primaryEmail', op: 'endsWith', value: '@EXAMPLE.com' },
      })
      expect(page.items).toHaveLength(1)
    }
  })
})
