import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('procurement', { testTimeout: 60_000 })
