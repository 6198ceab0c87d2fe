import { randomBytes } from 'node:crypto'
import { createCrm, isRapportError } from '@rapport/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresStorage } from '../src/index.js'
import { createPostgresStorage } from '../src/index.js'
import type { PgTestBackend } from './pg-test-backend.js'
import { openTestBackend } from './pg-test-backend.js'

/**
 * Postgres row-level security as the tenant backstop (issue 10 §2): SQL that names no tenant, sent through the
 * escape hatches, sees and changes 0 rows of other tenants, on the pooled connections too. The catalog is asserted
 * (FORCE, a RESTRICTIVE policy, a runtime role that is no superuser, has no BYPASSRLS and owns nothing).
 */
let backend: PgTestBackend
let storage: PostgresStorage
const ROLE = 'rapport_app_test'

function open(schema: string, extra: { pool?: { max: number } } = {}): PostgresStorage {
  return backend.kind === 'server'
    ? createPostgresStorage({ connectionString: backend.url! }, { schema, rls: { role: ROLE }, ...extra })
    : createPostgresStorage({ kysely: backend.kysely }, { schema, rls: { role: ROLE } })
}

async function seed(on: PostgresStorage) {
  const crm = createCrm({ storage: on, tenantId: 'ten_a' })
  await crm.migrate()
  const b = crm.scoped({ tenantId: 'ten_b' })
  for (let i = 0; i < 3; i++) await crm.contacts.create({ firstName: `Ada${i}`, lastName: 'A' })
  for (let i = 0; i < 2; i++) await b.contacts.create({ firstName: `Bo${i}`, lastName: 'B' })
  return { crm, b }
}

beforeAll(async () => {
  backend = await openTestBackend('row_security')
  storage = open(backend.schema)
  await seed(storage)
})

afterAll(async () => {
  if (backend?.kind === 'server') await storage?.close()
  await backend?.dispose()
})

const tenantsIn = (rows: readonly { tenant_id?: unknown }[]) =>
  [...new Set(rows.map((r) => r.tenant_id))].sort()

