import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('analytics', { testTimeout: 60_000 })
