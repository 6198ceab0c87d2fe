import { createCrm } from '@rapport/core'
import type { TestStorage } from '@rapport/test-storages'
import { storages } from '@rapport/test-storages'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../src/index.js'
import { auditPlugin } from '../src/index.js'

const patch = fc.record(
  {
    firstName: fc.string({ minLength: 1, maxLength: 8 }),
    lastName: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: null }),
    ownerId: fc.option(fc.constantFrom('usr_a', 'usr_b'), { nil: null }),
    tags: fc.uniqueArray(fc.constantFrom('vip', 'cold', 'new'), { maxLength: 3 }),
    custom: fc.record(
      { tier: fc.option(fc.constantFrom('gold', 'silver'), { nil: null }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
)

const REPLAYED = ['firstName', 'lastName', 'ownerId', 'tags', 'custom'] as const

/** Rebuilds a record's audited fields from its history alone, oldest event first. */
function replay(history: readonly AuditEntry[]): Record<string, unknown> {
  const state: Record<string, unknown> = { custom: {} }
  for (const event of [...history].reverse()) {
    for (const change of event.changes) {
      if (change.field.startsWith('custom.')) {
        const custom = { ...(state['custom'] as Record<string, unknown>) }
        if (change.after === null) delete custom[change.field.slice(7)]
        else custom[change.field.slice(7)] = change.after
        state['custom'] = custom
      } else {
        state[change.field] = change.after
      }
    }
  }
  return state
}

for (const backend of storages.filter((s) => s.name !== 'postgres')) {
  describe(`audit replay on ${backend.name}`, () => {
    let opened: TestStorage
    let crm: ReturnType<typeof createCrm<readonly [ReturnType<typeof auditPlugin>]>>
    beforeAll(async () => {
      opened = await backend.open('replay')
      crm = createCrm({ storage: opened.storage, plugins: [auditPlugin()] as const })
      await crm.migrate()
      await crm.customFields.define('contact', { key: 'tier', type: 'text' })
    })
    afterAll(() => opened.dispose())

    it('replaying the change rows from the empty state reproduces the record, field by field', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(patch, { minLength: 1, maxLength: 8 }), async (patches) => {
          const created = await crm.contacts.create({ firstName: 'start' })
          for (const p of patches) await crm.contacts.update(created.id, p)
          const final = (await crm.contacts.get(created.id)) as unknown as Record<string, unknown>
          const history: AuditEntry[] = []
          let cursor: string | null = null
          do {
            const page = await crm.plugins.audit
              .reader()
              .timeline({ entity: 'contact', id: created.id, cursor })
            history.push(...page.items)
            cursor = page.nextCursor
          } while (cursor)
          const state = replay(history)
          for (const field of REPLAYED) {
            const expected = final[field]
            const empty = expected === null || (Array.isArray(expected) && expected.length === 0)
            if (empty)
              expect(state[field] ?? null, field).toSatisfy(
                (v: unknown) => v === null || (Array.isArray(v) && v.length === 0),
              )
            else expect(state[field], field).toEqual(expected)
          }
        }),
        { numRuns: 40 },
      )
    })
  })
}
