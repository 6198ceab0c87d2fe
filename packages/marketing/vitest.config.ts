import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('marketing', { testTimeout: 60_000 })
