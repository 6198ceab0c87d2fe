import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { auditPlugin } from '@rapport/audit'
import { createCrm, definePlugin } from '@rapport/core'
import { defineEntity } from '@rapport/core/entities'
import type { StorageAdapter } from '@rapport/core/storage'
import { createSqliteStorage } from '@rapport/storage-sqlite'
import { openPostgres } from '@rapport/test-storages'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { privacyPlugin } from '../src/index.js'

const SECRET = 'dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IG9mIDMyKyBieXRlcyEhIQ'

/**
 * Canary tokens: every piece of the subject's personal data carries one, so a scan for each token (full-text indexes
 * keep tokens, not strings) proves the value is gone. Lower case, because the search index lower-cases.
 */
const CANARY = {
  first: 'qzfirstcanary',
  last: 'qzlastcanary',
  lastBefore: 'qzoldlastcanary',
  emailUser: 'qzmailcanary',
  emailDomain: 'qzdomaincanary',
  phone: '13977001234',
  street: 'qzstreetcanary',
  diagnosis: 'qzdiagnosiscanary',
  note: 'qznotecanary',
  consent: 'qzconsentcanary',
  webhook: 'qzhookcanary',
}
const tokens = Object.values(CANARY)

const webhookLog = defineEntity({
  name: 'webhookLog',
  idPrefix: 'whl',
  shape: { url: z.string(), payload: z.record(z.string(), z.unknown()) },
})

function build(storage: StorageAdapter) {
  return createCrm({
    storage,
    customFields: { contact: [{ key: 'diagnosis', type: 'text' }] },
    plugins: [
      auditPlugin(),
      definePlugin({ id: 'hooks', schema: { entities: [webhookLog] } }),
      privacyPlugin({
        secret: SECRET,
        logs: ['webhookLog'],
        fields: { contact: { 'custom.diagnosis': { sensitive: true } } },
      }),
    ] as const,
  })
}

/** Other people, the subject with a canary in every PII field, its history, notes, consent and webhook log. */
async function seed(crm: ReturnType<typeof build>) {
  const others = await crm.contacts.createMany(
    Array.from({ length: 200 }, (_, i) => ({
      firstName: `Other${i}`,
      lastName: 'Person',
      emails: [{ address: `other${i}@example.test` }],
      phones: [{ number: `+4420700${String(i).padStart(5, '0')}` }],
    })),
  )
  const subject = await crm.contacts.create({
    firstName: `Ada ${CANARY.first}`,
    lastName: CANARY.lastBefore,
    emails: [{ address: `${CANARY.emailUser}@${CANARY.emailDomain}.test` }],
    phones: [{ number: `+86${CANARY.phone}` }],
    address: { street: `1 ${CANARY.street} Road`, city: 'Leeds' },
    custom: { diagnosis: `chronic ${CANARY.diagnosis}` },
  })
  await crm.contacts.update(subject.id, { lastName: CANARY.last })
  await crm.activities.create({
    type: 'note',
    subject: `Met ${CANARY.first}`,
    body: `Notes about ${CANARY.note} and ${CANARY.emailUser}`,
    occurredAt: new Date(),
    targets: [{ type: 'contact', id: subject.id }],
  })
  await crm.plugins.privacy.consent.record({
    subjectId: subject.id,
    purpose: 'newsletter',
    channel: 'email',
    status: 'opt_in',
    source: 'form:signup',
    evidence: { typed: CANARY.consent },
  })
  await crm.entity('webhookLog').create({
    url: 'https://hooks.example/crm',
    payload: {
      contactId: subject.id,
      email: `${CANARY.emailUser}@${CANARY.emailDomain}.test`,
      note: CANARY.webhook,
    },
  })
  expect((await crm.contacts.search(CANARY.first)).map((c) => c.id)).toEqual([subject.id])
  const before = JSON.stringify(await crm.contacts.get(others[0]!.id))
  return { subject, others, before }
}

function found(haystack: string): string[] {
  const lower = haystack.toLowerCase()
  return tokens.filter((t) => lower.includes(t))
}

describe('erasure proof', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('on SQLite (secure_delete on), a byte scan of the database file finds none of the subject’s PII', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-erasure-'))
    dirs.push(dir)
    const file = join(dir, 'crm.db')
    const storage = createSqliteStorage({ file, pragmas: { secure_delete: 'ON' } })
    const crm = build(storage)
    await crm.migrate()
    const { subject, others, before } = await seed(crm)
    // Before erasure the canaries are on disk (the scan is able to see them).
    await storage.kysely.executeQuery(sql`pragma wal_checkpoint(TRUNCATE)`.compile(storage.kysely))
    expect(found(readFileSync(file).toString('latin1')).length).toBeGreaterThan(5)

    const receipt = await crm.plugins.privacy.erase({ id: subject.id, reason: 'proof' })
    expect(receipt.scrubbed).toBe(true)
    expect(await crm.contacts.search(CANARY.first)).toEqual([])
    expect(await crm.contacts.search(CANARY.emailUser)).toEqual([])
    expect(JSON.stringify(await crm.contacts.get(others[0]!.id))).toBe(before)
    await expect(
      crm.contacts.create({
        firstName: 'Back',
        emails: [{ address: `${CANARY.emailUser}@${CANARY.emailDomain}.test` }],
      }),
    ).rejects.toMatchObject({
      code: 'PRIVACY_SUPPRESSED',
    })
    await crm.close()
    const bytes = readFileSync(file).toString('latin1')
    const wal = (() => {
      try {
        return readFileSync(`${file}-wal`).toString('latin1')
      } catch {
        return ''
      }
    })()
    expect(found(bytes)).toEqual([])
    expect(found(wal)).toEqual([])
    expect(bytes).toContain('other199@example.test')
  })

  it('on Postgres, a scan of every table of the schema finds none of the subject’s PII', async () => {
    const pg = await openPostgres('erasure')
    try {
      const crm = build(pg.storage)
      await crm.migrate()
      const { subject, others, before } = await seed(crm)
      const scan = async () => {
        const tables = await sql<{
          table_name: string
        }>`select table_name from information_schema.tables where table_schema = ${pg.schema}`.execute(
          pg.kysely,
        )
        let text = ''
        for (const { table_name } of tables.rows) {
          const rows = await sql<{
            row: string
          }>`select t::text as row from ${sql.id(pg.schema, table_name)} as t`.execute(pg.kysely)
          text += rows.rows.map((r) => r.row).join('\n')
        }
        return text
      }
      expect(found(await scan()).length).toBeGreaterThan(5)
      await crm.plugins.privacy.erase({ id: subject.id, reason: 'proof' })
      expect(found(await scan())).toEqual([])
      expect(JSON.stringify(await crm.contacts.get(others[0]!.id))).toBe(before)
      expect(await crm.contacts.search(CANARY.first)).toEqual([])
    } finally {
      await pg.dispose()
    }
  })
})
