import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { conformanceSchema } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'
import { createSqliteStorage } from '../src/index.js'

runStorageConformance({
  name: 'sqlite (better-sqlite3 :memory:)',
  async setup() {
    const storage = createSqliteStorage({ file: ':memory:' })
    await storage.migrations.apply(conformanceSchema)
    return { storage }
  },
})

const dir = mkdtempSync(join(tmpdir(), 'rapport-sqlite-conformance-'))
runStorageConformance({
  name: 'sqlite (better-sqlite3 WAL file)',
  async setup() {
    const storage = createSqliteStorage({ file: join(dir, 'conformance.db') })
    await storage.migrations.apply(conformanceSchema)
    return { storage }
  },
  async teardown({ storage }) {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  },
})
