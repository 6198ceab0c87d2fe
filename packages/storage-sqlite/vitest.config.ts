import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('storage-sqlite', { testTimeout: 60_000, hookTimeout: 60_000 })