describe('the catalog', () => {
  it('every tenant table has RLS enabled and FORCEd, a RESTRICTIVE tenant policy, and the role cannot bypass it', async () => {
    const tables = await sql<{ relname: string; rls: boolean; forced: boolean; owner: string }>`
      select c.relname, c.relrowsecurity as rls, c.relforcerowsecurity as forced, pg_get_userbyid(c.relowner) as owner
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${backend.schema} and c.relkind = 'r'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')`.execute(
      backend.kysely,
    )
    expect(tables.rows.length).toBeGreaterThan(10)
    const policies = await sql<{ tablename: string; permissive: boolean; qual: string }>`
      select c.relname as tablename, p.polpermissive as permissive, pg_get_expr(p.polqual, p.polrelid) as qual
      from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${backend.schema} and p.polname = 'rapport_tenant_isolation'`.execute(backend.kysely)
    const restrictive = new Map(policies.rows.map((p) => [p.tablename, p]))
    for (const t of tables.rows) {
      expect(t, t.relname).toMatchObject({ rls: true, forced: true })
      expect(t.owner, t.relname).not.toBe(ROLE)
      expect(restrictive.get(t.relname)?.permissive, t.relname).toBe(false)
      expect(restrictive.get(t.relname)?.qual, t.relname).toContain(
        "current_setting('app.tenant_id'::text, true)",
      )
    }
    const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
      select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = ${ROLE}`.execute(
      backend.kysely,
    )
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }])
    const owned = await sql<{ n: number }>`
      select count(*)::int as n from pg_class where relowner = (select oid from pg_roles where rolname = ${ROLE})`.execute(
      backend.kysely,
    )
    expect(owned.rows[0]?.n).toBe(0)
  })

  it('the escape hatch runs as the runtime role', async () => {
    const who = await sql<{ u: string }>`select current_user as u`.execute(storage.kysely)
    expect(who.rows[0]?.u).toBe(ROLE)
  })

  it('a second migrate() changes nothing and keeps every table forced', async () => {
    const crm = createCrm({ storage, tenantId: 'ten_a' })
    expect((await crm.migrate()).applied).toEqual([])
    expect(await crm.migrations.plan()).toEqual({ statements: [] })
    const lifted = await sql<{ n: number }>`
      select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${backend.schema} and c.relrowsecurity and not c.relforcerowsecurity`.execute(
      backend.kysely,
    )
    expect(lifted.rows[0]?.n).toBe(0)
  })
})

describe('SQL that forgets the tenant', () => {
  it('sees no row at all with no tenant bound, and only the bound tenant’s rows with one', async () => {
    const unbound = await sql<{ tenant_id: string }>`select * from contact`.execute(storage.kysely)
    expect(unbound.rows).toEqual([])
    const asB = await storage.withTenant('ten_b', (db) =>
      sql<{ tenant_id: string }>`select * from contact`.execute(db),
    )
    expect(asB.rows).toHaveLength(2)
    expect(tenantsIn(asB.rows)).toEqual(['ten_b'])
    const counted = await storage.withTenant('ten_b', (db) =>
      db
        .selectFrom('contact')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    )
    expect(Number(counted.n)).toBe(2)
    // The harness connects as a superuser, which sees every tenant: the rows are there.
    const all = await sql<{
      tenant_id: string
    }>`select tenant_id from ${sql.id(backend.schema, 'contact')}`.execute(backend.kysely)
    expect(tenantsIn(all.rows)).toEqual(['ten_a', 'ten_b'])
  })

  it('cannot update, delete or insert another tenant’s rows, and the data is unchanged', async () => {
    const before = await sql`select * from ${sql.id(backend.schema, 'contact')} order by id`.execute(
      backend.kysely,
    )
    const updated = await storage.withTenant('ten_b', (db) =>
      sql`update contact set first_name = 'pwned' where tenant_id = 'ten_a'`.execute(db),
    )
    expect(Number(updated.numAffectedRows)).toBe(0)
    const deleted = await storage.withTenant('ten_b', (db) =>
      sql`delete from contact where tenant_id = 'ten_a'`.execute(db),
    )
    expect(Number(deleted.numAffectedRows)).toBe(0)
    const unboundDelete = await sql`delete from contact`.execute(storage.kysely)
    expect(Number(unboundDelete.numAffectedRows)).toBe(0)
    const row = before.rows[0] as Record<string, unknown>
    const insert = storage.withTenant('ten_b', (db) =>
      db
        .insertInto('contact')
        .values({ ...row, id: 'con_smuggled', tenant_id: 'ten_a' })
        .execute(),
    )
    await expect(insert).rejects.toMatchObject({ code: '42501' }) // new row violates row-level security policy
    const after = await sql`select * from ${sql.id(backend.schema, 'contact')} order by id`.execute(
      backend.kysely,
    )
    expect(after.rows).toEqual(before.rows)
  })

  it('Rapport’s own operations still see their tenant on every path', async () => {
    const crm = createCrm({ storage, tenantId: 'ten_a' })
    expect((await crm.contacts.list()).items).toHaveLength(3)
    expect(await crm.contacts.count()).toBe(3)
    const b = crm.scoped({ tenantId: 'ten_b' })
    expect((await b.contacts.search('Bo0')).map((c) => c.firstName)).toEqual(['Bo0'])
    const made = await crm.transaction(async (tx) => {
      const c = await tx.contacts.create({ firstName: 'Tx' })
      return tx.contacts.update(c.id, { lastName: 'Done' }, { expectedVersion: c.version })
    })
    expect(made.lastName).toBe('Done')
    await crm.contacts.delete(made.id)
    await expect(b.contacts.get((await crm.contacts.list()).items[0]!.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('a tenant id that is no plain literal (quotes, backslashes, spaces) is bound as a parameter and still isolated', async () => {
    const odd = "ten_o'brien \\ x"
    const crm = createCrm({ storage, tenantId: odd })
    await crm.contacts.create({ firstName: 'Quoted' })
    expect((await crm.contacts.list()).items.map((c) => c.firstName)).toEqual(['Quoted'])
    const raw = await storage.withTenant(odd, (db) =>
      sql<{ tenant_id: string }>`select tenant_id from contact`.execute(db),
    )
    expect(tenantsIn(raw.rows)).toEqual([odd])
    expect(
      (await crm.scoped({ tenantId: 'ten_b' }).contacts.list()).items.map((c) => c.firstName),
    ).not.toContain('Quoted')
  })
})

describe('pooled connections', () => {
  it('a tenant bound in one transaction never leaks into the next checkout (concurrent, alternating, pool of 2)', async (ctx) => {
    if (backend.kind !== 'server') {
      ctx.skip('the adapter’s own pg pool exists on the real server only (RAPPORT_TEST_PG_URL)')
      return
    }
    const pooled = open(backend.schema, { pool: { max: 2 } })
    try {
      const crm = createCrm({ storage: pooled, tenantId: 'ten_a' })
      const tenants = ['ten_a', 'ten_b'] as const
      const expected = { ten_a: 3, ten_b: 2 }
      const rounds = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const tenant = tenants[i % 2]!
          if (i % 4 < 2) {
            const rows = await pooled.withTenant(tenant, (db) =>
              sql<{ tenant_id: string }>`select tenant_id from contact`.execute(db),
            )
            return { tenant, seen: tenantsIn(rows.rows), n: rows.rows.length }
          }
          const items = (await crm.scoped({ tenantId: tenant }).contacts.list()).items
          return { tenant, seen: [...new Set(items.map(() => tenant))], n: items.length }
        }),
      )
      for (const r of rounds) expect(r).toEqual({ tenant: r.tenant, seen: [r.tenant], n: expected[r.tenant] })
      // Both connections, held at once: no tenant setting survived, and SQL naming no tenant sees nothing.
      let release!: () => void
      const hold = new Promise<void>((r) => {
        release = r
      })
      const seen: { setting: string | null; n: number; user: string }[] = []
      const lease = () =>
        pooled.kysely.connection().execute(async (conn) => {
          const r = await sql<{ setting: string | null; n: number; user: string }>`
            select current_setting('app.tenant_id', true) as setting, current_user as user,
                   (select count(*)::int from contact) as n`.execute(conn)
          seen.push(r.rows[0]!)
          if (seen.length === 2) release()
          await hold
        })
      await Promise.all([lease(), lease()])
      expect(seen).toHaveLength(2)
      for (const s of seen) {
        expect(s.n).toBe(0)
        expect(s.user).toBe(ROLE)
        expect(s.setting === null || s.setting === '').toBe(true)
      }
    } finally {
      await pooled.close()
    }
  })

  it('FORCE holds against a non-superuser owner: it sees no row without a tenant, and only the bound tenant’s with one', async (ctx) => {
    if (backend.kind !== 'server') {
      ctx.skip('needs a second login role on the real server (RAPPORT_TEST_PG_URL)')
      return
    }
    const owner = `t_rls_owner_${randomBytes(4).toString('hex')}`
    const schema = backend.freshSchema('owner')
    await sql.raw(`create role ${owner} login createrole`).execute(backend.kysely)
    await sql
      .raw(`grant create on database ${new URL(backend.url!).pathname.slice(1)} to ${owner}`)
      .execute(backend.kysely)
    const url = new URL(backend.url!)
    url.username = owner
    const asOwner = createPostgresStorage(
      { connectionString: url.toString() },
      { schema, rls: { role: ROLE } },
    )
    try {
      await seed(asOwner)
      const ownerView = await sql<{ u: string; n: number }>`
        select current_user as u, (select count(*)::int from ${sql.id(schema, 'contact')}) as n`.execute(
        backend.kysely,
      )
      expect(ownerView.rows[0]?.n).toBe(5) // superuser: the rows exist
      // The owner itself, through a plain pg connection (no SET ROLE): FORCE applies the policy to it too.
      const pg = (await import('pg')).default
      const client = new pg.Client({ connectionString: url.toString() })
      await client.connect()
      try {
        const n = await client.query(`select count(*)::int as n from ${schema}.contact`)
        expect(n.rows[0].n).toBe(0)
        await client.query('begin')
        await client.query(`select set_config('app.tenant_id', 'ten_b', true)`)
        // The owner is a member of the runtime role (migrate() made it one), so the runtime policy applies to it
        // too, and so does the RESTRICTIVE one: bound to ten_b it sees ten_b's rows and none of ten_a's.
        const bound = await client.query(`select tenant_id from ${schema}.contact`)
        expect(bound.rows.map((r: { tenant_id: string }) => r.tenant_id)).toEqual(['ten_b', 'ten_b'])
        await client.query('rollback')
      } finally {
        await client.end()
      }
      expect((await createCrm({ storage: asOwner, tenantId: 'ten_b' }).contacts.list()).items).toHaveLength(2)
    } finally {
      await asOwner.close()
      await sql.raw(`drop schema if exists ${schema} cascade`).execute(backend.kysely)
      await sql
        .raw(`revoke create on database ${new URL(backend.url!).pathname.slice(1)} from ${owner}`)
        .execute(backend.kysely)
      await sql.raw(`drop owned by ${owner}`).execute(backend.kysely)
      await sql.raw(`drop role ${owner}`).execute(backend.kysely)
    }
  })
})

describe('bad configuration', () => {
  it('refuses a malformed role name, and a role that can bypass RLS, before anything runs', async () => {
    const bad = () => createPostgresStorage({ kysely: backend.kysely }, { rls: { role: 'x"; drop' } })
    expect(bad).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }))
    expect(() => createPostgresStorage({ kysely: backend.kysely }, { rls: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    const schema = backend.freshSchema('bypass')
    const role = `t_rls_bypass_${randomBytes(4).toString('hex')}`
    await sql.raw(`create role ${role} nologin bypassrls`).execute(backend.kysely)
    try {
      const risky = createPostgresStorage({ kysely: backend.kysely }, { schema, rls: { role } })
      const error = await createCrm({ storage: risky })
        .migrate()
        .catch((e: unknown) => e)
      expect(isRapportError(error) && error.code).toBe('INVALID_CONFIG')
    } finally {
      await sql.raw(`drop owned by ${role}`).execute(backend.kysely)
      await sql.raw(`drop role ${role}`).execute(backend.kysely)
    }
  })
})
