import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-quickstart', { testTimeout: 60_000 })
