import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-sales-pipeline', { testTimeout: 60_000 })
