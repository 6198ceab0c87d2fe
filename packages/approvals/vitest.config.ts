import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('approvals', { testTimeout: 60_000 })
