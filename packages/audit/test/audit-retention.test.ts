import { createCrm } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditPlugin } from '../src/index.js'

const DAY = 86_400_000

for (const backend of storages) {
  describe(`audit retention on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-01-01T00:00:00.000Z')
    let crm: ReturnType<typeof createCrm<readonly [ReturnType<typeof auditPlugin>]>>
    beforeAll(async () => {
      opened = await backend.open('retention')
      crm = createCrm({ storage: opened.storage, clock: () => now, plugins: [auditPlugin()] as const })
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('purges per tenant and per entity, keeps the rest and records the run without values', async () => {
      const old = await crm.contacts.create({ firstName: 'Old' })
      const oldCompany = await crm.companies.create({ name: 'Old Co' })
      const otherTenant = crm.scoped({ tenantId: 't2' })
      const foreign = await otherTenant.contacts.create({ firstName: 'Foreign' })
      now = new Date(now.getTime() + 100 * DAY)
      const recent = await crm.contacts.create({ firstName: 'Recent' })
      await crm.plugins.audit.retention.set({ retainDays: 30 })
      await crm.plugins.audit.retention.set({ entity: 'company', retainDays: 365 })
      expect(await crm.plugins.audit.retention.list()).toEqual(
        expect.arrayContaining([
          { entity: '*', retainDays: 30 },
          { entity: 'company', retainDays: 365 },
        ]),
      )
      const report = await crm.plugins.audit.retention.run({ now })
      expect(report.purged).toEqual({ '*': 1 })
      const reader = crm.plugins.audit.reader({ includeDeletedRecords: true })
      expect((await reader.timeline({ entity: 'contact', id: old.id })).items).toEqual([])
      expect((await reader.timeline({ entity: 'company', id: oldCompany.id })).items).toHaveLength(1)
      expect((await reader.timeline({ entity: 'contact', id: recent.id })).items).toHaveLength(1)
      const t2 = crm.plugins.audit.reader({ services: otherTenant })
      expect((await t2.timeline({ entity: 'contact', id: foreign.id })).items).toHaveLength(1)
      expect(
        await crm.entity('auditChange').count({ where: { field: 'recordId', op: 'eq', value: old.id } }),
      ).toBe(0)
      const purge = await crm
        .entity<{ action: string; reason: string }>('auditEvent')
        .get(report.purgeEventId!)
      expect(purge).toMatchObject({ action: 'purge', reason: expect.stringContaining('1 other events') })
      // Idempotent: nothing more is due.
      expect((await crm.plugins.audit.retention.run({ now })).purged).toEqual({})
    })

    it('rejects a malformed policy and stores nothing', async () => {
      const before = await crm.plugins.audit.retention.list()
      await expect(crm.plugins.audit.retention.set({ retainDays: 0 })).rejects.toMatchObject({
        code: 'AUDIT_INVALID_RETENTION',
      })
      await expect(crm.plugins.audit.retention.set({ retainDays: 1.5 } as never)).rejects.toMatchObject({
        code: 'AUDIT_INVALID_RETENTION',
      })
      expect(await crm.plugins.audit.retention.list()).toEqual(before)
    })
  })
}
