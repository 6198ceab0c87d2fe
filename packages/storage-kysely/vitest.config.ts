import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('storage-kysely', { testTimeout: 30_000 })
