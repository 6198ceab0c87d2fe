import { createCrm, isRapportError } from '@rapport/core'
import type { StorageAdapter } from '@rapport/core/storage'
import { createMemoryStorage } from '@rapport/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { accessControl } from '../src/plugin/access-control.js'
import { backends, salesPolicy, seededCrm } from './fixture.js'

/**
 * Share grants stored per tenant in `shareGrant`: written through the CRM like any record, loaded per tenant,
 * dropped on every change (create, update, archive, delete, including inside a transaction), never leaking into
 * another tenant, refused with ACCESS_INVALID_GRANT when malformed, on memory, SQLite and Postgres.
 */
const adapters: { name: string; open: () => { storage: StorageAdapter; close(): Promise<void> } }[] = [
  { name: 'memory', open: () => ({ storage: createMemoryStorage(), close: async () => {} }) },
  ...backends().map((open, i) => ({ name: i === 0 ? 'sqlite' : 'postgres', open })),
]
const opened: { close(): Promise<void> }[] = []
/** A fresh storage per test (closed after the file). */
const fresh = (adapter: (typeof adapters)[number]) => {
  const b = adapter.open()
  opened.push(b)
  return b.storage
}

afterAll(async () => {
  for (const b of opened) await b.close()
})

const grant = (recordId: string, extra: Record<string, unknown> = {}) => ({
  entity: 'contact',
  recordId,
  principalType: 'user',
  principalId: 'usr_sam',
  level: 'read',
  reason: 'manual',
  ...extra,
})

