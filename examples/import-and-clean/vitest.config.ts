import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-import-and-clean', { testTimeout: 60_000 })
