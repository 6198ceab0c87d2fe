import { createCrm } from '@rapport/core'
import type { AccessPolicy } from '@rapport/core/access'
import { createMemoryStorage } from '@rapport/core/testing'
import { describe, expect, it } from 'vitest'
import { auditFieldAccess, auditPlugin } from '../src/index.js'

/** A policy in the shape of core's AccessPolicy port: reps cannot read deal amounts and see phones masked. */
const policy: AccessPolicy = {
  scope: () => null,
  fields: ({ entity, actor }) =>
    actor?.['role'] === 'rep' && (entity === 'deal' || entity === 'contact')
      ? {
          hidden: new Set(entity === 'deal' ? ['amount'] : []),
          masked: new Map(entity === 'contact' ? [['phones', () => '***']] : []),
          readOnly: new Set(),
        }
      : null,
}

describe('audit history through the access policy port', () => {
  it('drops hidden and masked fields from a rep’s history and keeps them for others', async () => {
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [auditPlugin({ fieldAccess: auditFieldAccess(policy) })] as const,
    })
    const c = await crm.contacts.create({ firstName: 'Ada', phones: [{ number: '+8613912345678' }] })
    await crm.contacts.update(c.id, { phones: [{ number: '+8613900000000' }], lastName: 'L' })
    const rep = crm.plugins.audit.reader({ actor: { id: 'u1', role: 'rep' } })
    const admin = crm.plugins.audit.reader({ actor: { id: 'u2', role: 'admin' } })
    const fields = async (reader: typeof rep) =>
      (await reader.timeline({ entity: 'contact', id: c.id })).items.flatMap((e) =>
        e.changes.map((ch) => ch.field),
      )
    expect(await fields(rep)).not.toContain('phones')
    expect(await fields(rep)).toContain('lastName')
    expect(await fields(admin)).toContain('phones')
    expect((await rep.fieldHistory({ entity: 'contact', field: 'phones' })).items).toEqual([])
    expect((await admin.fieldHistory({ entity: 'contact', field: 'phones' })).items).toHaveLength(2)
  })
})
