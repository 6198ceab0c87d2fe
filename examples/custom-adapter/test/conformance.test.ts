import { conformanceSchema } from '@rapport/core/testing'
import { runStorageConformance } from '@rapport/core/testing/vitest'
import { createKeyValueStorage } from '../src/index.js'

runStorageConformance({
  name: 'key-value example adapter',
  async setup() {
    const storage = createKeyValueStorage()
    await storage.migrations.apply(conformanceSchema)
    return { storage }
  },
  // Nothing is skipped by hand: the `search` suite is skipped (and reported) because the adapter declares
  // `capabilities.fullTextSearch: false`.
})
