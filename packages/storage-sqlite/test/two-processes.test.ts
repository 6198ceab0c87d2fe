import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isRapportError } from '@rapport/core'
import type { StorageFilter } from '@rapport/core/storage'
import { differentialModels, systemColumns, differentialSchema as testSchema } from '@rapport/core/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SqliteStorage } from '../src/index.js'
import { createSqliteStorage } from '../src/index.js'

const { contact: contactModel } = differentialModels

const child = fileURLToPath(new URL('./other-process.mjs', import.meta.url))

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.on('error', reject)
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited with ${code}`))))
  })
}

/** Starts a child that holds the write lock; resolves once it has it. */
function holdLock(file: string, ms: number): Promise<{ proc: ChildProcess; done: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, file, 'hold', String(ms)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const done = new Promise<void>((res, rej) =>
      proc.on('exit', (code) => (code === 0 ? res() : rej(new Error(`child exited with ${code}`)))),
    )
    proc.stdout.on('data', (d) => {
      if (String(d).includes('locked')) resolve({ proc, done })
    })
    proc.on('error', reject)
  })
}

const T = 't1'
const scope = { model: contactModel, schema: testSchema, tenantId: T }
const versionIs = (value: number): StorageFilter => ({
  kind: 'compare',
  ref: { field: 'version', type: 'integer' },
  op: 'eq',
  value,
})

/** What core does on update: compare-and-set on the version it read; `null` becomes VERSION_CONFLICT. */
async function guardedUpdate(storage: SqliteStorage, id: string, lastName: string, expectedVersion: number) {
  return storage.updateById({
    ...scope,
    id,
    data: { lastName, version: expectedVersion + 1 },
    guard: versionIs(expectedVersion),
  })
}

describe('two processes writing one SQLite file', () => {
  let dir: string
  let file: string
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-two-processes-'))
    file = join(dir, 'crm.db')
    const storage = createSqliteStorage({ file })
    await storage.migrations.apply(testSchema)
    await storage.create({
      ...scope,
      data: { ...systemColumns('con_ada', T), firstName: 'Ada', lastName: 'Byron' },
    })
    await storage.close()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('a stale version guard matches nothing (VERSION_CONFLICT in core), never a lost update', async () => {
    const storage = createSqliteStorage({ file })
    const read = await storage.findById({ ...scope, id: 'con_ada' })
    expect(read?.['version']).toBe(1)

    // The other process wins the race on version 1.
    expect(JSON.parse(await run([file, 'update', T, 'con_ada', 'Lovelace', '1']))).toEqual({ changes: 1 })
    expect(await guardedUpdate(storage, 'con_ada', 'Parent', 1)).toBeNull()
    const stored = await storage.findById({ ...scope, id: 'con_ada' })
    expect(stored?.['lastName']).toBe('Lovelace')
    expect(stored?.['version']).toBe(2)

    // The other way round: our write on version 2 makes the other process's stale write a no-op.
    const ours = await guardedUpdate(storage, 'con_ada', 'King', 2)
    expect(ours?.['version']).toBe(3)
    expect(JSON.parse(await run([file, 'update', T, 'con_ada', 'Stale', '2']))).toEqual({ changes: 0 })
    expect((await storage.findById({ ...scope, id: 'con_ada' }))?.['lastName']).toBe('King')
    await storage.close()
  })

  it('SQLITE_BUSY beyond the retry budget becomes STORAGE_BUSY and writes nothing', async () => {
    const storage = createSqliteStorage({
      file,
      busyTimeoutMs: 20,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 },
    })
    const { done } = await holdLock(file, 4000)
    const inTx = await storage
      .transaction((tx) => tx.updateById({ ...scope, id: 'con_ada', data: { lastName: 'Blocked' } }))
      .catch((e: unknown) => e)
    expect(isRapportError(inTx, 'STORAGE_BUSY')).toBe(true)
    const single = await guardedUpdate(storage, 'con_ada', 'Blocked', 1).catch((e: unknown) => e)
    expect(isRapportError(single, 'STORAGE_BUSY')).toBe(true)
    await done
    const stored = await storage.findById({ ...scope, id: 'con_ada' })
    expect(stored?.['lastName']).toBe('Byron')
    expect(stored?.['notes']).toBe('locked by the other process')
    expect(stored?.['version']).toBe(1)
    await storage.close()
  })

  it('SQLITE_BUSY within the retry budget is retried until the other writer commits', async () => {
    const storage = createSqliteStorage({
      file,
      busyTimeoutMs: 20,
      retry: { maxAttempts: 101, baseDelayMs: 20, maxDelayMs: 50 },
    })
    const { done } = await holdLock(file, 300)
    const updated = await storage.transaction((tx) =>
      tx.updateById({
        ...scope,
        id: 'con_ada',
        data: { lastName: 'Lovelace', version: 2 },
        guard: versionIs(1),
      }),
    )
    await done
    expect(updated?.['lastName']).toBe('Lovelace')
    expect(updated?.['notes']).toBe('locked by the other process')
    expect(updated?.['version']).toBe(2)
    await storage.close()
  })
})