for (const adapter of adapters) {
  describe(`stored share grants (${adapter.name})`, () => {
    it('shares a record per tenant and takes every change into account on the next query', async () => {
      const storage = fresh(adapter)
      const { crm, people, as } = await seededCrm(storage)
      const admin = as('usr_ada')
      const sam = as('usr_sam')
      const rays = people['usr_ray']!.contactId
      const notFound = async (p: Promise<unknown>) =>
        isRapportError(await p.catch((e: unknown) => e), 'NOT_FOUND')

      expect(await notFound(sam.contacts.get(rays))).toBe(true)
      const stored = (await admin.entity('shareGrant').create(grant(rays))) as { id: string }
      expect(stored.id).toMatch(/^shg_/)
      expect((await sam.contacts.get(rays)).id).toBe(rays)
      expect((await sam.contacts.list()).items.map((c) => c.id)).toContain(rays)
      // Read level: readable, so the refusal may say so, but no update.
      const readOnly = await sam.contacts.update(rays, { title: 'Sam was here' }).catch((e: unknown) => e)
      expect(isRapportError(readOnly, 'FORBIDDEN')).toBe(true)
      expect((await admin.contacts.get(rays)).title).not.toBe('Sam was here')
      // Raised to edit: the update goes through.
      await admin.entity('shareGrant').update(stored.id, { level: 'edit' })
      expect((await sam.contacts.update(rays, { title: 'Shared' })).title).toBe('Shared')
      // Archived: gone on the next query (archive runs no entity hooks; the event invalidates).
      await admin.entity('shareGrant').archive(stored.id)
      expect(await notFound(sam.contacts.get(rays))).toBe(true)
      await admin.entity('shareGrant').restore(stored.id)
      expect((await sam.contacts.get(rays)).id).toBe(rays)
      await admin.entity('shareGrant').delete(stored.id)
      expect(await notFound(sam.contacts.get(rays))).toBe(true)

      // A team grant reaches every member of the team.
      await admin
        .entity('shareGrant')
        .create(grant(rays, { principalType: 'team', principalId: 'west', reason: 'team' }))
      expect((await sam.contacts.get(rays)).id).toBe(rays)

      // Another CRM on the same storage (another process) loads the stored grants.
      const other = createCrm({ storage, plugins: [accessControl(salesPolicy())] as const })
      expect((await other.scoped({ actor: { id: 'usr_sam' } }).contacts.get(rays)).id).toBe(rays)

      // Grants are per tenant: a grant stored in tenant b never opens tenant a, and the reverse.
      const tenantB = crm.scoped({ tenantId: 'tenant_b', actor: { id: 'usr_ada' } })
      const theirs = await tenantB.contacts.create({ firstName: 'Their', ownerId: 'usr_ray' })
      const samB = crm.scoped({ tenantId: 'tenant_b', actor: { id: 'usr_sam' } })
      expect(await notFound(samB.contacts.get(theirs.id))).toBe(true)
      await admin.entity('shareGrant').create(grant(theirs.id))
      expect(await notFound(samB.contacts.get(theirs.id))).toBe(true)
      expect(await notFound(samB.contacts.get(rays))).toBe(true)
      await tenantB.entity('shareGrant').create(grant(theirs.id))
      expect((await samB.contacts.get(theirs.id)).id).toBe(theirs.id)
    })

    it('can() and scopeOf() see the grants stored in the tenant asked about, and follow their changes', async () => {
      const storage = fresh(adapter)
      const { crm, people, as } = await seededCrm(storage)
      const access = crm.plugins.access
      const sam = { id: 'usr_sam' }
      const rays = await as('usr_ada').contacts.get(people['usr_ray']!.contactId)
      const samScope = async (tenantId?: string) => {
        const where = await access.scopeOf(sam, 'read', 'contact', tenantId ? { tenantId } : undefined)
        const reader = crm.scoped({ tenantId: tenantId ?? 'default', actor: { id: 'usr_ada' } })
        return (await reader.contacts.list({ ...(where ? { where } : {}) })).items.map((c) => c.id)
      }
      expect(await access.can(sam, 'read', 'contact', rays)).toBe(false)
      expect(await samScope()).not.toContain(rays.id)

      const stored = (await as('usr_ada').entity('shareGrant').create(grant(rays.id))) as { id: string }
      expect(await access.can(sam, 'read', 'contact', rays)).toBe(true)
      expect(await access.can(sam, 'update', 'contact', rays)).toBe(false)
      expect(await samScope()).toContain(rays.id)
      // Stored grants are per tenant: the same record id asked about in another tenant is not shared.
      expect(await access.can(sam, 'read', 'contact', rays, { tenantId: 'tenant_b' })).toBe(false)
      expect(await samScope('tenant_b')).toEqual([])

      await as('usr_ada').entity('shareGrant').update(stored.id, { level: 'edit' })
      expect(await access.can(sam, 'update', 'contact', rays)).toBe(true)
      await as('usr_ada').entity('shareGrant').archive(stored.id)
      expect(await access.can(sam, 'read', 'contact', rays)).toBe(false)
      expect(await samScope()).not.toContain(rays.id)

      // A CRM that has run no operation yet initialises itself (and reads the stored grants) on the first call.
      await as('usr_ada').entity('shareGrant').restore(stored.id)
      const cold = createCrm({ storage, plugins: [accessControl(salesPolicy())] as const })
      expect(await cold.plugins.access.can(sam, 'read', 'contact', rays)).toBe(true)
      // An unusable tenant is a typed error, as crm.scoped() gives.
      for (const tenantId of ['', 'x'.repeat(101)]) {
        const error = await access.can(sam, 'read', 'contact', rays, { tenantId }).catch((e: unknown) => e)
        expect(isRapportError(error, 'INVALID_CONFIG')).toBe(true)
      }
    })

    it('never applies a grant whose transaction rolled back', async () => {
      const storage = fresh(adapter)
      const { crm, people, as } = await seededCrm(storage)
      const raes = people['usr_rae']!.contactId
      const sam = as('usr_sam')
      const failure = await crm
        .scoped({ actor: { id: 'usr_ada' } })
        .transaction(async (tx) => {
          await tx.entity('shareGrant').create(grant(raes))
          throw new Error('roll back')
        })
        .catch((e: unknown) => e)
      expect((failure as Error).message).toBe('roll back')
      expect(await as('usr_ada').entity('shareGrant').count()).toBe(0)
      expect(isRapportError(await sam.contacts.get(raes).catch((e: unknown) => e), 'NOT_FOUND')).toBe(true)
    })

    it('refuses malformed grants with ACCESS_INVALID_GRANT and writes nothing', async () => {
      const { people, as } = await seededCrm(fresh(adapter))
      const admin = as('usr_ada')
      const rays = people['usr_ray']!.contactId
      const bad = [
        grant(rays, { principalType: 'team', principalId: 'north' }),
        grant(rays, { entity: 'dealContact' }),
        grant(rays, { entity: 'shareGrant' }),
        grant(rays, { entity: 'spaceship' }),
      ]
      for (const input of bad) {
        const error = await admin
          .entity('shareGrant')
          .create(input)
          .catch((e: unknown) => e)
        expect(isRapportError(error, 'ACCESS_INVALID_GRANT')).toBe(true)
      }
      const reasonRefused = await admin
        .entity('shareGrant')
        .create(grant(rays, { reason: 'friendship' }))
        .catch((e: unknown) => e)
      expect(isRapportError(reasonRefused, 'VALIDATION_FAILED')).toBe(true)
      expect(await admin.entity('shareGrant').count()).toBe(0)
      // A rep has no rights on grants: they cannot share what they see.
      const repRefused = await as('usr_ray')
        .entity('shareGrant')
        .create(grant(rays))
        .catch((e: unknown) => e)
      expect(isRapportError(repRefused)).toBe(true)
      expect(await admin.entity('shareGrant').count()).toBe(0)
    })
  })
}
