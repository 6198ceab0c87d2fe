import type { DatabaseIntrospector, TableMetadata } from 'kysely'
import { describe, expect, it } from 'vitest'
import { SchemaScopedIntrospector } from './postgres-connection.js'

const table = (schema: string, name: string): TableMetadata => ({
  schema,
  name,
  isView: false,
  isForeign: false,
  columns: [],
})

/** An introspector whose first `failures` calls fail with the given Postgres error code. */
function flaky(failures: number, code: string) {
  let calls = 0
  const inner = {
    getSchemas: async () => [],
    getMetadata: async () => ({ tables: [] }),
    async getTables() {
      calls++
      if (calls <= failures) throw Object.assign(new Error(`schema "t_other" does not exist`), { code })
      return [table('mine', 'contact'), table('other', 'contact')]
    },
  } as DatabaseIntrospector
  return { inner, calls: () => calls }
}

describe('SchemaScopedIntrospector', () => {
  it('lists only its own schema', async () => {
    const { inner } = flaky(0, '3F000')
    expect(await new SchemaScopedIntrospector(inner, 'mine').getTables()).toEqual([table('mine', 'contact')])
  })

  it('retries when another session dropped a schema or table while the catalog was read', async () => {
    for (const code of ['3F000', '42P01']) {
      const { inner, calls } = flaky(2, code)
      expect(await new SchemaScopedIntrospector(inner, 'mine').getTables()).toEqual([
        table('mine', 'contact'),
      ])
      expect(calls()).toBe(3)
    }
  })

  it('gives up after five attempts, and never retries other errors', async () => {
    const vanished = flaky(9, '3F000')
    await expect(new SchemaScopedIntrospector(vanished.inner, 'mine').getTables()).rejects.toThrow(
      /does not exist/,
    )
    expect(vanished.calls()).toBe(5)
    const denied = flaky(1, '42501')
    await expect(new SchemaScopedIntrospector(denied.inner, 'mine').getTables()).rejects.toThrow()
    expect(denied.calls()).toBe(1)
  })
})
