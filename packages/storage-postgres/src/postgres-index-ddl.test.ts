import { describe, expect, it } from 'vitest'
import { postgresIndexDdl } from './postgres-index-ddl.js'

describe('postgresIndexDdl', () => {
  it('makes every key of a btree index NULLS FIRST, expressions included', () => {
    expect(
      postgresIndexDdl(
        `create index if not exists "deal_by_tier" on "deal" ("tenant_id", ((("custom" #>> '{"a,b"}') collate "C")), "id")`,
      ),
    ).toBe(
      `create index if not exists "deal_by_tier" on "deal" ("tenant_id" nulls first, ((("custom" #>> '{"a,b"}') collate "C")) nulls first, "id" nulls first)`,
    )
    expect(
      postgresIndexDdl('create unique index if not exists "a_b" on "s"."a" ("tenant_id", "email")'),
    ).toBe(
      'create unique index if not exists "a_b" on "s"."a" ("tenant_id" nulls first, "email" nulls first)',
    )
  })

  it('leaves an include list alone: its columns are stored, not ordered', () => {
    expect(
      postgresIndexDdl(
        'create index if not exists "orders_x" on "orders" ("tenant_id", "customer_id", "id") include ("amount_minor", "status")',
      ),
    ).toBe(
      'create index if not exists "orders_x" on "orders" ("tenant_id" nulls first, "customer_id" nulls first, "id" nulls first) include ("amount_minor", "status")',
    )
  })

  it('leaves every other statement alone', () => {
    for (const statement of [
      'create table if not exists "deal" ("id" text)',
      'create index if not exists "g" on "deal" using gin ("custom" jsonb_path_ops)',
      'create index if not exists "x" on "deal" ("a" nulls last)',
      'select 1',
    ]) {
      expect(postgresIndexDdl(statement)).toBe(statement)
    }
  })
})
