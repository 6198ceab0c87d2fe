import { RapportError } from '@rapport/core'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { quoteIdentifier } from './postgres-connection.js'

/**
 * The transaction-local setting the tenant policy reads. Rapport only ever sets it with
 * `set_config('app.tenant_id', $1, true)` (transaction-local), never per session, so it cannot outlive a transaction
 * on a pooled connection.
 */
export const TENANT_SETTING = 'app.tenant_id'

/** The RESTRICTIVE policy every tenant table gets: rows of the tenant bound to the transaction, and only those. */
export const TENANT_POLICY = 'rapport_tenant_isolation'

/** The PERMISSIVE policy that lets the runtime role use the rows the restrictive policy leaves (alone it grants nothing). */
export const RUNTIME_POLICY = 'rapport_runtime_access'

/**
 * The policy predicate. `current_setting(…, true)` (missing_ok) returns NULL on a session that never set the value,
 * and `''` after a transaction-local value was reset at commit; `nullif` maps both to NULL, and `tenant_id = NULL` is
 * never true: a query with no tenant bound sees no row and can write none (fails closed, silently; the adapter
 * always binds before its own statements).
 */
export const TENANT_PREDICATE = `tenant_id = nullif(current_setting('${TENANT_SETTING}', true), '')`

/** The options of Postgres row-level security, resolved. */
export interface ResolvedRowSecurity {
  /** The runtime role queries run as: owns nothing, `NOLOGIN`, no `BYPASSRLS`, not a superuser. */
  readonly role: string
}

/**
 * Binds the open transaction `trx` to `tenantId` and (when given) to the runtime role, in one round trip. Both values are
 * transaction-local (`is_local = true`): at commit or rollback they revert, so a pooled connection never carries a
 * tenant into its next checkout.
 */
export async function bindTenant(
  trx: Kysely<any>,
  role: string | undefined,
  tenantId: string,
): Promise<void> {
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new RapportError('INVALID_ARGUMENT', 'row-level security: tenantId must be a non-empty string', {
      details: { tenantId },
    })
  }
  await (role === undefined
    ? sql`select set_config(${TENANT_SETTING}, ${tenantId}, true)`
    : sql`select set_config('role', ${role}, true), set_config(${TENANT_SETTING}, ${tenantId}, true)`
  ).execute(trx)
}

/** Tenant ids written into SQL text by {@link beginBoundSql}: nothing a literal could be escaped out of. */
const PLAIN_TENANT = /^[A-Za-z0-9_.:@-]{1,100}$/

/**
 * `begin` and the binding of {@link bindTenant} as one simple-protocol text (one round trip instead of two), for a
 * tenant id made only of letters, digits and `_ . : @ -` (no quote or backslash, so the literal cannot be escaped
 * out of whatever `standard_conforming_strings` says); `undefined` for any other id, which is then bound with a
 * bind parameter.
 */
export function beginBoundSql(role: string, tenantId: string): string | undefined {
  if (!PLAIN_TENANT.test(tenantId) || !/^[a-z_][a-z0-9_]{0,62}$/.test(role)) return undefined
  return `begin; select set_config('role', '${role}', true), set_config('${TENANT_SETTING}', '${tenantId}', true)`
}

interface TableInfo {
  readonly table: string
  readonly tenant: boolean
  readonly rls: boolean
  readonly forced: boolean
  /** The table's policy names. */
  readonly policies: readonly string[]
}

/**
 * The schema's tables and their row-security state, from `pg_class` and `pg_policy` (not the `pg_policies` view,
 * which deparses every policy of the database and fails when another session drops a schema meanwhile).
 */
async function tables(db: Kysely<any>, schema: string): Promise<TableInfo[]> {
  const result = await sql<TableInfo>`
    select c.relname as "table",
           exists (select 1 from pg_attribute a
                   where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant,
           c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           array(select p.polname::text from pg_policy p where p.polrelid = c.oid order by 1) as policies
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p')
    order by c.relname`.execute(db)
  return result.rows
}

/**
 * Lifts `FORCE ROW LEVEL SECURITY` for the length of a migration, so data migrations the owner runs (search
 * backfills, plugin data migrations) see every tenant's rows. Only the owner is affected: the runtime role stays
 * under the tenant policy throughout. {@link applyRowSecurity} forces it again at the end of the same `apply()`;
 * if the migration dies in between, the next `apply()` does.
 */
export async function liftForcedRowSecurity(db: Kysely<any>, schema: string): Promise<void> {
  for (const t of await tables(db, schema)) {
    if (t.forced) {
      await sql
        .raw(`alter table ${quoteIdentifier(schema)}.${quoteIdentifier(t.table)} no force row level security`)
        .execute(db)
    }
  }
}

/**
 * What `apply()` would still run to put the schema's tables under row-level security, for `plan()`: `tableNames` are
 * the model tables (those that `apply()` will create are listed in full); empty once everything is in place.
 */
