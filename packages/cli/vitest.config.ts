import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('cli', { testTimeout: 600_000 })
