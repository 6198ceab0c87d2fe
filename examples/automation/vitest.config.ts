import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-automation', { testTimeout: 60_000 })
