import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-analytics', { testTimeout: 120_000 })
