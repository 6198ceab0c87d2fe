import { rapportProject } from '../../vitest.shared.ts'

export default rapportProject('example-marketing-loop', { testTimeout: 240_000, hookTimeout: 240_000 })
