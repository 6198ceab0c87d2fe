import { auditPlugin } from '@rapport/audit'
import { createCrm, definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import { createMemoryStorage } from '@rapport/core/testing'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { privacyPlugin } from '../src/index.js'

const SECRET = 'dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IG9mIDMyKyBieXRlcyEhIQ'

/** A host's webhook delivery log: erasure must purge rows that mention the subject. */
const webhookLog = defineEntity({
  name: 'webhookLog',
  idPrefix: 'whl',
  shape: { url: z.string(), payload: z.record(z.string(), z.unknown()) },
})
const hostLog = definePlugin({ id: 'hooks', schema: { entities: [webhookLog] } })

function build(storage: TestStorage['storage'], clock: () => Date) {
  return createCrm({
    storage,
    clock,
    customFields: { contact: [{ key: 'diagnosis', type: 'text' }] },
    plugins: [
      auditPlugin(),
      hostLog,
      privacyPlugin({
        secret: SECRET,
        clock,
        logs: ['webhookLog'],
        fields: { contact: { 'custom.diagnosis': { sensitive: true } } },
      }),
    ] as const,
  })
}

for (const backend of storages) {
  describe(`privacy on ${backend.name}`, () => {
    let opened: TestStorage
    let now = new Date('2026-05-01T08:00:00.000Z')
    const clock = () => now
    let crm: ReturnType<typeof build>

    beforeAll(async () => {
      opened = await backend.open('privacy')
      crm = build(opened.storage, clock)
      await crm.migrate()
    })
    afterAll(() => opened.dispose())

    it('keeps consent per purpose and channel, newest statement first, with double opt-in', async () => {
      const c = await crm.contacts.create({ firstName: 'Con' })
      const consent = crm.plugins.privacy.consent
      expect(await consent.state(c.id, 'newsletter', 'email')).toBe('none')
      await consent.record({
        subjectId: c.id,
        purpose: 'newsletter',
        channel: '*',
        status: 'opt_out',
        source: 'import:job_1',
      })
      expect(await consent.state(c.id, 'newsletter', 'sms')).toBe('opt_out')
      const { token } = await consent.requestDoubleOptIn({
        subjectId: c.id,
        purpose: 'newsletter',
        channel: 'email',
        source: 'form:signup',
        evidence: { formVersion: 3 },
      })
      expect(await consent.state(c.id, 'newsletter', 'email')).toBe('pending_double_opt_in')
      now = new Date(now.getTime() + 60_000)
      const confirmed = await consent.confirm(token)
      expect(confirmed).toMatchObject({
        status: 'opt_in',
        doubleOptInAt: now,
        source: 'form:signup',
        evidence: { formVersion: 3 },
      })
      expect(await consent.state(c.id, 'newsletter', 'email')).toBe('opt_in')
      expect(await consent.state(c.id, 'newsletter', 'sms')).toBe('opt_out')
      // A token works once.
      await expect(consent.confirm(token)).rejects.toMatchObject({ code: 'PRIVACY_INVALID_TOKEN' })
      const history = await consent.history(c.id)
      expect(history.items.map((h) => h.status)).toEqual(['opt_in', 'pending_double_opt_in', 'opt_out'])
      expect(history.items[1]).not.toHaveProperty('tokenHash')
    })

    it('refuses expired tokens and malformed consent, writing nothing', async () => {
      const c = await crm.contacts.create({ firstName: 'Late' })
      const consent = crm.plugins.privacy.consent
      const { token } = await consent.requestDoubleOptIn({
        subjectId: c.id,
        purpose: 'offers',
        channel: 'sms',
        source: 'form:x',
        ttlHours: 1,
      })
      now = new Date(now.getTime() + 2 * 3_600_000)
      await expect(consent.confirm(token)).rejects.toMatchObject({ code: 'PRIVACY_INVALID_TOKEN' })
      await expect(consent.confirm('not-a-token')).rejects.toMatchObject({ code: 'PRIVACY_INVALID_TOKEN' })
      const before = (await consent.history(c.id)).items.length
      await expect(
        consent.record({
          subjectId: c.id,
          purpose: 'offers',
          channel: 'fax',
          status: 'opt_in',
          source: 'x',
        } as never),
      ).rejects.toMatchObject({
        code: 'PRIVACY_INVALID_CONSENT',
      })
      await expect(
        consent.record({
          subjectId: 'con_nobody',
          purpose: 'offers',
          channel: 'sms',
          status: 'opt_in',
          source: 'x',
        }),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      expect((await consent.history(c.id)).items).toHaveLength(before)
      expect(await consent.state(c.id, 'offers', 'sms')).toBe('pending_double_opt_in')
    })

    it('stores sensitive fields encrypted with the subject key, bound to their place', async () => {
      const c = await crm.contacts.create({ firstName: 'Sam', custom: { diagnosis: 'asthma' } })
      expect(c.custom['diagnosis']).toMatch(/^rpk1\./)
      const revealed = await crm.plugins.privacy.reveal('contact', c)
      expect(revealed.custom['diagnosis']).toBe('asthma')
      const updated = await crm.contacts.update(c.id, { custom: { diagnosis: 'asthma, mild' } })
      expect((await crm.plugins.privacy.reveal('contact', updated)).custom['diagnosis']).toBe('asthma, mild')
      expect(
        await crm.entity('privacyKey').count({ where: { field: 'subjectId', op: 'eq', value: c.id } }),
      ).toBe(1)
      // Copied into another field, the ciphertext does not decrypt (the AAD names tenant, entity and field).
      await expect(
        crm.plugins.privacy.open(
          { entity: 'contact', field: 'firstName' },
          updated.custom['diagnosis'] as string,
        ),
      ).rejects.toMatchObject({
        code: 'PRIVACY_DECRYPT_FAILED',
      })
      // No key material reaches audit history.
      const page = await crm.plugins.audit.reader().timeline({ entity: 'contact', id: c.id })
      expect(JSON.stringify(page)).not.toContain('asthma')
    })

    it('exports everything about a subject and erases it, after which its email cannot come back', async () => {
      const subject = await crm.contacts.create({
        firstName: 'Erin',
        lastName: 'Export',
        emails: [{ address: 'Erin.Export@Example.test' }],
        custom: { diagnosis: 'migraine' },
      })
      const other = await crm.contacts.create({
        firstName: 'Olga',
        emails: [{ address: 'olga@example.test' }],
      })
      await crm.contacts.update(subject.id, { lastName: 'Exported' })
      const call = await crm.activities.create({
        type: 'call',
        subject: 'Call with Erin',
        occurredAt: now,
        targets: [{ type: 'contact', id: subject.id }],
      })
      const meeting = await crm.activities.create({
        type: 'meeting',
        subject: 'Erin and Olga',
        occurredAt: now,
        targets: [
          { type: 'contact', id: subject.id },
          { type: 'contact', id: other.id },
        ],
      })
      await crm
        .entity('webhookLog')
        .create({ url: 'https://hooks.example/crm', payload: { email: 'erin.export@example.test' } })
      const unrelatedLog = await crm
        .entity<{ id: string }>('webhookLog')
        .create({ url: 'https://hooks.example/crm', payload: { email: 'olga@example.test' } })
      await crm.plugins.privacy.consent.record({
        subjectId: subject.id,
        purpose: 'newsletter',
        channel: 'email',
        status: 'opt_in',
        source: 'form:a',
      })

      const exported = await crm.plugins.privacy.export({ id: subject.id })
      const json = JSON.parse(JSON.stringify(exported))
      expect(json.subject.record).toMatchObject({
        firstName: 'Erin',
        lastName: 'Exported',
        custom: { diagnosis: 'migraine' },
      })
      expect(json.related.activity.map((a: { id: string }) => a.id).sort()).toEqual(
        [call.id, meeting.id].sort(),
      )
      expect(json.consents).toHaveLength(1)
      expect(
        json.audit
          .filter((e: { recordId: string }) => e.recordId === subject.id)
          .map((e: { action: string }) => e.action)
          .sort(),
      ).toEqual(['create', 'update'])
      expect(json.events.webhookLog).toHaveLength(1)

      const receipt = await crm.plugins.privacy.erase({ id: subject.id, reason: 'GDPR Art. 17 #42' })
      expect(receipt).toMatchObject({
        deleted: { contact: 1, activity: 1 },
        anonymised: { activity: 1 },
        consentsDeleted: 1,
        keysDestroyed: 1,
        logRowsDeleted: 1,
        suppressionEntries: 1,
      })
      expect(receipt.redactedAuditChanges).toBeGreaterThan(0)
      await expect(crm.contacts.get(subject.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(crm.activities.get(call.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      expect((await crm.activities.get(meeting.id)).subject).toBe('[erased]')
      expect(await crm.contacts.get(other.id)).toMatchObject({ firstName: 'Olga' })
      expect(await crm.entity('webhookLog').get(unrelatedLog.id)).toMatchObject({
        payload: { email: 'olga@example.test' },
      })
      // Crypto-shredding: the old ciphertext can never be opened again.
      await expect(
        crm.plugins.privacy.open(
          { entity: 'contact', field: 'custom.diagnosis' },
          subject.custom['diagnosis'] as string,
        ),
      ).rejects.toMatchObject({
        code: 'PRIVACY_KEY_SHREDDED',
      })
      // The history keeps its skeleton, without values.
      const history = await crm.plugins.audit
        .reader({ includeDeletedRecords: true })
        .timeline({ entity: 'contact', id: subject.id })
      expect(history.items.map((e) => e.action)).toEqual(['delete', 'update', 'create'])
      expect(
        history.items.every((e) =>
          e.changes.every((c) => c.before === null && c.after === null && c.redacted),
        ),
      ).toBe(true)
      expect(history.items[0]).toMatchObject({ channel: 'erasure', reason: 'GDPR Art. 17 #42' })
      // Suppression: a later import with the same email (any case) is refused and writes nothing.
      const count = await crm.contacts.count()
      await expect(
        crm.contacts.create({ firstName: 'Erin', emails: [{ address: 'ERIN.export@example.TEST' }] }),
      ).rejects.toMatchObject({
        code: 'PRIVACY_SUPPRESSED',
      })
      await expect(
        crm.contacts.createMany([
          { firstName: 'x' },
          { firstName: 'Erin', emails: [{ address: 'erin.export@example.test' }] },
        ]),
      ).rejects.toMatchObject({
        code: 'PRIVACY_SUPPRESSED',
      })
      expect(await crm.contacts.count()).toBe(count)
    })
  })
}

describe('privacy configuration', () => {
  it('refuses tags on unknown entities or fields before anything runs, and short secrets at once', async () => {
    const crm = createCrm({
      storage: createMemoryStorage(),
      plugins: [privacyPlugin({ secret: SECRET, fields: { contact: { shoeSize: { pii: true } } } })] as const,
    })
    await expect(crm.migrate()).rejects.toMatchObject({
      code: 'PRIVACY_INVALID_CONFIG',
      details: { issues: ['unknown field "contact.shoeSize"'] },
    })
    await expect(crm.contacts.create({ firstName: 'x' })).rejects.toMatchObject({
      code: 'PRIVACY_INVALID_CONFIG',
    })
    expect(() => privacyPlugin({ secret: 'short' })).toThrow(
      expect.objectContaining({ code: 'PRIVACY_INVALID_CONFIG' }),
    )
    const sensitiveDeal = createCrm({
      storage: createMemoryStorage(),
      plugins: [privacyPlugin({ secret: SECRET, fields: { deal: { name: { sensitive: true } } } })] as const,
    })
    await expect(sensitiveDeal.migrate()).rejects.toMatchObject({ code: 'PRIVACY_INVALID_CONFIG' })
  })
})