export async function planRowSecurity(
  db: Kysely<any>,
  schema: string,
  role: string,
  tableNames: readonly string[],
): Promise<string[]> {
  const s = quoteIdentifier(schema)
  const r = quoteIdentifier(role)
  const existing = new Map((await tables(db, schema)).map((t) => [t.table, t]))
  const roles = await sql<{
    n: number
  }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db)
  const out: string[] = []
  if (roles.rows[0]?.n === 0) out.push(`create role ${r} nologin nobypassrls`)
  const names = [
    ...new Set([...tableNames, ...[...existing.values()].filter((t) => t.tenant).map((t) => t.table)]),
  ]
  for (const name of names.sort()) {
    const t = existing.get(name)
    const table = `${s}.${quoteIdentifier(name)}`
    if (t && !t.tenant) continue
    if (!t?.rls) out.push(`alter table ${table} enable row level security`)
    if (!t?.forced) out.push(`alter table ${table} force row level security`)
    if (!t?.policies.includes(TENANT_POLICY)) {
      out.push(
        `create policy ${TENANT_POLICY} on ${table} as restrictive for all to public using (${TENANT_PREDICATE}) with check (${TENANT_PREDICATE})`,
      )
    }
    if (!t?.policies.includes(RUNTIME_POLICY)) {
      out.push(
        `create policy ${RUNTIME_POLICY} on ${table} as permissive for all to ${r} using (true) with check (true)`,
      )
    }
  }
  if (out.length > 0) out.splice(roles.rows[0]?.n === 0 ? 1 : 0, 0, `grant usage on schema ${s} to ${r}`)
  return out
}

/**
 * Puts every table of `schema` that has a `tenant_id` column under row-level security, idempotently, as the owner
 * (run by `migrations.apply()` after the tables exist):
 *
 * - creates the runtime role when missing (`NOLOGIN NOBYPASSRLS`), refuses one that is a superuser or has
 *   `BYPASSRLS`, and makes the migrating user a member so the adapter can `SET ROLE` to it;
 * - grants it `USAGE` on the schema, DML on the tenant tables and `SELECT` on the others (the migration ledger);
 * - `ENABLE` and `FORCE ROW LEVEL SECURITY` (FORCE: the owner is not exempt either);
 * - a RESTRICTIVE policy `tenant_id = nullif(current_setting('app.tenant_id', true), '')` for everyone, and a
 *   PERMISSIVE `true` policy for the runtime role (a restrictive policy alone lets nothing through).
 *
 * Returns the names of the steps that changed something and of those already in place.
 */
export async function applyRowSecurity(
  db: Kysely<any>,
  schema: string,
  rls: ResolvedRowSecurity,
): Promise<{ applied: string[]; skipped: string[] }> {
  const applied: string[] = []
  const skipped: string[] = []
  const r = quoteIdentifier(rls.role)
  const run = (statement: string) => sql.raw(statement).execute(db)
  const role = await sql<{ super: boolean; bypass: boolean }>`
    select rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = ${rls.role}`.execute(db)
  if (role.rows.length === 0) {
    // Two migrators may race to create it; the loser's error is harmless.
    await run(
      `do $$ begin create role ${r} nologin nobypassrls; exception when duplicate_object or unique_violation then null; end $$`,
    )
    applied.push(`0460/rls/role/${rls.role}`)
  } else if (role.rows[0]!.super || role.rows[0]!.bypass) {
    throw new RapportError(
      'INVALID_CONFIG',
      `row-level security: the runtime role ${rls.role} is a superuser or has BYPASSRLS, so the tenant policy would not apply to it`,
      { details: { role: rls.role } },
    )
  } else {
    skipped.push(`0460/rls/role/${rls.role}`)
  }
  const member = await sql<{
    ok: boolean
  }>`select pg_has_role(current_user, ${rls.role}, 'MEMBER') as ok`.execute(db)
  if (!member.rows[0]?.ok) await run(`grant ${r} to current_user`)
  await run(`grant usage on schema ${quoteIdentifier(schema)} to ${r}`)
  for (const t of await tables(db, schema)) {
    const name = `${quoteIdentifier(schema)}.${quoteIdentifier(t.table)}`
    if (!t.tenant) {
      await run(`grant select on ${name} to ${r}`)
      continue
    }
    await run(`grant select, insert, update, delete on ${name} to ${r}`)
    let changed = false
    if (!t.rls) {
      await run(`alter table ${name} enable row level security`)
      changed = true
    }
    // Always re-forced: liftForcedRowSecurity() lifted it for this migration.
    await run(`alter table ${name} force row level security`)
    if (!t.policies.includes(TENANT_POLICY)) {
      await run(
        `create policy ${TENANT_POLICY} on ${name} as restrictive for all to public using (${TENANT_PREDICATE}) with check (${TENANT_PREDICATE})`,
      )
      changed = true
    }
    if (!t.policies.includes(RUNTIME_POLICY)) {
      await run(
        `create policy ${RUNTIME_POLICY} on ${name} as permissive for all to ${r} using (true) with check (true)`,
      )
      changed = true
    }
    ;(changed ? applied : skipped).push(`0460/rls/${t.table}`)
  }
  return { applied, skipped }
}
