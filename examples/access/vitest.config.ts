import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-access', { testTimeout: 60_000 })
