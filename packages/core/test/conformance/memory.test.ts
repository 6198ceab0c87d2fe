import { conformanceSchema, createMemoryStorage } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'

runStorageConformance({
  name: 'memory',
  async setup() {
    const storage = createMemoryStorage()
    await storage.migrations.apply(conformanceSchema)
    return { storage }
  },
})

runStorageConformance({
  name: 'memory (maxRowsPerStatement: 1000)',
  async setup() {
    const storage = createMemoryStorage({ maxRowsPerStatement: 1000 })
    await storage.migrations.apply(conformanceSchema)
    return { storage }
  },
})
