import type { CrmPlugin } from '@rapport/core'
import { createCrm, definePlugin, isRapportError } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../src/index.js'
import { auditPlugin } from '../src/index.js'

/** Reps see only their own contacts: a scope plugin standing in for the access policy. */
const ownContacts = definePlugin({
  id: 'own',
  scope: ({ entity, actor }) =>
    entity === 'contact' && actor && actor['role'] === 'rep'
      ? { field: 'ownerId', op: 'eq', value: actor.id }
      : undefined,
})

function build(storage: TestStorage['storage'], clock: () => Date, plugins: readonly CrmPlugin[] = []) {
  return createCrm({
    storage,
    clock,
    plugins: [
      auditPlugin({ fieldAccess: ({ field, actor }) => !(field === 'phones' && actor?.['role'] === 'rep') }),
      ownContacts,
      ...plugins,
    ] as const,
  })
}

async function all<T>(fetch: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const out: T[] = []
  let cursor: string | null = null
  do {
    const page = await fetch(cursor)
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return out
}

for (const backend of storages) {
  describe(`audit history on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-01-01T00:00:00.000Z')
    const clock = () => now
    let crm: ReturnType<typeof build>

    beforeAll(async () => {
      opened = await backend.open('history')
      crm = build(opened.storage, clock)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('records one event and one before/after row per field, with actor and origin, for every mutation', async () => {
      const ann = crm.scoped({
        actor: { id: 'usr_ann' },
        origin: { channel: 'ui', requestId: 'req_1', causationId: 'evt_0' },
      })
      const ada = await ann.contacts.create({ firstName: 'Ada', ownerId: 'usr_ann', custom: {} })
      now = new Date(now.getTime() + 1000)
      await ann.contacts.update(ada.id, { lastName: 'Lovelace', firstName: 'Augusta' })
      now = new Date(now.getTime() + 1000)
      await crm
        .scoped({ actor: { id: 'usr_bob' }, origin: { channel: 'import', channelRef: 'job_7' } })
        .contacts.archive(ada.id)
      now = new Date(now.getTime() + 1000)
      await crm.contacts.restore(ada.id)
      const page = await crm.plugins.audit.reader().timeline({ entity: 'contact', id: ada.id })
      expect(page.items.map((e) => [e.action, e.actorId, e.channel])).toEqual([
        ['restore', null, 'api'],
        ['archive', 'usr_bob', 'import'],
        ['update', 'usr_ann', 'ui'],
        ['create', 'usr_ann', 'ui'],
      ])
      const [restore, archive, update, create] = page.items as [
        AuditEntry,
        AuditEntry,
        AuditEntry,
        AuditEntry,
      ]
      expect(restore.changes).toEqual([])
      expect(archive.channelRef).toBe('job_7')
      expect(archive.changes.map((c) => [c.field, c.before])).toEqual([['archivedAt', null]])
      expect(update.changes.map((c) => [c.field, c.before, c.after])).toEqual([
        ['firstName', 'Ada', 'Augusta'],
        ['lastName', null, 'Lovelace'],
      ])
      expect(update.requestId).toBe('req_1')
      expect(update.causationId).toBe('evt_0')
      expect(create.changes.map((c) => c.field)).toEqual(expect.arrayContaining(['firstName', 'ownerId']))
      expect(create.changes.every((c) => c.before === null)).toBe(true)
    })

    it('records deletes with the values that were removed, and custom fields key by key', async () => {
      await crm.customFields.define('contact', { key: 'tier', type: 'text' })
      const c = await crm.contacts.create({ firstName: 'Grace', custom: { tier: 'gold' } })
      await crm.contacts.update(c.id, { custom: { tier: 'silver' } })
      await crm.contacts.delete(c.id)
      const page = await crm.plugins.audit
        .reader({ includeDeletedRecords: true })
        .timeline({ entity: 'contact', id: c.id })
      const [del, upd] = page.items as [AuditEntry, AuditEntry]
      expect(upd.changes).toMatchObject([{ field: 'custom.tier', before: 'gold', after: 'silver' }])
      expect(del.action).toBe('delete')
      expect(del.changes).toContainEqual(
        expect.objectContaining({ field: 'firstName', before: 'Grace', after: null }),
      )
      // Without includeDeletedRecords, a record that is gone has no readable history.
      await expect(
        crm.plugins.audit.reader().timeline({ entity: 'contact', id: c.id }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
    })

    it('writes nothing when the write rolls back', async () => {
      const before = await crm.entity('auditEvent').count()
      await expect(
        crm.transaction(async (tx) => {
          await tx.contacts.create({ firstName: 'Ghost' })
          throw new Error('abort')
        }),
      ).rejects.toThrow('abort')
      const failing = createCrm({
        storage: opened.storage,
        clock,
        plugins: [
          auditPlugin(),
          definePlugin({
            id: 'veto',
            hooks: {
              company: {
                create: {
                  after: () => {
                    throw new Error('veto')
                  },
                },
              },
            },
          }),
        ] as const,
      })
      await expect(failing.companies.create({ name: 'Nope' })).rejects.toThrow('veto')
      expect(await crm.entity('auditEvent').count()).toBe(before)
      expect(await crm.contacts.count({ where: { field: 'firstName', op: 'eq', value: 'Ghost' } })).toBe(0)
    })

    it('refuses writes to audit rows through the services, and changes nothing', async () => {
      const before = await crm.entity('auditEvent').count()
      const anyEvent = (await crm.entity<{ id: string }>('auditEvent').list({ limit: 1 })).items[0]!
      const attempts = [
        () => crm.entity('auditEvent').create({}),
        () => crm.entity('auditEvent').update(anyEvent.id, { reason: 'forged' }),
        () => crm.entity('auditEvent').delete(anyEvent.id),
        () => crm.entity('auditChange').create({}),
      ]
      for (const attempt of attempts) {
        const error = await attempt().catch((e: unknown) => e)
        expect(isRapportError(error) && ['AUDIT_READ_ONLY', 'VALIDATION_FAILED'].includes(error.code)).toBe(
          true,
        )
      }
      const error = await crm
        .entity('auditEvent')
        .update(anyEvent.id, { reason: 'forged' })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'AUDIT_READ_ONLY' })
      expect(await crm.entity('auditEvent').count()).toBe(before)
      expect((await crm.entity<{ reason: string | null }>('auditEvent').get(anyEvent.id)).reason).toBeNull()
    })

    it('pages every query with core keyset cursors, newest first, without gaps or repeats', async () => {
      const api = crm.scoped({
        actor: { id: 'usr_pager' },
        origin: { channel: 'api', requestId: 'req_pages' },
      })
      const deal = await api.contacts.create({ firstName: 'P0', ownerId: 'usr_pager' })
      for (let i = 1; i <= 6; i++) {
        now = new Date(now.getTime() + 60_000)
        await api.contacts.update(deal.id, { firstName: `P${i}` })
      }
      const reader = crm.plugins.audit.reader()
      const timeline = await all((cursor) =>
        reader.timeline({ entity: 'contact', id: deal.id, limit: 2, cursor }),
      )
      expect(timeline.map((e) => e.action)).toEqual([
        'update',
        'update',
        'update',
        'update',
        'update',
        'update',
        'create',
      ])
      expect(new Set(timeline.map((e) => e.id)).size).toBe(7)
      const field = await all((cursor) =>
        reader.fieldHistory({ entity: 'contact', field: 'firstName', id: deal.id, limit: 3, cursor }),
      )
      expect(field.map((c) => c.after)).toEqual(['P6', 'P5', 'P4', 'P3', 'P2', 'P1', 'P0'])
      const mine = await all((cursor) => reader.byActor({ actorId: 'usr_pager', limit: 4, cursor }))
      expect(mine).toHaveLength(7)
      const request = await all((cursor) => reader.byRequest({ requestId: 'req_pages', limit: 5, cursor }))
      expect(request).toHaveLength(7)
      const from = new Date(timeline[3]!.occurredAt)
      const to = new Date(timeline[0]!.occurredAt)
      const range = await all((cursor) => reader.between({ from, to, entity: 'contact', limit: 1, cursor }))
      expect(range.map((e) => e.id)).toEqual(timeline.slice(1, 4).map((e) => e.id))
    })

    it('shows readers only records they may read and fields they may read', async () => {
      const ann = crm.scoped({ actor: { id: 'usr_rep1', role: 'rep' } })
      const own = await ann.contacts.create({
        firstName: 'Mine',
        ownerId: 'usr_rep1',
        phones: [{ number: '+8613912345678' }],
      })
      const other = await crm.contacts.create({ firstName: 'Theirs', ownerId: 'usr_rep2' })
      await crm.scoped({ actor: { id: 'usr_rep1' } }).contacts.update(other.id, { lastName: 'Touched' })
      const reader = crm.plugins.audit.reader({ services: ann, actor: { id: 'usr_rep1', role: 'rep' } })
      const mine = await reader.timeline({ entity: 'contact', id: own.id })
      expect(mine.items[0]!.changes.map((c) => c.field)).not.toContain('phones')
      expect(await reader.fieldHistory({ entity: 'contact', field: 'phones', id: own.id })).toMatchObject({
        items: [],
      })
      const error = await reader.timeline({ entity: 'contact', id: other.id }).catch((e: unknown) => e)
      const missing = await reader.timeline({ entity: 'contact', id: 'con_missing' }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'NOT_FOUND' })
      expect((error as Error).message).toBe(`No contact with id "${other.id}"`)
      expect((missing as Error).message).toBe('No contact with id "con_missing"')
      const byMe = await all((cursor) => reader.byActor({ actorId: 'usr_rep1', cursor }))
      expect(byMe.map((e) => e.recordId)).toEqual([own.id])
      const admin = crm.plugins.audit.reader()
      expect(
        (await admin.timeline({ entity: 'contact', id: own.id })).items[0]!.changes.map((c) => c.field),
      ).toContain('phones')
    })

    it('rejects malformed queries and origins with typed errors', async () => {
      const reader = crm.plugins.audit.reader()
      await expect(reader.timeline({ entity: 'contact' } as never)).rejects.toMatchObject({
        code: 'AUDIT_INVALID_QUERY',
      })
      await expect(reader.between({ from: 'yesterday', to: new Date() } as never)).rejects.toMatchObject({
        code: 'AUDIT_INVALID_QUERY',
      })
      expect(() => crm.scoped({ origin: { channel: 'fax' } as never })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG' }),
      )
    })

    it('records erasure-channel writes as a skeleton without values', async () => {
      const c = await crm.contacts.create({ firstName: 'Secret' })
      await crm
        .scoped({ origin: { channel: 'erasure', reason: 'GDPR Art. 17' } })
        .contacts.update(c.id, { firstName: 'Erased' })
      const page = await crm.plugins.audit.reader().timeline({ entity: 'contact', id: c.id })
      expect(page.items[0]).toMatchObject({ channel: 'erasure', reason: 'GDPR Art. 17' })
      expect(page.items[0]!.changes).toEqual([
        expect.objectContaining({ field: 'firstName', before: null, after: null, redacted: true }),
      ])
    })
  })
}
