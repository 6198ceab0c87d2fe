import { createSqliteStorage } from '@rapport/storage-sqlite'
import { withPostgresStorage } from '@rapport/test-storages'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { runAccessDemo } from '../src/access-demo.js'

const expected = {
  ray: { deals: ['Deal of ray'], phone: '+86 139****5678', othersDeal: 'NOT_FOUND' },
  mia: { deals: ['Deal of rae', 'Deal of ray'], phone: '+8613912345678' },
  handOff: 'FORBIDDEN',
}

describe('examples/access', () => {
  it('a rep and a manager see different things on SQLite', async () => {
    expect(await runAccessDemo(createSqliteStorage({ file: ':memory:' }))).toEqual(expected)
  })

  // The real server when RAPPORT_TEST_PG_URL names one (as in CI), else PGlite in process; with Postgres row-level
  // security on as the tenant backstop (docs/guides/access.md), which must change nothing the demo sees.
  it('and the same on Postgres, with row-level security on', { timeout: 240_000 }, async () => {
    await withPostgresStorage('ex_access', { rls: true }, async (storage) => {
      expect(await runAccessDemo(storage)).toEqual(expected)
      // SQL through the escape hatch that names no tenant sees none of the demo's deals.
      const unbound = await sql<{ n: number }>`select count(*)::int as n from deal`.execute(storage.kysely)
      expect(unbound.rows[0]?.n).toBe(0)
    })
  })
})
