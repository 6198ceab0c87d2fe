import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { backends } from './fixture.js'

/**
 * A reference holding another tenant's id is refused with the missing-id answer on every adapter, and nothing is
 * written: `deal.leadId` and `recordLink` ends used to keep such dangling cross-tenant links.
 */
const adapters: { name: string; storage: () => StorageAdapter; close?: () => Promise<void> }[] = [
  { name: 'memory', storage: () => createMemoryStorage() },
  ...backends().map((open) => {
    const b = open()
    return { name: b.name, storage: () => b.storage, close: () => b.close() }
  }),
]

afterAll(async () => {
  for (const a of adapters) await a.close?.()
})

for (const adapter of adapters) {
  describe(`cross-tenant references (${adapter.name})`, () => {
    it('refuses another tenant’s lead on a deal and another tenant’s records in a link, writing nothing', async () => {
      const storage = adapter.storage()
      const a = createCrm({ storage, tenantId: 'tenant_a' })
      await a.migrate()
      const b = a.scoped({ tenantId: 'tenant_b' })
      const theirLead = await b.leads.create({ title: 'Their lead', lastName: 'Other' })
      const theirContact = await b.contacts.create({ firstName: 'Other' })
      const pipeline = await a.pipelines.create({ name: 'Sales', stages: [{ name: 'New' }] })
      const stageId = pipeline.stages[0]?.id as string
      const dealRefused = await a.deals
        .create({ name: 'Deal', pipelineId: pipeline.id, stageId, leadId: theirLead.id })
        .catch((e: unknown) => e)
      expect(isRapportError(dealRefused, 'VALIDATION_FAILED')).toBe(true)
      expect(
        (dealRefused as Error).message + JSON.stringify((dealRefused as { details: unknown }).details),
      ).toContain(`No lead with the id \\"${theirLead.id}\\"`)
      expect(await a.deals.count()).toBe(0)
      const ourActivity = await a.activities.create({ type: 'note', subject: 'Call', occurredAt: new Date() })
      const linkRefused = await a
        .entity('recordLink')
        .create({
          sourceType: 'activity',
          sourceId: ourActivity.id,
          targetType: 'contact',
          targetId: theirContact.id,
        })
        .catch((e: unknown) => e)
      expect(isRapportError(linkRefused, 'VALIDATION_FAILED')).toBe(true)
      expect(await a.entity('recordLink').count()).toBe(0)
      // The same ids inside their own tenant are fine.
      const ourLead = await a.leads.create({ title: 'Our lead', lastName: 'Own' })
      expect(
        (await a.deals.create({ name: 'Deal', pipelineId: pipeline.id, stageId, leadId: ourLead.id })).leadId,
      ).toBe(ourLead.id)
    })
  })
}
