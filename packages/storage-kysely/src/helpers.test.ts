import { isRapportError } from '@rapport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { withBusyRetry } from './busy-retry.js'
import { chunk, rowsPerStatement, statementChunks } from './chunk.js'
import { foldAscii } from './filter-compiler.js'
import { columnName, mapModel } from './model-mapping.js'
import { objectName } from './schema-ddl.js'
import { SerialQueue } from './serial-queue.js'
import type { SqlDialect } from './sql-dialect.js'

describe('naming', () => {
  it('maps field names to snake_case columns', () => {
    expect(
      ['id', 'tenantId', 'amountMinor', 'updatedAt', 'primaryEmail', 'x2Y', 'URLValue'].map(columnName),
    ).toEqual(['id', 'tenant_id', 'amount_minor', 'updated_at', 'primary_email', 'x2_y', 'url_value'])
  })

  it('rejects models whose fields collide on one column, or lack id/tenantId', () => {
    const base = { name: 'm', table: 'm', idPrefix: 'm', indexes: [], relations: {}, searchFields: [] }
    const id = { type: 'string' as const }
    expect(() => mapModel({ ...base, fields: { id, tenantId: id, fooBar: id, foo_bar: id } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => mapModel({ ...base, fields: { id } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(mapModel({ ...base, fields: { id, tenantId: id } }, 'crm_').table).toBe('crm_m')
  })

  it('shortens over-long object names with a stable hash', () => {
    const long = objectName('a'.repeat(40), 'b'.repeat(40))
    expect(long).toHaveLength(63)
    expect(objectName('a'.repeat(40), 'b'.repeat(40))).toBe(long)
    expect(objectName('a'.repeat(40), 'c'.repeat(40))).not.toBe(long)
    expect(objectName('deal', 'by_owner')).toBe('deal_by_owner')
  })

  it('folds ASCII letters only', () => {
    expect(foldAscii('AbÇÉ Z-ß')).toBe('abÇÉ z-ß')
  })
})

describe('chunking', () => {
  it('splits under a bind-parameter budget', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 3)).toEqual([])
    expect(rowsPerStatement(32_766, 20)).toBe(1638)
    expect(rowsPerStatement(32_766, 20, 500)).toBe(500)
    expect(rowsPerStatement(10, 50)).toBe(1)
  })

  it('cuts statements to full chunks then powers of two, keeping every item in order', () => {
    expect(statementChunks([1, 2, 3, 4, 5, 6, 7], 4).map((c) => c.length)).toEqual([4, 2, 1])
    expect(
      statementChunks(
        Array.from({ length: 990 }, (_, i) => i),
        1000,
      ).map((c) => c.length),
    ).toEqual([512, 256, 128, 64, 16, 8, 4, 2])
    expect(statementChunks([], 3)).toEqual([])
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1200 }), (length, size) => {
        const items = Array.from({ length }, (_, i) => i)
        const chunks = statementChunks(items, size)
        expect(chunks.flat()).toEqual(items)
        // Each length is `size` or a power of two below it: at most log2(size) + 2 statement texts per table.
        for (const c of chunks)
          expect(c.length === size || (c.length < size && Number.isInteger(Math.log2(c.length)))).toBe(true)
      }),
    )
  })
})

describe('SerialQueue', () => {
  it('runs tasks one after another in call order, also after a failure', async () => {
    const queue = new SerialQueue()
    const log: string[] = []
    const task =
      (name: string, fail = false) =>
      async () => {
        log.push(`start ${name}`)
        await new Promise((resolve) => setImmediate(resolve))
        log.push(`end ${name}`)
        if (fail) throw new Error(name)
        return name
      }
    const results = await Promise.allSettled([
      queue.run(task('a')),
      queue.run(task('b', true)),
      queue.run(task('c')),
    ])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })
})

describe('withBusyRetry', () => {
  const dialect = {
    classifyError: (e: unknown) => ((e as Error).message === 'busy' ? 'busy' : undefined),
  } as SqlDialect
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 }

  it('retries busy errors within the budget, then gives up with the last error', async () => {
    let calls = 0
    await expect(
      withBusyRetry(
        async () => {
          calls++
          if (calls < 3) throw new Error('busy')
          return 'done'
        },
        dialect,
        policy,
      ),
    ).resolves.toBe('done')
    expect(calls).toBe(3)
    calls = 0
    await expect(
      withBusyRetry(
        async () => {
          calls++
          throw new Error('busy')
        },
        dialect,
        policy,
      ),
    ).rejects.toThrow('busy')
    expect(calls).toBe(4)
  })

  it('never retries other errors', async () => {
    let calls = 0
    const err = await withBusyRetry(
      async () => {
        calls++
        throw new Error('constraint')
      },
      dialect,
      policy,
    ).catch((e: unknown) => e)
    expect((err as Error).message).toBe('constraint')
    expect(isRapportError(err)).toBe(false)
    expect(calls).toBe(1)
  })
})
