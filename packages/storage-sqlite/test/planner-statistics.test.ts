import { createCrm } from '@rapport/core'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createSqliteStorage } from '../src/index.js'

/**
 * SQLite collects planner statistics only when asked. `migrations.apply()` ends with `PRAGMA optimize=0x10002`, so a
 * database migrated again after it filled up (a deploy, a restart) has statistics for its grown tables, and the
 * planner reads one customer's links instead of walking every activity newest first.
 */
describe('planner statistics on SQLite', () => {
  it('are gathered by migrate for tables that grew since, and steer the link lookup', async () => {
    const database = new Database(':memory:')
    const storage = createSqliteStorage({
      kysely: new Kysely<any>({ dialect: new SqliteDialect({ database }) }),
    })
    const crm = createCrm({ storage, tenantId: 'ten_stats' })
    await crm.migrate()
    const stats = () =>
      (database.prepare(`select tbl from sqlite_stat1`).all() as { tbl: string }[]).map((r) => r.tbl)
    expect(stats()).not.toContain('activity')

    const people = await crm.contacts.createMany(
      Array.from({ length: 50 }, (_, i) => ({ firstName: `P${i}`, lastName: 'Stats' })),
    )
    for (let round = 0; round < 4; round++) {
      await crm.activities.createMany(
        Array.from({ length: 250 }, (_, i) => ({
          type: 'call' as const,
          subject: `call ${round}-${i}`,
          occurredAt: new Date(Date.UTC(2026, 0, 1, 0, round * 250 + i)),
          targets: [{ type: 'contact' as const, id: people[i % people.length]!.id }],
        })),
      )
    }
    await crm.migrate()
    expect(stats()).toEqual(expect.arrayContaining(['activity', 'record_link']))

    // The timeline's activity query: with statistics, the contact's links drive it (by primary key), not the
    // occurred_at index over every activity.
    const plan = database
      .prepare(
        `explain query plan select a.* from activity a where a.tenant_id = ? and a.id in (
           select l.source_id from record_link l where l.tenant_id = ? and l.source_type = 'activity'
             and l.target_type = 'contact' and l.target_id = ?)
         order by a.occurred_at desc, a.id desc limit 21`,
      )
      .all('ten_stats', 'ten_stats', people[0]!.id) as { detail: string }[]
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/activity_by_occurred/)
    await storage.close()
    database.close()
  })

  // An access scope reaches SQL as `owner_id = ?` (own) or `owner_id in (…)` (team); a list page is in `id` order.
  it("answer a page of one owner's contacts from by_owner_id, and a team's by walking the key", async () => {
    const database = new Database(':memory:')
    const storage = createSqliteStorage({
      kysely: new Kysely<any>({ dialect: new SqliteDialect({ database }) }),
    })
    const crm = createCrm({ storage, tenantId: 'ten_owners' })
    await crm.migrate()
    const owners = Array.from({ length: 33 }, (_, i) => `usr_${i}`)
    await crm.contacts.createMany(
      Array.from({ length: 990 }, (_, i) => ({ firstName: `P${i}`, ownerId: owners[i % owners.length] })),
    )
    await crm.migrate()
    const page = (scope: string) =>
      (
        database
          .prepare(
            `explain query plan select * from contact where tenant_id = 'ten_owners' and archived_at is null
               and ${scope} order by id limit 51`,
          )
          .all() as { detail: string }[]
      )
        .map((p) => p.detail)
        .join('\n')

    // One owner: a range of the index, already in page order; no sort of the owner's rows, no walk of everyone's.
    const own = page(`owner_id = 'usr_3'`)
    expect(own).toMatch(/USING (COVERING )?INDEX contact_by_owner_id \(tenant_id=\? AND owner_id=\?\)/)
    expect(own).not.toMatch(/TEMP B-TREE/)
    // A third of the owners: no engine merges the per-owner ranges, and sorting them costs more than walking the
    // key past the other two thirds, which is what the planner does.
    const team = page(
      `owner_id in (${owners
        .slice(0, 11)
        .map((o) => `'${o}'`)
        .join(', ')})`,
    )
    expect(team).not.toMatch(/TEMP B-TREE/)
    await storage.close()
    database.close()
  })
})
