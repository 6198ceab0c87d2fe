import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('audit', { testTimeout: 60_000 })
