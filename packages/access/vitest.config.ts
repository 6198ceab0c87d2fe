import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('access', { testTimeout: 120_000 })
