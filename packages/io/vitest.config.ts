import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('io', { testTimeout: 60_000 })
