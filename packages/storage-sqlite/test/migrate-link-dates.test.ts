import { createCrm } from '@rapport/core'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createSqliteStorage } from '../src/index.js'

/**
 * `crm.migrate()` dates the record links written before links carried `sourceAt` (the data migration
 * `backfillLinkDates`), and once every link is dated that costs one statement, a range of the `by_source_at` index.
 */
describe('migrate() and the undated links on SQLite', () => {
  it('dates old links, then finds nothing with one indexed statement', async () => {
    const database = new Database(':memory:')
    const statements: string[] = []
    let capturing = false
    const kysely = new Kysely<any>({
      dialect: new SqliteDialect({ database }),
      log: (event) => {
        if (capturing) statements.push(event.query.sql)
      },
    })
    const crm = createCrm({ storage: createSqliteStorage({ kysely }), tenantId: 'ten_dates' })
    await crm.migrate()
    const ada = await crm.contacts.create({ firstName: 'Ada' })
    const occurredAt = new Date('2026-03-01T10:00:00.000Z')
    await crm.activities.create({
      type: 'call',
      subject: 'old call',
      occurredAt,
      targets: [{ type: 'contact', id: ada.id }],
    })
    database.prepare('update record_link set source_at = null').run()

    const first = await crm.migrate()
    expect(first.linkDates).toEqual({ scanned: 1, dated: 1, unresolved: 0, batches: 1, cursor: null })
    const links = database.prepare('select source_at from record_link').all() as { source_at: unknown }[]
    expect(links).toHaveLength(1)
    expect(links[0]!.source_at).not.toBeNull()

    capturing = true
    const again = await crm.migrate()
    capturing = false
    expect(again.applied).toEqual([])
    expect(again.linkDates).toEqual({ scanned: 0, dated: 0, unresolved: 0, batches: 1, cursor: null })
    const linkReads = statements.filter((s) => /\bfrom "record_link"/i.test(s))
    expect(linkReads).toHaveLength(1)
    expect(statements.filter((s) => /^\s*(update|insert|delete)\b/i.test(s))).toEqual([])
    const plan = (
      database.prepare(`explain query plan ${linkReads[0]}`).all('ten_dates', 'activity', 'task', 500) as {
        detail: string
      }[]
    ).map((r) => r.detail)
    expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX record_link_by_source_at/)
    // A range of the index in id order: no table scan and no sort.
    expect(plan.join('\n')).not.toMatch(/\bSCAN\b|TEMP B-TREE/)
    await crm.close()
  })
})
