import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('mcp', { testTimeout: 60_000 })
