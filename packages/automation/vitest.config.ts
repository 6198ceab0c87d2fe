import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('automation', { testTimeout: 60_000 })
