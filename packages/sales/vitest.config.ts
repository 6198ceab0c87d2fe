import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('sales', { testTimeout: 60_000 })
