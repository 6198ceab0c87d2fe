import { createCrm, definePlugin } from '@rapport/core'
import type { PluginContext } from '@rapport/core/plugin'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditPlugin, changeIds, redactAuditHistory } from '../src/index.js'

/** Hands the test the plugin context: raw storage and the resolved schema, as a host's own plugin gets them. */
const host = definePlugin({ id: 'host', api: (ctx: PluginContext) => ctx })

function build(storage: TestStorage['storage'], clock: () => Date) {
  return createCrm({ storage, clock, plugins: [auditPlugin(), host] as const })
}

for (const backend of storages) {
  describe(`audit storage layout on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-03-01T00:00:00.000Z')
    let crm: ReturnType<typeof build>
    beforeAll(async () => {
      opened = await backend.open('layout')
      crm = build(opened.storage, () => now)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('writes one event row per audited write, carrying every changed field inline', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 12 }), async (n) => {
          const events = await crm.entity('auditEvent').count()
          const created = await crm.contacts.createMany(
            Array.from({ length: n }, (_, i) => ({ firstName: `F${i}`, tags: ['x'] })),
          )
          await crm.contacts.update(created[0]!.id, { title: 'CEO' })
          expect(await crm.entity('auditEvent').count()).toBe(events + n + 1)
          expect(await crm.entity('auditChange').count()).toBe(0)
          const rows = (
            await crm
              .entity<{ recordId: string; fields: string[]; changes: { field: string }[] }>('auditEvent')
              .list({
                where: { field: 'recordId', op: 'eq', value: created[0]!.id },
              })
          ).items
          for (const row of rows) expect(row.changes.map((c) => c.field)).toEqual(row.fields)
        }),
        { numRuns: 5 },
      )
    })

    it('redacts inline values and keeps the skeleton', async () => {
      const c = await crm.contacts.create({ firstName: 'Hidden', lastName: 'Person' })
      await crm.contacts.update(c.id, { firstName: 'Still' })
      const { storage, schema, tenantId } = crm.plugins.host
      const report = await redactAuditHistory(
        storage,
        schema,
        tenantId,
        [{ entity: 'contact', ids: [c.id] }],
        now,
      )
      expect(report.events).toBe(2)
      expect(report.changes).toBeGreaterThanOrEqual(3)
      const page = await crm.plugins.audit.reader().timeline({ entity: 'contact', id: c.id })
      const [update, create] = page.items
      expect(update!.redacted).toBe(true)
      expect(update!.changes).toEqual([
        expect.objectContaining({ field: 'firstName', before: null, after: null, redacted: true }),
      ])
      expect(create!.changes.map((ch) => ch.field)).toEqual(expect.arrayContaining(['firstName', 'lastName']))
      expect(create!.changes.every((ch) => ch.before === null && ch.after === null && ch.redacted)).toBe(true)
    })

    it('still reads, finds and redacts history recorded as change rows', async () => {
      const c = await crm.contacts.create({ firstName: 'Legacy' })
      now = new Date(now.getTime() + 1000)
      const { storage, schema, tenantId } = crm.plugins.host
      const eventModel = schema.models['auditEvent']!
      const changeModel = schema.models['auditChange']!
      const eventId = 'aev_01KZZZZZZZZZZZZZZZZZZZZZZZ'
      const base = { tenantId, createdAt: now, updatedAt: now, version: 1, archivedAt: null, occurredAt: now }
      await storage.createMany({
        model: eventModel,
        tenantId,
        schema,
        data: [
          {
            ...base,
            id: eventId,
            seq: 0,
            entity: 'contact',
            recordId: c.id,
            action: 'update',
            actorId: 'usr_old',
            channel: 'api',
            channelRef: null,
            requestId: null,
            causationId: null,
            reason: null,
            fields: ['legacyNote'],
            redactedAt: null,
          },
        ],
      })
      await storage.createMany({
        model: changeModel,
        tenantId,
        schema,
        data: [
          {
            ...base,
            id: changeIds(eventId, 1)[0]!,
            eventId,
            entity: 'contact',
            recordId: c.id,
            field: 'legacyNote',
            actorId: 'usr_old',
            before: 'a',
            after: 'b',
            redactedAt: null,
          },
        ],
      })
      const reader = crm.plugins.audit.reader()
      const page = await reader.timeline({ entity: 'contact', id: c.id })
      expect(page.items[0]).toMatchObject({
        id: eventId,
        changes: [expect.objectContaining({ field: 'legacyNote', before: 'a', after: 'b', redacted: false })],
      })
      const across = await reader.fieldHistory({ entity: 'contact', field: 'legacyNote' })
      expect(across.items).toEqual([expect.objectContaining({ eventId, before: 'a', after: 'b' })])
      await redactAuditHistory(storage, schema, tenantId, [{ entity: 'contact', ids: [c.id] }], now)
      const redacted = await reader.fieldHistory({ entity: 'contact', field: 'legacyNote', id: c.id })
      expect(redacted.items).toEqual([
        expect.objectContaining({ eventId, before: null, after: null, redacted: true }),
      ])
    })
  })
}
